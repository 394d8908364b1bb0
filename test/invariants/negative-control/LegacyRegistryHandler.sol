// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

import {ICreditReportRegistry} from "../../../contracts/ICreditReportRegistry.sol";
import {ICreditReportRegistryV1} from "./ICreditReportRegistryV1.sol";
import {RegistryHandler} from "../RegistryHandler.sol";

/// @dev RegistryHandler driving registry v1 (negative control). v1 takes the same write calls except
/// revokeBatch (v1 revokes a root with revoke), and answers verify/verifyInBatch without an issuer:
/// here an answer about another issuer's anchor counts as Unknown for the issuer asked about, which
/// is how a v1 caller had to read it. v1 has no per-issuer storage views to compare, and no document
/// kinds: anchors are sent without one, and the model does not judge kinds.
contract LegacyRegistryHandler is RegistryHandler {
    constructor(address registry_, address admin_, address[] memory actors_, address[] memory issuers)
        RegistryHandler(registry_, admin_, actors_, issuers)
    {}

    function _kindsEnforced() internal pure override returns (bool) {
        return false;
    }

    function _sendAnchor(bytes32 key, bytes10, uint32 expiresAt) internal override returns (bool ok) {
        (ok,) = registry.call(abi.encodeWithSignature("anchor(bytes32,uint32)", key, expiresAt));
    }

    function _sendAnchorBatch(bytes32 root, bytes10, uint32 expiresAt, uint32 leaves)
        internal
        override
        returns (bool ok)
    {
        (ok,) = registry.call(abi.encodeWithSignature("anchorBatch(bytes32,uint32,uint32)", root, expiresAt, leaves));
    }

    function _checkKinds() internal view override {}

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
        // v1's Verification is v3's without the kind fields.
        ICreditReportRegistryV1.Verification memory old = abi.decode(answer, (ICreditReportRegistryV1.Verification));
        v.status = ICreditReportRegistry.Status(uint8(old.status));
        (v.issuer, v.issuerActive) = (old.issuer, old.issuerActive);
        (v.anchoredAt, v.expiresAt, v.anchoredBlock) = (old.anchoredAt, old.expiresAt, old.anchoredBlock);
        (v.revocationReason, v.currentBlock, v.currentTime) = (old.revocationReason, old.currentBlock, old.currentTime);
        if (v.issuer != issuer) {
            ICreditReportRegistry.Verification memory unknown;
            (unknown.currentBlock, unknown.currentTime) = (v.currentBlock, v.currentTime);
            return unknown;
        }
    }
}
