// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

import {ICreditReportRegistry} from "../../../contracts/ICreditReportRegistry.sol";
import {RegistryHandler} from "../RegistryHandler.sol";

/// @dev RegistryHandler driving registry v1 (negative control). v1 takes the same write calls except
/// revokeBatch (v1 revokes a root with revoke), and answers verify/verifyInBatch without an issuer:
/// here an answer about another issuer's anchor counts as Unknown for the issuer asked about, which
/// is how a v1 caller had to read it. v1 has no per-issuer storage views to compare.
contract LegacyRegistryHandler is RegistryHandler {
    constructor(address registry_, address admin_, address[] memory actors_, address[] memory issuers)
        RegistryHandler(registry_, admin_, actors_, issuers)
    {}

    function _sendRevokeBatch(bytes32 root, uint16 reason) internal override returns (bool ok) {
        (ok,) = registry.call(abi.encodeWithSignature("revoke(bytes32,uint16)", root, reason));
    }

    function _verify(address issuer, bytes32 key)
        internal
        view
        override
        returns (ICreditReportRegistry.Verification memory)
    {
        return _asIssuers(issuer, abi.encodeWithSignature("verify(bytes32)", key));
    }

    function _verifyInBatch(address issuer, bytes32 hash, bytes32[] memory path, bytes32 root)
        internal
        view
        override
        returns (ICreditReportRegistry.Verification memory)
    {
        return _asIssuers(issuer, abi.encodeWithSignature("verifyInBatch(bytes32,bytes32[],bytes32)", hash, path, root));
    }

    function _checkStorage() internal view override {}

    function _asIssuers(address issuer, bytes memory call)
        private
        view
        returns (ICreditReportRegistry.Verification memory v)
    {
        (bool ok, bytes memory answer) = registry.staticcall(call);
        require(ok, "v1 view failed");
        // v1's Verification has the same layout as v2's.
        v = abi.decode(answer, (ICreditReportRegistry.Verification));
        if (v.issuer != issuer) {
            ICreditReportRegistry.Verification memory unknown;
            (unknown.currentBlock, unknown.currentTime) = (v.currentBlock, v.currentTime);
            return unknown;
        }
    }
}
