// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

/// @title LedgerProbe
/// @notice Marks a ledger as prepared for lendbridge. The API's health check and the probe workflow
/// read it to prove that the configured address holds lendbridge code on the configured chain, so a
/// wrong RPC URL or a reset node shows up as "not ready" instead of as failed verifications later.
contract LedgerProbe {
    /// @notice Identifies the contract family and its interface version.
    string public constant VERSION = "lendbridge-ledger-probe/1";

    /// @return The interface version string.
    function version() external pure returns (string memory) {
        return VERSION;
    }
}
