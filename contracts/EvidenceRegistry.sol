// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

import {ConsortiumMembers} from "./ConsortiumMembers.sol";

/// @title EvidenceRegistry
/// @notice Lenders record salted hashes of what an applicant consented to and of what was decided,
/// against a hashed application reference, so an auditor can later prove what happened and when
/// without any personal data on chain. The salt and the evidence stay with the recording lender.
contract EvidenceRegistry is ConsortiumMembers {
    bytes32 public constant RECORDER_ROLE = keccak256("RECORDER_ROLE");
    string public constant VERSION = "lendbridge-evidence-registry/1";

    enum EvidenceKind {
        Unknown,
        Consent,
        Decision
    }

    struct Evidence {
        address recorder;
        uint32 recordedAt;
        uint32 recordedBlock;
        EvidenceKind kind;
        bytes32 applicationRef;
    }

    mapping(bytes32 evidenceHash => Evidence) private _evidence;

    /// @notice Emitted after a recorder recorded an evidence hash.
    event EvidenceRecorded(
        bytes32 indexed evidenceHash, bytes32 indexed applicationRef, EvidenceKind kind, address indexed recorder
    );

    /// @notice The evidence hash is recorded already, with another recorder, application or kind.
    error EvidenceConflict(bytes32 evidenceHash);
    /// @notice A zero hash, a zero application reference or kind Unknown.
    error InvalidEvidence();

    constructor(address admin) ConsortiumMembers(RECORDER_ROLE, admin) {}

    /// @notice Records `evidenceHash` (a salted hash) for `applicationRef` (a hash of the lender's
    /// application reference).
    /// Requirements:
    /// - the caller holds RECORDER_ROLE; no argument is zero or Unknown;
    /// - the hash is not recorded with different details.
    /// Recording the same evidence again changes nothing, so a retried transaction never fails.
    function record(bytes32 evidenceHash, bytes32 applicationRef, EvidenceKind kind) external onlyRole(RECORDER_ROLE) {
        if (evidenceHash == bytes32(0) || applicationRef == bytes32(0) || kind == EvidenceKind.Unknown) {
            revert InvalidEvidence();
        }
        Evidence storage existing = _evidence[evidenceHash];
        if (existing.recorder != address(0)) {
            if (existing.recorder == msg.sender && existing.applicationRef == applicationRef && existing.kind == kind) {
                return;
            }
            revert EvidenceConflict(evidenceHash);
        }
        _evidence[evidenceHash] = Evidence(msg.sender, uint32(block.timestamp), uint32(block.number), kind, applicationRef);
        emit EvidenceRecorded(evidenceHash, applicationRef, kind, msg.sender);
    }

    /// @notice What was recorded for `evidenceHash`; a zero recorder when nothing was.
    function evidenceOf(bytes32 evidenceHash) external view returns (Evidence memory) {
        return _evidence[evidenceHash];
    }
}
