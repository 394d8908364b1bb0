// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ConsortiumMembers} from "../../../contracts/ConsortiumMembers.sol";
import {ICreditReportRegistryV1} from "./ICreditReportRegistryV1.sol";

/// @title CreditReportRegistryV1
/// @notice NEGATIVE CONTROL ONLY: registry v1 as it was before issuer namespaces (commit be707ff), kept so
/// the invariant test can show it catches v1's defects. Never deployed.
/// @dev The old register of credit report hashes; see {ICreditReportRegistryV1}.
/// @dev An anchor fits one storage slot (address + three uint32), which keeps a single anchor under
/// 50,000 gas. uint32 seconds last until 2106 and uint32 blocks for 136 years of one-second blocks.
contract CreditReportRegistryV1 is ICreditReportRegistryV1, ConsortiumMembers {
    bytes32 public constant ISSUER_ROLE = keccak256("ISSUER_ROLE");
    string public constant VERSION = "lendbridge-credit-report-registry/1";

    struct Anchor {
        address issuer;
        uint32 anchoredAt;
        uint32 expiresAt;
        uint32 anchoredBlock;
    }

    struct Revocation {
        address revokedBy;
        uint32 revokedAt;
        uint16 reasonCode;
    }

    mapping(bytes32 reportHash => Anchor) private _reports;
    mapping(bytes32 merkleRoot => Anchor) private _batches;
    mapping(bytes32 hashOrRoot => Revocation) private _revocations;
    mapping(bytes32 merkleRoot => mapping(bytes32 reportHash => Revocation)) private _batchRevocations;

    constructor(address admin) ConsortiumMembers(ISSUER_ROLE, admin) {}

    /// @notice Anchors one report hash until `expiresAt` (unix seconds).
    /// Requirements:
    /// - the caller holds ISSUER_ROLE; `reportHash` is not zero;
    /// - the hash is not anchored by another issuer;
    /// - `expiresAt` is in the future (checked only when the hash is new).
    /// Anchoring a hash the caller already anchored changes nothing and emits nothing, so a
    /// retried transaction never fails.
    function anchor(bytes32 reportHash, uint32 expiresAt) external onlyRole(ISSUER_ROLE) {
        if (_store(_reports, reportHash, expiresAt)) emit ReportAnchored(reportHash, msg.sender, expiresAt);
    }

    /// @notice Anchors the root of a sorted-pair Merkle tree over `leafCount` report hashes, each leaf
    /// being {batchLeaf} of a report hash. Same requirements and idempotence as {anchor}; `leafCount` > 0.
    function anchorBatch(bytes32 merkleRoot, uint32 expiresAt, uint32 leafCount) external onlyRole(ISSUER_ROLE) {
        if (leafCount == 0) revert InvalidArgument();
        if (_store(_batches, merkleRoot, expiresAt)) emit BatchAnchored(merkleRoot, msg.sender, expiresAt, leafCount);
    }

    /// @notice Revokes a report hash or a batch root (and so every report in the batch).
    /// Requirements:
    /// - it is anchored and not revoked; `reasonCode` is not zero;
    /// - the caller anchored it (even if no longer an issuer) or is an admin.
    function revoke(bytes32 hashOrRoot, uint16 reasonCode) external {
        if (reasonCode == 0) revert InvalidArgument();
        address issuer = _reports[hashOrRoot].issuer;
        if (issuer == address(0)) issuer = _batches[hashOrRoot].issuer;
        if (issuer == address(0)) revert NotAnchored(hashOrRoot);
        if (msg.sender != issuer && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) {
            revert NotAnchoringIssuer(hashOrRoot, msg.sender);
        }
        if (_revocations[hashOrRoot].revokedAt != 0) revert AlreadyRevoked(hashOrRoot);
        _revocations[hashOrRoot] = Revocation(msg.sender, uint32(block.timestamp), reasonCode);
        emit AnchorRevoked(hashOrRoot, msg.sender, reasonCode);
    }

    /// @notice Revokes one report of a batch; the batch's other reports stay valid.
    /// Requirements: as {revoke} for the batch root, and `proof` leads from `reportHash` to it.
    function revokeInBatch(bytes32 reportHash, bytes32[] calldata proof, bytes32 merkleRoot, uint16 reasonCode)
        external
    {
        if (reasonCode == 0) revert InvalidArgument();
        address issuer = _batches[merkleRoot].issuer;
        if (issuer == address(0)) revert NotAnchored(merkleRoot);
        if (!MerkleProof.verifyCalldata(proof, merkleRoot, batchLeaf(reportHash))) {
            revert NotInBatch(reportHash, merkleRoot);
        }
        if (msg.sender != issuer && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) {
            revert NotAnchoringIssuer(merkleRoot, msg.sender);
        }
        if (_batchRevocations[merkleRoot][reportHash].revokedAt != 0) revert AlreadyRevoked(reportHash);
        _batchRevocations[merkleRoot][reportHash] = Revocation(msg.sender, uint32(block.timestamp), reasonCode);
        emit ReportRevokedInBatch(reportHash, merkleRoot, msg.sender, reasonCode);
    }

    /// @notice What is stored for a hash or batch root, for writers checking before they send.
    function anchorOf(bytes32 hashOrRoot) external view returns (AnchorRecord memory record) {
        Anchor memory a = _reports[hashOrRoot];
        if (a.issuer == address(0)) {
            a = _batches[hashOrRoot];
            record.isBatch = a.issuer != address(0);
        }
        record.issuer = a.issuer;
        record.anchoredAt = a.anchoredAt;
        record.expiresAt = a.expiresAt;
        record.anchoredBlock = a.anchoredBlock;
        record.revocationReason = _revocations[hashOrRoot].reasonCode;
    }

    /// @notice The status of a report anchored on its own.
    function verify(bytes32 reportHash) external view returns (Verification memory) {
        return _verification(_reports[reportHash], _revocations[reportHash]);
    }

    /// @notice The status of a report anchored in a batch; Unknown when the proof does not lead from
    /// the report to an anchored root.
    function verifyInBatch(bytes32 reportHash, bytes32[] calldata proof, bytes32 merkleRoot)
        external
        view
        returns (Verification memory)
    {
        if (!MerkleProof.verifyCalldata(proof, merkleRoot, batchLeaf(reportHash))) {
            return _verification(Anchor(address(0), 0, 0, 0), _revocations[merkleRoot]);
        }
        // A revoked batch revokes every report in it; otherwise the report's own revocation counts.
        Revocation memory revocation = _revocations[merkleRoot];
        if (revocation.revokedAt == 0) revocation = _batchRevocations[merkleRoot][reportHash];
        return _verification(_batches[merkleRoot], revocation);
    }

    /// @notice The Merkle leaf of a report hash: OpenZeppelin's StandardMerkleTree encoding of one
    /// bytes32 (double keccak256), so that no inner node can pass as a leaf.
    function batchLeaf(bytes32 reportHash) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(reportHash))));
    }

    function _store(mapping(bytes32 => Anchor) storage anchors, bytes32 key, uint32 expiresAt)
        private
        returns (bool created)
    {
        if (key == bytes32(0)) revert InvalidArgument();
        address existing = anchors[key].issuer;
        if (existing == msg.sender) return false;
        if (existing != address(0)) revert AnchoredByAnotherIssuer(key, existing);
        if (expiresAt <= block.timestamp) revert ExpiryNotInFuture(expiresAt);
        anchors[key] = Anchor(msg.sender, uint32(block.timestamp), expiresAt, uint32(block.number));
        return true;
    }

    function _verification(Anchor memory a, Revocation memory r) private view returns (Verification memory v) {
        v.currentBlock = block.number;
        v.currentTime = block.timestamp;
        if (a.issuer == address(0)) return v;
        v.issuer = a.issuer;
        v.issuerActive = hasRole(ISSUER_ROLE, a.issuer);
        v.anchoredAt = a.anchoredAt;
        v.expiresAt = a.expiresAt;
        v.anchoredBlock = a.anchoredBlock;
        v.revocationReason = r.reasonCode;
        if (r.revokedAt != 0) v.status = Status.Revoked;
        else if (block.timestamp >= a.expiresAt) v.status = Status.Expired;
        else v.status = Status.Valid;
    }
}
