// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

import {EvidenceRegistry} from "../../contracts/EvidenceRegistry.sol";
import {vm} from "./Vm.sol";

/// @dev The calls Foundry's invariant fuzzer makes on EvidenceRegistry, in random order: lenders,
/// their worker keys, the admin and a stranger record evidence, propose keys, accept proposals (as
/// the key), withdraw proposals and revoke keys, and governance adds and removes lenders. Each action
/// predicts from the model whether the contract must accept it and reverts on a mismatch (the suite
/// runs with fail_on_revert). In the model a key records for a member only after the member proposed
/// it and the key itself accepted, and evidence is written only into the namespace of the member the
/// sender records for; so {checkAgainstModel} failing means some account wrote into a namespace not
/// its own, a key was bound to a member without both agreeing, or a repeat changed something.
contract EvidenceHandler {
    struct Record {
        uint32 recordedAt;
        uint32 recordedBlock;
        EvidenceRegistry.EvidenceKind kind;
        address recordedBy;
        bytes32 applicationRef;
    }

    /// The registry under test, called by address so that a handler of an older version can share
    /// this model (see negative-control/).
    address public immutable registry;
    address public immutable admin;
    address[] public actors;

    mapping(address member => mapping(bytes32 evidenceHash => Record)) internal _evidence;
    mapping(address key => address member) internal _keyMember;
    mapping(address member => mapping(address key => bool)) internal _proposed;
    mapping(address account => bool) internal _isMember;

    constructor(address registry_, address admin_, address[] memory actors_, address[] memory members) {
        registry = registry_;
        admin = admin_;
        actors = actors_;
        for (uint256 i = 0; i < members.length; i++) _isMember[members[i]] = true;
    }

    // ---- actions ----

    function record(uint256 actorSeed, uint8 hashSeed, uint8 refSeed, uint8 kindSeed) external {
        address actor = _actor(actorSeed);
        bytes32 hash = _hash(hashSeed);
        bytes32 ref = refSeed % 3 == 0 ? bytes32(0) : keccak256(abi.encode("application", refSeed % 3));
        EvidenceRegistry.EvidenceKind kind = EvidenceRegistry.EvidenceKind(kindSeed % 3);
        address member = _recordsFor(actor);
        Record storage existing = _evidence[member][hash];
        bool valid = hash != 0 && ref != 0 && kind != EvidenceRegistry.EvidenceKind.Unknown;
        bool accepted = member != address(0) && valid
            && (existing.recordedAt == 0 || (existing.applicationRef == ref && existing.kind == kind));
        vm.prank(actor);
        (bool ok,) = registry.call(abi.encodeCall(EvidenceRegistry.record, (hash, ref, kind)));
        _expect(ok, accepted, "record");
        if (ok && existing.recordedAt == 0) {
            _evidence[member][hash] = Record(uint32(block.timestamp), uint32(block.number), kind, actor, ref);
        }
    }

    /// `callerSeed` proposes `keySeed` (or the zero address, see {_actorOrZero}) as a key of its own.
    function proposeKey(uint256 callerSeed, uint256 keySeed) external {
        address caller = _actor(callerSeed);
        address key = _actorOrZero(keySeed);
        address current = _keyMember[key];
        bool accepted = _isMember[caller] && key != address(0) && !_isMember[key]
            && (current == address(0) || current == caller);
        bool ok = _sendProposeKey(caller, key);
        _expect(ok, accepted, "proposeKey");
        if (ok && current == address(0)) _proposed[caller][key] = true;
    }

    /// `keySeed` accepts the proposal of `memberSeed` (or of the zero address); only the key itself
    /// sends this, and the model binds nothing else.
    function acceptKey(uint256 keySeed, uint256 memberSeed) external {
        address key = _actor(keySeed);
        address member = _actorOrZero(memberSeed);
        address current = _keyMember[key];
        bool accepted = !_isMember[key]
            && (current == address(0) ? _proposed[member][key] && _isMember[member] : current == member);
        bool ok = _sendAcceptKey(key, member);
        _expect(ok, accepted, "acceptKey");
        if (ok && current == address(0)) {
            delete _proposed[member][key];
            _keyMember[key] = member;
        }
    }

    /// `callerSeed` withdraws its own proposal to `keySeed`, if any; it never touches another's.
    function withdrawKeyProposal(uint256 callerSeed, uint256 keySeed) external {
        address caller = _actor(callerSeed);
        address key = _actor(keySeed);
        bool ok = _sendWithdrawKeyProposal(caller, key);
        _expect(ok, true, "withdrawKeyProposal");
        delete _proposed[caller][key];
    }

    function revokeKey(uint256 callerSeed, uint256 keySeed) external {
        address caller = _actor(callerSeed);
        address key = _actor(keySeed);
        address current = _keyMember[key];
        vm.prank(caller);
        (bool ok,) = registry.call(abi.encodeCall(EvidenceRegistry.revokeKey, (key)));
        _expect(ok, current == address(0) || current == caller, "revokeKey");
        if (ok) delete _keyMember[key];
    }

    /// Governance: `callerSeed` tries to add or remove `targetSeed` as a lender; only the admin may,
    /// and an account that records for a member as its key cannot become a member.
    function setMembership(uint256 callerSeed, uint256 targetSeed) external {
        address caller = callerSeed % 2 == 0 ? admin : _actor(callerSeed);
        address target = _actor(targetSeed);
        bool wasMember = _isMember[target];
        bool accepted = caller == admin && (wasMember || _keyMember[target] == address(0));
        vm.prank(caller);
        (bool ok,) = wasMember
            ? registry.call(abi.encodeWithSignature("removeMember(address)", target))
            : registry.call(abi.encodeWithSignature("addMember(address,string,bytes2)", target, "Lender", bytes2("HK")));
        _expect(ok, accepted, "addMember/removeMember");
        if (ok) _isMember[target] = !wasMember;
    }

    function passTime(uint32 seconds_) external {
        vm.warp(block.timestamp + 1 + seconds_ % 1 days);
        vm.roll(block.number + 1);
    }

    // ---- the check ----

    function checkAgainstModel() external view {
        EvidenceRegistry evidence = EvidenceRegistry(registry);
        for (uint256 a = 0; a < actors.length; a++) {
            address account = actors[a];
            require(evidence.recordsFor(account) == _recordsFor(account), "recordsFor differs from the model");
            require(evidence.keyMember(account) == _keyMember[account], "keyMember differs from the model");
            for (uint256 k = 0; k < actors.length; k++) {
                require(
                    _isKeyProposed(account, actors[k]) == _proposed[account][actors[k]],
                    "isKeyProposed differs from the model"
                );
            }
            for (uint8 h = 0; h < 4; h++) {
                bytes32 hash = _hash(h);
                Record storage expected = _evidence[account][hash];
                EvidenceRegistry.Evidence memory stored = evidence.evidenceOf(account, hash);
                require(
                    stored.recordedAt == expected.recordedAt && stored.recordedBlock == expected.recordedBlock
                        && stored.kind == expected.kind && stored.recordedBy == expected.recordedBy
                        && stored.applicationRef == expected.applicationRef,
                    "evidenceOf differs from the model"
                );
            }
        }
    }

    // ---- how the calls reach the registry (overridden for an older version) ----

    function _sendProposeKey(address caller, address key) internal virtual returns (bool ok) {
        vm.prank(caller);
        (ok,) = registry.call(abi.encodeCall(EvidenceRegistry.proposeKey, (key)));
    }

    /// Sent by the key itself.
    function _sendAcceptKey(address key, address member) internal virtual returns (bool ok) {
        vm.prank(key);
        (ok,) = registry.call(abi.encodeCall(EvidenceRegistry.acceptKey, (member)));
    }

    function _sendWithdrawKeyProposal(address caller, address key) internal virtual returns (bool ok) {
        vm.prank(caller);
        (ok,) = registry.call(abi.encodeCall(EvidenceRegistry.withdrawKeyProposal, (key)));
    }

    function _isKeyProposed(address member, address key) internal view virtual returns (bool) {
        return EvidenceRegistry(registry).isKeyProposed(member, key);
    }

    // ---- helpers ----

    function _recordsFor(address account) internal view returns (address) {
        if (_isMember[account]) return account;
        address member = _keyMember[account];
        return _isMember[member] ? member : address(0);
    }

    /// Three evidence hashes and the zero hash (refused).
    function _hash(uint8 seed) internal pure returns (bytes32) {
        return seed % 4 == 0 ? bytes32(0) : keccak256(abi.encode("evidence", seed % 4));
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    /// An actor, or the zero address (refused) for one seed in actors.length + 1.
    function _actorOrZero(uint256 seed) internal view returns (address) {
        uint256 index = seed % (actors.length + 1);
        return index == actors.length ? address(0) : actors[index];
    }

    function _expect(bool happened, bool predicted, string memory action) private pure {
        if (happened && !predicted) revert(string.concat(action, ": accepted, but the model refuses it"));
        if (!happened && predicted) revert(string.concat(action, ": refused, but the model accepts it"));
    }
}
