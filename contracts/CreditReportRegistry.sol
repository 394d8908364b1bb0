// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ConsortiumMembers} from "./ConsortiumMembers.sol";
import {ICreditReportRegistry} from "./ICreditReportRegistry.sol";

/// @title CreditReportRegistry
/// @notice The consortium's register of credit report hashes; see {ICreditReportRegistry}.
/// @dev Every write lands in the caller's own namespace (`msg.sender` is the first mapping key) and
/// every read names the issuer it asks about, so no account can reach another issuer's state: that
/// is what makes the "no member affects another member's anchors" rule hold by construction. An
/// anchor, its revocation and its document kind included, fits one storage slot, which keeps a single
/// anchor near 50,000 gas (50,286 measured with the kind). uint32 seconds last until 2106 and uint32
/// blocks for 136 years of one-second blocks.
contract CreditReportRegistry is ICreditReportRegistry, ConsortiumMembers {
    bytes32 public constant ISSUER_ROLE = keccak256("ISSUER_ROLE");
    string public constant VERSION = "lendbridge-credit-report-registry/3";

    mapping(address issuer => mapping(bytes32 reportHash => Anchor)) private _reports;
    mapping(address issuer => mapping(bytes32 merkleRoot => Anchor)) private _batches;
    mapping(address issuer => mapping(bytes32 merkleRoot => mapping(bytes32 reportHash => Revocation))) private
        _revokedInBatch;
    /// @notice The most document kinds one issuer may hold, which bounds the cost of removing it.
    uint256 public constant MAX_KINDS_PER_ISSUER = 16;
    /// The kinds each issuer is granted, enumerable (kindsOf) and cleared when it stops being a member.
    mapping(address issuer => bytes10[] kinds) private _kinds;
    /// 1 + the kind's index in _kinds[issuer]; 0 when not granted.
    mapping(address issuer => mapping(bytes10 kind => uint256 position)) private _kindPosition;

    constructor(address admin) ConsortiumMembers(ISSUER_ROLE, admin) {}

    /// @notice Anchors one report hash under the caller, as a document of `kind`, until `expiresAt`
    /// (unix seconds).
    /// Requirements:
    /// - the caller holds ISSUER_ROLE (AccessControlUnauthorizedAccount) and is granted `kind` now
    ///   (KindNotTrusted); `reportHash` is not zero;
    /// - the caller has not anchored the hash as another kind (AnchoredAsOtherKind);
    /// - `expiresAt` is in the future (checked only when the caller has not anchored the hash yet).
    /// Anchoring a hash the caller already anchored as this kind changes nothing and emits nothing, so a
    /// retried transaction never fails; another issuer anchoring the same hash is independent of it.
    function anchor(bytes32 reportHash, bytes10 kind, uint32 expiresAt) external {
        _checkKind(kind);
        if (_store(_reports[msg.sender], reportHash, kind, expiresAt, 0)) {
            emit ReportAnchored(msg.sender, reportHash, kind, expiresAt);
        }
    }

    /// @notice Anchors the root of a sorted-pair Merkle tree over `leafCount` report hashes, each leaf
    /// being {batchLeaf} of a report hash; every report in the batch is a document of `kind`.
    /// Requirements: as {anchor}, and `leafCount` > 0. Idempotent as {anchor}.
    function anchorBatch(bytes32 merkleRoot, bytes10 kind, uint32 expiresAt, uint32 leafCount) external {
        _checkKind(kind);
        if (leafCount == 0) revert InvalidArgument();
        if (_store(_batches[msg.sender], merkleRoot, kind, expiresAt, leafCount)) {
            emit BatchAnchored(msg.sender, merkleRoot, kind, expiresAt, leafCount);
        }
    }

    /// @notice Trusts `issuer` to anchor documents of `kind` from now on.
    /// Requirements: the caller is an admin; `issuer` is a member; `kind` is not zero; `issuer` holds
    /// fewer than MAX_KINDS_PER_ISSUER kinds. Granting a kind held already changes nothing.
    function grantKind(address issuer, bytes10 kind) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (kind == bytes10(0)) revert InvalidArgument();
        if (!hasRole(ISSUER_ROLE, issuer)) revert NotMember(issuer);
        if (_kindPosition[issuer][kind] != 0) return;
        bytes10[] storage kinds = _kinds[issuer];
        if (kinds.length >= MAX_KINDS_PER_ISSUER) revert TooManyKinds(issuer);
        kinds.push(kind);
        _kindPosition[issuer][kind] = kinds.length;
        emit KindGranted(issuer, kind);
    }

    /// @notice Stops trusting `issuer` for `kind`: it can no longer anchor that kind, and what it
    /// anchored as that kind verifies as from an issuer not trusted for it (the anchors themselves stay).
    /// Requirements: the caller is an admin. Withdrawing a kind not held changes nothing.
    function withdrawKind(address issuer, bytes10 kind) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _withdrawKind(issuer, kind);
    }

    /// @notice Whether `issuer` may anchor documents of `kind` now (false for a non-member).
    function isTrustedFor(address issuer, bytes10 kind) public view returns (bool) {
        return _kindPosition[issuer][kind] != 0;
    }

    /// @notice The document kinds `issuer` is granted now, in no particular order.
    function kindsOf(address issuer) external view returns (bytes10[] memory) {
        return _kinds[issuer];
    }

    /// @notice Revokes a report the caller anchored on its own.
    /// Requirements:
    /// - the caller anchored `reportHash` (it need not be an issuer any more); `reasonCode` is not zero;
    /// - it is not revoked with another reason. Revoking again with the same reason changes nothing.
    function revoke(bytes32 reportHash, uint16 reasonCode) external {
        if (_revoke(_reports[msg.sender][reportHash], reportHash, reasonCode)) {
            emit ReportRevoked(msg.sender, reportHash, reasonCode);
        }
    }

    /// @notice Revokes a batch the caller anchored, and so every report in it.
    /// Requirements: as {revoke}, for the caller's batch root.
    function revokeBatch(bytes32 merkleRoot, uint16 reasonCode) external {
        if (_revoke(_batches[msg.sender][merkleRoot], merkleRoot, reasonCode)) {
            emit BatchRevoked(msg.sender, merkleRoot, reasonCode);
        }
    }

    /// @notice Revokes one report of a batch the caller anchored; the batch's other reports stay valid.
    /// Requirements:
    /// - the caller anchored `merkleRoot` as a batch; `reasonCode` is not zero;
    /// - `proof` leads from `reportHash` to `merkleRoot`;
    /// - the report is not revoked in this batch with another reason (the same reason is a no-op).
    function revokeInBatch(bytes32 reportHash, bytes32[] calldata proof, bytes32 merkleRoot, uint16 reasonCode)
        external
    {
        if (reasonCode == 0) revert InvalidArgument();
        if (_batches[msg.sender][merkleRoot].anchoredAt == 0) revert NotAnchored(msg.sender, merkleRoot);
        if (!MerkleProof.verifyCalldata(proof, merkleRoot, batchLeaf(reportHash))) {
            revert NotInBatch(reportHash, merkleRoot);
        }
        Revocation storage revocation = _revokedInBatch[msg.sender][merkleRoot][reportHash];
        if (revocation.revokedAt != 0) {
            if (revocation.reasonCode == reasonCode) return;
            revert AlreadyRevoked(msg.sender, reportHash, revocation.reasonCode);
        }
        revocation.revokedAt = uint32(block.timestamp);
        revocation.reasonCode = reasonCode;
        emit ReportRevokedInBatch(msg.sender, merkleRoot, reportHash, reasonCode);
    }

    /// @notice What `issuer` stored for a report anchored on its own; all zero when nothing.
    function anchorOf(address issuer, bytes32 reportHash) external view returns (Anchor memory) {
        return _reports[issuer][reportHash];
    }

    /// @notice What `issuer` stored for a batch root; all zero when nothing.
    function batchOf(address issuer, bytes32 merkleRoot) external view returns (Anchor memory) {
        return _batches[issuer][merkleRoot];
    }

    /// @notice The revocation of one report within `issuer`'s batch; all zero when none.
    function revocationInBatch(address issuer, bytes32 merkleRoot, bytes32 reportHash)
        external
        view
        returns (Revocation memory)
    {
        return _revokedInBatch[issuer][merkleRoot][reportHash];
    }

    /// @notice The status of a report `issuer` anchored on its own; Unknown when `issuer` did not.
    function verify(address issuer, bytes32 reportHash) external view returns (Verification memory) {
        Anchor memory a = _reports[issuer][reportHash];
        return _verification(issuer, a, a.revocationReason);
    }

    /// @notice The status of a report in a batch `issuer` anchored; Unknown when the proof does not lead
    /// from the report to a root anchored by `issuer`.
    function verifyInBatch(address issuer, bytes32 reportHash, bytes32[] calldata proof, bytes32 merkleRoot)
        external
        view
        returns (Verification memory)
    {
        if (!MerkleProof.verifyCalldata(proof, merkleRoot, batchLeaf(reportHash))) {
            return _verification(issuer, Anchor(0, 0, 0, 0, 0, 0, 0), 0);
        }
        Anchor memory batch = _batches[issuer][merkleRoot];
        // A revoked batch revokes every report in it; otherwise the report's own revocation counts.
        uint16 reason = batch.revocationReason;
        if (reason == 0) reason = _revokedInBatch[issuer][merkleRoot][reportHash].reasonCode;
        return _verification(issuer, batch, reason);
    }

    /// @notice The Merkle leaf of a report hash: OpenZeppelin's StandardMerkleTree encoding of one
    /// bytes32 (double keccak256), so that no inner node can pass as a leaf.
    function batchLeaf(bytes32 reportHash) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(reportHash))));
    }

    /// @dev The first check of every anchor, before the idempotency check, so a retry of an anchor whose
    /// kind was withdrawn since fails rather than reporting success (it would verify as untrusted). It
    /// stands in for the ISSUER_ROLE check (one storage read on the way to a write, not two): only a
    /// member can hold a kind, since grantKind requires membership and every way of losing the role
    /// clears the kinds. A caller that is not an issuer at all is told AccessControlUnauthorizedAccount.
    function _checkKind(bytes10 kind) private view {
        if (!isTrustedFor(msg.sender, kind)) {
            _checkRole(ISSUER_ROLE);
            revert KindNotTrusted(msg.sender, kind);
        }
    }

    function _store(
        mapping(bytes32 => Anchor) storage anchors,
        bytes32 key,
        bytes10 kind,
        uint32 expiresAt,
        uint32 leafCount
    ) private returns (bool created) {
        if (key == bytes32(0)) revert InvalidArgument();
        Anchor storage existing = anchors[key];
        if (existing.anchoredAt != 0) {
            if (existing.kind != kind) revert AnchoredAsOtherKind(msg.sender, key, existing.kind);
            return false;
        }
        if (expiresAt <= block.timestamp) revert ExpiryNotInFuture(expiresAt);
        anchors[key] = Anchor(uint32(block.timestamp), expiresAt, uint32(block.number), leafCount, 0, 0, kind);
        return true;
    }

    function _withdrawKind(address issuer, bytes10 kind) private {
        uint256 position = _kindPosition[issuer][kind];
        if (position == 0) return;
        bytes10[] storage kinds = _kinds[issuer];
        bytes10 last = kinds[kinds.length - 1];
        kinds[position - 1] = last;
        _kindPosition[issuer][last] = position;
        kinds.pop();
        delete _kindPosition[issuer][kind];
        emit KindWithdrawn(issuer, kind);
    }

    /// @dev An issuer that stops being a member (removed, revoked or renounced) loses every kind, so
    /// a re-admitted member starts with none.
    function _revokeRole(bytes32 role, address account) internal override returns (bool revoked) {
        revoked = super._revokeRole(role, account);
        if (revoked && role == ISSUER_ROLE) {
            bytes10[] storage kinds = _kinds[account];
            while (kinds.length > 0) _withdrawKind(account, kinds[kinds.length - 1]);
        }
    }

    function _revoke(Anchor storage a, bytes32 key, uint16 reasonCode) private returns (bool revoked) {
        if (reasonCode == 0) revert InvalidArgument();
        if (a.anchoredAt == 0) revert NotAnchored(msg.sender, key);
        if (a.revokedAt != 0) {
            if (a.revocationReason == reasonCode) return false;
            revert AlreadyRevoked(msg.sender, key, a.revocationReason);
        }
        a.revokedAt = uint32(block.timestamp);
        a.revocationReason = reasonCode;
        return true;
    }

    function _verification(address issuer, Anchor memory a, uint16 revocationReason)
        private
        view
        returns (Verification memory v)
    {
        v.currentBlock = block.number;
        v.currentTime = block.timestamp;
        if (a.anchoredAt == 0) return v;
        v.issuer = issuer;
        v.issuerActive = hasRole(ISSUER_ROLE, issuer);
        v.anchoredAt = a.anchoredAt;
        v.expiresAt = a.expiresAt;
        v.anchoredBlock = a.anchoredBlock;
        v.revocationReason = revocationReason;
        v.kind = a.kind;
        v.issuerTrustedForKind = isTrustedFor(issuer, a.kind);
        if (revocationReason != 0) v.status = Status.Revoked;
        else if (block.timestamp >= a.expiresAt) v.status = Status.Expired;
        else v.status = Status.Valid;
    }
}
