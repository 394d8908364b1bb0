// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

import {ConsortiumMembers} from "./ConsortiumMembers.sol";

/// @title EvidenceRegistry
/// @notice Lenders record salted hashes of what an applicant consented to and of what was decided,
/// against a hashed application reference, so an auditor can later prove what happened and when
/// without any personal data on chain. The salt and the evidence stay with the recording lender.
///
/// Evidence is kept per member organisation (the RECORDER_ROLE account). A member may have signing
/// keys, one per worker replica, record on its behalf: whichever of its keys records, the evidence
/// lands in the member's namespace, so a retry on another replica is the same record. A key serves a
/// member only once both agreed: the member proposes the key, then the key itself accepts (a
/// transaction it signs). So no member can bind another's key to itself and catch that key's
/// records, nor revoke it. No account can write into another member's namespace; a removed member's
/// keys stop recording, and what it recorded stays readable.
contract EvidenceRegistry is ConsortiumMembers {
    bytes32 public constant RECORDER_ROLE = keccak256("RECORDER_ROLE");
    string public constant VERSION = "lendbridge-evidence-registry/3";

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
    /// The member each key records for, set when the key accepted the member's proposal.
    mapping(address key => address member) private _keyMember;
    /// Keys a member proposed that have not accepted yet. Kept per member: any number of members may
    /// propose the same key, and none of them can take or withdraw another's proposal.
    mapping(address member => mapping(address key => bool)) private _proposedKeys;

    /// @notice Emitted after evidence was recorded in `member`'s namespace, sent by `recordedBy`.
    event EvidenceRecorded(
        address indexed member,
        bytes32 indexed evidenceHash,
        bytes32 indexed applicationRef,
        EvidenceKind kind,
        address recordedBy
    );
    /// @notice Emitted after `member` proposed that `key` record on its behalf; it does not yet.
    event KeyProposed(address indexed member, address indexed key);
    /// @notice Emitted after `key` accepted `member`'s proposal: from now on it records for `member`.
    event KeyAccepted(address indexed member, address indexed key);
    /// @notice Emitted after `member` withdrew its proposal to `key`, which had not accepted it.
    event KeyProposalWithdrawn(address indexed member, address indexed key);
    /// @notice Emitted after `member` revoked `key`, which recorded for it until then.
    event KeyRevoked(address indexed member, address indexed key);

    /// @notice `member` recorded this evidence hash already, for another application or kind.
    error EvidenceConflict(address member, bytes32 evidenceHash);
    /// @notice A zero hash, a zero application reference or kind Unknown.
    error InvalidEvidence();
    /// @notice `account` is neither a recorder member nor a key serving a current one.
    error UnauthorizedRecorder(address account);
    /// @notice `key` serves `member` already (or is a member itself, then `member` == `key`).
    error KeyInUse(address key, address member);
    /// @notice `key` does not record for the caller.
    error KeyNotAuthorized(address key, address caller);
    /// @notice `member` has no pending proposal for `key`.
    error KeyNotProposed(address key, address member);

    constructor(address admin) ConsortiumMembers(RECORDER_ROLE, admin) {}

    /// @notice Records `evidenceHash` (a salted hash) for `applicationRef` (a hash of the lender's
    /// application reference) in the namespace of the member the caller records for.
    /// Requirements:
    /// - the caller is a recorder member, or a key that accepted a current one's proposal;
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

    /// @notice Proposes that `key` (a worker replica's signing key) record on the caller's behalf. It
    /// does not until the key accepts with {acceptKey}.
    /// Requirements:
    /// - the caller holds RECORDER_ROLE; `key` is not the zero address;
    /// - `key` is not a member and serves no other member.
    /// Proposing a key that has been proposed by the caller, or already serves it, changes nothing.
    function proposeKey(address key) external onlyRole(RECORDER_ROLE) {
        if (key == address(0)) revert ZeroAddress();
        if (hasRole(RECORDER_ROLE, key)) revert KeyInUse(key, key);
        address current = _keyMember[key];
        if (current == msg.sender) return;
        if (current != address(0)) revert KeyInUse(key, current);
        if (_proposedKeys[msg.sender][key]) return;
        _proposedKeys[msg.sender][key] = true;
        emit KeyProposed(msg.sender, key);
    }

    /// @notice Accepts `member`'s proposal: the caller, a signing key, records for `member` from now on.
    /// Requirements:
    /// - the caller is not a member and serves no other member;
    /// - `member` proposed the caller and has not withdrawn the proposal;
    /// - `member` holds RECORDER_ROLE.
    /// Accepting again the member the caller serves changes nothing.
    function acceptKey(address member) external {
        if (hasRole(RECORDER_ROLE, msg.sender)) revert KeyInUse(msg.sender, msg.sender);
        address current = _keyMember[msg.sender];
        if (current != address(0)) {
            if (current == member) return;
            revert KeyInUse(msg.sender, current);
        }
        if (!_proposedKeys[member][msg.sender]) revert KeyNotProposed(msg.sender, member);
        if (!hasRole(RECORDER_ROLE, member)) revert NotMember(member);
        delete _proposedKeys[member][msg.sender];
        _keyMember[msg.sender] = member;
        emit KeyAccepted(member, msg.sender);
    }

    /// @notice Withdraws the caller's proposal to `key`, which has not accepted it.
    /// Requirements: none; a key the caller has not proposed changes nothing. A removed member may
    /// still withdraw its proposals.
    function withdrawKeyProposal(address key) external {
        if (!_proposedKeys[msg.sender][key]) return;
        delete _proposedKeys[msg.sender][key];
        emit KeyProposalWithdrawn(msg.sender, key);
    }

    /// @notice Revokes `key`; from then on it records for nobody.
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
    /// member, else the current member whose proposal it accepted; the zero address if none.
    function recordsFor(address account) public view returns (address member) {
        if (hasRole(RECORDER_ROLE, account)) return account;
        member = _keyMember[account];
        if (member != address(0) && !hasRole(RECORDER_ROLE, member)) member = address(0);
    }

    /// @notice The member whose proposal `key` accepted, whether or not it is still a member; zero if none.
    function keyMember(address key) external view returns (address) {
        return _keyMember[key];
    }

    /// @notice Whether `member` proposed `key` and the key has not accepted (nor the member withdrawn).
    function isKeyProposed(address member, address key) external view returns (bool) {
        return _proposedKeys[member][key];
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
