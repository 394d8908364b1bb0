// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

import {ConsortiumMembers} from "../../../contracts/ConsortiumMembers.sol";

/// @title EvidenceRegistryV2
/// @notice NEGATIVE CONTROL ONLY: the evidence registry /2 as it was before keys had to accept their
/// lender (commit 8968dff), kept so the invariant test can show it catches /2's defect: a lender
/// binds any address to itself with authorizeKey, without that key's consent. Never deployed.
contract EvidenceRegistryV2 is ConsortiumMembers {
    bytes32 public constant RECORDER_ROLE = keccak256("RECORDER_ROLE");
    string public constant VERSION = "lendbridge-evidence-registry/2";

    enum EvidenceKind {
        Unknown,
        Consent,
        Decision
    }

    struct Evidence {
        uint32 recordedAt;
        uint32 recordedBlock;
        EvidenceKind kind;
        /// The account that sent the record: the member itself or one of its keys.
        address recordedBy;
        bytes32 applicationRef;
    }

    mapping(address member => mapping(bytes32 evidenceHash => Evidence)) private _evidence;
    mapping(address key => address member) private _keyMember;

    /// @notice Emitted after evidence was recorded in `member`'s namespace, sent by `recordedBy`.
    event EvidenceRecorded(
        address indexed member,
        bytes32 indexed evidenceHash,
        bytes32 indexed applicationRef,
        EvidenceKind kind,
        address recordedBy
    );
    /// @notice Emitted after `member` authorised `key` to record on its behalf.
    event KeyAuthorized(address indexed member, address indexed key);
    /// @notice Emitted after `member` withdrew `key`'s authorisation.
    event KeyRevoked(address indexed member, address indexed key);

    /// @notice `member` recorded this evidence hash already, for another application or kind.
    error EvidenceConflict(address member, bytes32 evidenceHash);
    /// @notice A zero hash, a zero application reference or kind Unknown.
    error InvalidEvidence();
    /// @notice `account` is neither a recorder member nor a key authorised by a current one.
    error UnauthorizedRecorder(address account);
    /// @notice `key` serves `member` already (or is a member itself, then `member` == `key`).
    error KeyInUse(address key, address member);
    /// @notice `key` is not authorised by the caller.
    error KeyNotAuthorized(address key, address caller);

    constructor(address admin) ConsortiumMembers(RECORDER_ROLE, admin) {}

    /// @notice Records `evidenceHash` (a salted hash) for `applicationRef` (a hash of the lender's
    /// application reference) in the namespace of the member the caller records for.
    /// Requirements:
    /// - the caller is a recorder member, or a key authorised by a current one;
    /// - no argument is zero or Unknown;
    /// - the member has not recorded the hash with a different application or kind.
    /// Recording the same evidence again, from the member or any of its keys, changes nothing, so a
    /// retried transaction never fails, whichever replica retries it.
    function record(bytes32 evidenceHash, bytes32 applicationRef, EvidenceKind kind) external {
        address member = recordsFor(msg.sender);
        if (member == address(0)) revert UnauthorizedRecorder(msg.sender);
        if (evidenceHash == bytes32(0) || applicationRef == bytes32(0) || kind == EvidenceKind.Unknown) {
            revert InvalidEvidence();
        }
        Evidence storage existing = _evidence[member][evidenceHash];
        if (existing.recordedAt != 0) {
            if (existing.applicationRef == applicationRef && existing.kind == kind) return;
            revert EvidenceConflict(member, evidenceHash);
        }
        _evidence[member][evidenceHash] =
            Evidence(uint32(block.timestamp), uint32(block.number), kind, msg.sender, applicationRef);
        emit EvidenceRecorded(member, evidenceHash, applicationRef, kind, msg.sender);
    }

    /// @notice Lets `key` record on the caller's behalf.
    /// Requirements:
    /// - the caller holds RECORDER_ROLE; `key` is not the zero address;
    /// - `key` is not a member and serves no other member. Authorising a key again changes nothing.
    function authorizeKey(address key) external onlyRole(RECORDER_ROLE) {
        if (key == address(0)) revert ZeroAddress();
        if (hasRole(RECORDER_ROLE, key)) revert KeyInUse(key, key);
        address current = _keyMember[key];
        if (current == msg.sender) return;
        if (current != address(0)) revert KeyInUse(key, current);
        _keyMember[key] = msg.sender;
        emit KeyAuthorized(msg.sender, key);
    }

    /// @notice Withdraws `key`'s authorisation; from then on it records for nobody.
    /// Requirements: `key` serves the caller or nobody (then nothing changes). A removed member may
    /// still revoke its keys.
    function revokeKey(address key) external {
        address current = _keyMember[key];
        if (current == address(0)) return;
        if (current != msg.sender) revert KeyNotAuthorized(key, msg.sender);
        delete _keyMember[key];
        emit KeyRevoked(msg.sender, key);
    }

    /// @notice The member whose namespace `account`'s records land in: itself if it is a current
    /// member, else the current member that authorised it; the zero address if none.
    function recordsFor(address account) public view returns (address member) {
        if (hasRole(RECORDER_ROLE, account)) return account;
        member = _keyMember[account];
        if (member != address(0) && !hasRole(RECORDER_ROLE, member)) member = address(0);
    }

    /// @notice The member that authorised `key`, whether or not it is still a member; zero if none.
    function keyMember(address key) external view returns (address) {
        return _keyMember[key];
    }

    /// @notice What `member` recorded for `evidenceHash`; all zero when nothing.
    function evidenceOf(address member, bytes32 evidenceHash) external view returns (Evidence memory) {
        return _evidence[member][evidenceHash];
    }

    /// @dev A key already recording for a member cannot become a member itself: its records would
    /// silently move to a namespace of its own.
    function _checkNewMember(address account) internal view override {
        address member = _keyMember[account];
        if (member != address(0)) revert KeyInUse(account, member);
    }
}
