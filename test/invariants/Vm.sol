// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

/// @dev The few Foundry cheatcodes the invariant tests use (declared here: forge-std is not a dependency).
interface Vm {
    function prank(address msgSender) external;
    function warp(uint256 newTimestamp) external;
    function roll(uint256 newHeight) external;
}

Vm constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
