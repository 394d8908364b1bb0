// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

import {RegistryConsortium} from "../CreditReportRegistry.invariants.t.sol";
import {RegistryHandler} from "../RegistryHandler.sol";
import {CreditReportRegistryV1} from "./CreditReportRegistryV1.sol";
import {LegacyRegistryHandler} from "./LegacyRegistryHandler.sol";

/// @dev The same consortium and handler, on registry v1.
abstract contract RegistryV1Consortium is RegistryConsortium {
    function _deploy(address admin, address[] memory actors, address[] memory issuers)
        internal
        override
        returns (address registry, RegistryHandler registryHandler)
    {
        registry = address(new CreditReportRegistryV1(admin));
        registryHandler = new LegacyRegistryHandler(registry, admin, actors, issuers);
    }
}

/// @dev Negative control, MUST FAIL: the fuzzed invariant run against registry v1. Excluded from the
/// default run (foundry.toml no_match_contract); test/integration/contracts/invariants.spec.ts runs
/// it and expects forge to find one of v1's defects unaided.
contract NegativeControlRegistryV1Invariants is RegistryV1Consortium {
    function invariant_eachIssuersAnchorsVerifyAsOnlyItsOwnActionsMadeThem() public view {
        handler.checkAgainstModel();
    }
}

/// @dev Part of the default run: the model check catches each of v1's defects when the sequence that
/// exposes it is played, so the invariant cannot silently lose its teeth.
contract ModelCheckCatchesRegistryV1Defects is RegistryV1Consortium {
    uint256 constant ISSUER_A = 0;
    uint256 constant ISSUER_B = 1;
    uint256 constant ADMIN = 3;
    // Not the ones the former issuer anchored in setUp (key 0 and root key 4): v1 would refuse those.
    uint256 constant REPORT = 1;
    uint256 constant ROOT = 5; // ReportPool.key(5) is the root of batch 1
    uint256 constant KIND = 0; // v1 has no kinds: the handler ignores it

    function test_catchesARevocationOfAnotherIssuersBatchThroughItsRootAnchoredAsAReport() public {
        handler.anchorBatch(ISSUER_A, ROOT, KIND, 30 days, 2);
        handler.anchor(ISSUER_B, ROOT, KIND, 30 days); // v1: a separate map, so B may
        handler.revoke(ISSUER_B, ROOT, 1); // v1: the shared revocation map now says "revoked"
        try handler.checkAgainstModel() {
            revert("the model check missed that B's revocation revoked A's batch");
        } catch Error(string memory reason) {
            _expectReason(reason, "verifyInBatch: status differs from the model");
        }
    }

    function test_catchesSquattingOnAHashAnotherIssuerAnchored() public {
        handler.anchor(ISSUER_A, REPORT, KIND, 30 days);
        try handler.anchor(ISSUER_B, REPORT, KIND, 30 days) {
            revert("the handler missed that v1 refused B its own anchor of the hash");
        } catch Error(string memory reason) {
            _expectReason(reason, "anchor: refused, but the model accepts it");
        }
    }

    function test_catchesTheAdminRevokingAnIssuersAnchor() public {
        handler.anchor(ISSUER_A, REPORT, KIND, 30 days);
        try handler.revoke(ADMIN, REPORT, 1) {
            revert("the handler missed that v1 let the admin revoke A's anchor");
        } catch Error(string memory reason) {
            _expectReason(reason, "revoke: accepted, but the model refuses it");
        }
    }

    function _expectReason(string memory actual, string memory expected) private pure {
        require(keccak256(bytes(actual)) == keccak256(bytes(expected)), string.concat("unexpected failure: ", actual));
    }
}
