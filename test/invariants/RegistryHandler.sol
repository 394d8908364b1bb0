// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

import {ICreditReportRegistry} from "../../contracts/ICreditReportRegistry.sol";
import {ReportPool} from "./ReportPool.sol";
import {vm} from "./Vm.sol";

/// @dev The calls Foundry's invariant fuzzer makes, in random order with random arguments: every
/// consortium action on the registry by any actor (issuers, the admin, a removed issuer, a stranger).
/// Each action predicts from the model whether the contract must accept it, checks that it did, and
/// updates the model. The model keeps each issuer's state apart and changes it only through that
/// issuer's own actions (or governance acting on its membership), so {checkAgainstModel} failing
/// means one account's action reached another's anchors. A mismatch reverts, and the suite runs with
/// fail_on_revert, so it fails the run with the message.
///
/// Document kinds: the model keeps which kinds the admin granted each issuer. An anchor is predicted
/// accepted only when its issuer holds the kind at that moment (so the registry accepting any other
/// is caught at the step), an anchor's kind is the one it was created with (so no later action can
/// change it), and an issuer that stops being a member holds none.
contract RegistryHandler {
    struct Entry {
        uint32 anchoredAt;
        uint32 expiresAt;
        uint32 anchoredBlock;
        uint32 leafCount;
        uint16 reason;
        bytes10 kind;
    }

    address public immutable registry;
    address[] public actors;
    address public immutable admin;

    mapping(address issuer => mapping(bytes32 key => Entry)) internal _reports;
    mapping(address issuer => mapping(bytes32 root => Entry)) internal _batches;
    mapping(address issuer => mapping(bytes32 root => mapping(bytes32 reportHash => uint16))) internal _inBatch;
    mapping(address account => bool) public isIssuer;
    mapping(address account => mapping(bytes10 kind => bool)) public granted;

    constructor(address registry_, address admin_, address[] memory actors_, address[] memory issuers) {
        registry = registry_;
        admin = admin_;
        actors = actors_;
        for (uint256 i = 0; i < issuers.length; i++) isIssuer[issuers[i]] = true;
    }

    // ---- actions ----

    function anchor(uint256 actorSeed, uint256 keySeed, uint256 kindSeed, uint32 lifetime) external {
        address actor = _actor(actorSeed);
        bytes32 key = ReportPool.key(keySeed);
        bytes10 kind = ReportPool.kind(kindSeed);
        uint32 expiresAt = uint32(block.timestamp) + lifetime % 60 days; // 0 s: not in the future
        Entry storage e = _reports[actor][key];
        bool accepted = isIssuer[actor] && _mayAnchor(actor, kind) && _fresh(e, kind, expiresAt);
        vm.prank(actor);
        bool ok = _sendAnchor(key, kind, expiresAt);
        _expect(ok, accepted, "anchor");
        if (ok) _anchored(e, kind, expiresAt, 0);
    }

    function anchorBatch(uint256 actorSeed, uint256 keySeed, uint256 kindSeed, uint32 lifetime, uint8 leafCount)
        external
    {
        address actor = _actor(actorSeed);
        bytes32 root = ReportPool.key(keySeed);
        bytes10 kind = ReportPool.kind(kindSeed);
        uint32 expiresAt = uint32(block.timestamp) + lifetime % 60 days;
        uint32 leaves = leafCount % 3; // 0: an empty batch, refused
        Entry storage e = _batches[actor][root];
        bool accepted = isIssuer[actor] && _mayAnchor(actor, kind) && leaves > 0 && _fresh(e, kind, expiresAt);
        vm.prank(actor);
        bool ok = _sendAnchorBatch(root, kind, expiresAt, leaves);
        _expect(ok, accepted, "anchorBatch");
        if (ok) _anchored(e, kind, expiresAt, leaves);
    }

    /// Governance: `callerSeed` tries to trust `targetSeed` for a kind; only the admin may, and only a member.
    function grantKind(uint256 callerSeed, uint256 targetSeed, uint256 kindSeed) external {
        if (!_kindsEnforced()) return;
        address caller = callerSeed % 2 == 0 ? admin : _actor(callerSeed);
        address target = _actor(targetSeed);
        bytes10 kind = ReportPool.kind(kindSeed);
        vm.prank(caller);
        (bool ok,) = registry.call(abi.encodeCall(ICreditReportRegistry.grantKind, (target, kind)));
        _expect(ok, caller == admin && isIssuer[target], "grantKind");
        if (ok) granted[target][kind] = true;
    }

    /// Governance: `callerSeed` tries to stop trusting `targetSeed` for a kind; only the admin may.
    function withdrawKind(uint256 callerSeed, uint256 targetSeed, uint256 kindSeed) external {
        if (!_kindsEnforced()) return;
        address caller = callerSeed % 2 == 0 ? admin : _actor(callerSeed);
        address target = _actor(targetSeed);
        bytes10 kind = ReportPool.kind(kindSeed);
        vm.prank(caller);
        (bool ok,) = registry.call(abi.encodeCall(ICreditReportRegistry.withdrawKind, (target, kind)));
        _expect(ok, caller == admin, "withdrawKind");
        if (ok) granted[target][kind] = false;
    }

    function revoke(uint256 actorSeed, uint256 keySeed, uint16 reasonSeed) external {
        address actor = _actor(actorSeed);
        bytes32 key = ReportPool.key(keySeed);
        uint16 reason = reasonSeed % 3; // 0 is refused; two reasons make repeats and conflicts likely
        Entry storage e = _reports[actor][key];
        vm.prank(actor);
        (bool ok,) = registry.call(abi.encodeCall(ICreditReportRegistry.revoke, (key, reason)));
        _expect(ok, _revocable(e.anchoredAt, e.reason, reason), "revoke");
        if (ok) e.reason = reason;
    }

    function revokeBatch(uint256 actorSeed, uint256 keySeed, uint16 reasonSeed) external {
        address actor = _actor(actorSeed);
        bytes32 root = ReportPool.key(keySeed);
        uint16 reason = reasonSeed % 3;
        Entry storage e = _batches[actor][root];
        vm.prank(actor);
        bool ok = _sendRevokeBatch(root, reason);
        _expect(ok, _revocable(e.anchoredAt, e.reason, reason), "revokeBatch");
        if (ok) e.reason = reason;
    }

    function revokeInBatch(uint256 actorSeed, uint256 batchSeed, uint256 reportSeed, uint16 reasonSeed) external {
        address actor = _actor(actorSeed);
        bytes32 root = ReportPool.root(batchSeed);
        bytes32 hash = ReportPool.reportHash(reportSeed);
        (bool member, bytes32[] memory path) = ReportPool.proof(batchSeed, reportSeed);
        uint16 reason = reasonSeed % 3;
        uint16 before = _inBatch[actor][root][hash];
        bool accepted = member && _revocable(_batches[actor][root].anchoredAt, before, reason);
        vm.prank(actor);
        (bool ok,) =
            registry.call(abi.encodeCall(ICreditReportRegistry.revokeInBatch, (hash, path, root, reason)));
        _expect(ok, accepted, "revokeInBatch");
        if (ok) _inBatch[actor][root][hash] = reason;
    }

    /// Governance: `callerSeed` tries to add or remove `targetSeed` as an issuer; only the admin may.
    function setMembership(uint256 callerSeed, uint256 targetSeed) external {
        address caller = callerSeed % 2 == 0 ? admin : _actor(callerSeed);
        address target = _actor(targetSeed);
        bool wasIssuer = isIssuer[target];
        vm.prank(caller);
        (bool ok,) = wasIssuer
            ? registry.call(abi.encodeWithSignature("removeMember(address)", target))
            : registry.call(abi.encodeWithSignature("addMember(address,string,bytes2)", target, "Member", bytes2("HK")));
        _expect(ok, caller == admin, "addMember/removeMember");
        if (ok) isIssuer[target] = !wasIssuer;
        if (ok && wasIssuer) _clearKinds(target);
    }

    /// An issuer leaving on its own: its membership, its choice.
    function renounce(uint256 actorSeed) external {
        address actor = _actor(actorSeed);
        bytes32 role = keccak256("ISSUER_ROLE");
        vm.prank(actor);
        (bool ok,) = registry.call(abi.encodeWithSignature("renounceRole(bytes32,address)", role, actor));
        _expect(ok, true, "renounceRole");
        isIssuer[actor] = false;
        _clearKinds(actor);
    }

    function passTime(uint32 seconds_) external {
        vm.warp(block.timestamp + 1 + seconds_ % 20 days);
        vm.roll(block.number + 1);
    }

    // ---- the check ----

    /// Reverts, naming what differs, unless every issuer's reports and batches verify as the model says.
    function checkAgainstModel() external view {
        for (uint256 a = 0; a < actors.length; a++) {
            address issuer = actors[a];
            for (uint256 k = 0; k < ReportPool.KEYS; k++) {
                bytes32 key = ReportPool.key(k);
                Entry storage e = _reports[issuer][key];
                _compare(_verify(issuer, key), issuer, e, e.reason, "verify");
            }
            for (uint256 b = 0; b < ReportPool.BATCHES; b++) {
                bytes32 root = ReportPool.root(b);
                Entry storage e = _batches[issuer][root];
                for (uint256 r = 0; r < ReportPool.REPORTS; r++) {
                    bytes32 hash = ReportPool.reportHash(r);
                    (bool member, bytes32[] memory path) = ReportPool.proof(b, r);
                    ICreditReportRegistry.Verification memory v = _verifyInBatch(issuer, hash, path, root);
                    if (!member) {
                        require(v.status == ICreditReportRegistry.Status.Unknown, "verifyInBatch: outsider verified");
                        continue;
                    }
                    uint16 reason = e.reason != 0 ? e.reason : _inBatch[issuer][root][hash];
                    _compare(v, issuer, e, reason, "verifyInBatch");
                }
            }
        }
        _checkStorage();
        _checkKinds();
    }

    // ---- what differs between the registry under test and its predecessor (see negative-control/) ----

    /// Whether the registry has document kinds (v1 has none: every issuer anchors anything).
    function _kindsEnforced() internal pure virtual returns (bool) {
        return true;
    }

    function _sendAnchor(bytes32 key, bytes10 kind, uint32 expiresAt) internal virtual returns (bool ok) {
        (ok,) = registry.call(abi.encodeCall(ICreditReportRegistry.anchor, (key, kind, expiresAt)));
    }

    function _sendAnchorBatch(bytes32 root, bytes10 kind, uint32 expiresAt, uint32 leaves)
        internal
        virtual
        returns (bool ok)
    {
        (ok,) = registry.call(abi.encodeCall(ICreditReportRegistry.anchorBatch, (root, kind, expiresAt, leaves)));
    }

    /// Every account holds exactly the kinds the model granted it (isTrustedFor, kindsOf).
    function _checkKinds() internal view virtual {
        ICreditReportRegistry r = ICreditReportRegistry(registry);
        for (uint256 a = 0; a < actors.length; a++) {
            address account = actors[a];
            uint256 held = 0;
            for (uint256 k = 0; k < ReportPool.KINDS; k++) {
                bytes10 kind = ReportPool.kind(k);
                require(r.isTrustedFor(account, kind) == granted[account][kind], "isTrustedFor differs from the model");
                if (granted[account][kind]) held++;
            }
            bytes10[] memory listed = r.kindsOf(account);
            require(listed.length == held, "kindsOf differs from the model");
            for (uint256 i = 0; i < listed.length; i++) {
                require(granted[account][listed[i]], "kindsOf lists a kind the model does not grant");
            }
            if (!isIssuer[account]) require(held == 0, "a non-member holds a kind");
        }
    }

    function _sendRevokeBatch(bytes32 root, uint16 reason) internal virtual returns (bool ok) {
        (ok,) = registry.call(abi.encodeCall(ICreditReportRegistry.revokeBatch, (root, reason)));
    }

    function _verify(address issuer, bytes32 key)
        internal
        view
        virtual
        returns (ICreditReportRegistry.Verification memory)
    {
        return ICreditReportRegistry(registry).verify(issuer, key);
    }

    function _verifyInBatch(address issuer, bytes32 hash, bytes32[] memory path, bytes32 root)
        internal
        view
        virtual
        returns (ICreditReportRegistry.Verification memory)
    {
        return ICreditReportRegistry(registry).verifyInBatch(issuer, hash, path, root);
    }

    /// The raw records (anchorOf, batchOf, revocationInBatch) agree with the model too.
    function _checkStorage() internal view virtual {
        ICreditReportRegistry r = ICreditReportRegistry(registry);
        for (uint256 a = 0; a < actors.length; a++) {
            address issuer = actors[a];
            for (uint256 k = 0; k < ReportPool.KEYS; k++) {
                bytes32 key = ReportPool.key(k);
                _compareStored(r.anchorOf(issuer, key), _reports[issuer][key], "anchorOf");
                _compareStored(r.batchOf(issuer, key), _batches[issuer][key], "batchOf");
            }
            for (uint256 b = 0; b < ReportPool.BATCHES; b++) {
                for (uint256 h = 0; h < ReportPool.REPORTS; h++) {
                    bytes32 root = ReportPool.root(b);
                    bytes32 hash = ReportPool.reportHash(h);
                    uint16 stored = r.revocationInBatch(issuer, root, hash).reasonCode;
                    require(stored == _inBatch[issuer][root][hash], "revocationInBatch differs from the model");
                }
            }
        }
    }

    // ---- helpers ----

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    /// An issuer anchors a kind only while granted it (any kind on a registry without kinds).
    function _mayAnchor(address actor, bytes10 kind) private view returns (bool) {
        return !_kindsEnforced() || granted[actor][kind];
    }

    /// A new anchor needs a future expiry; a repeat is accepted only as the kind first anchored.
    function _fresh(Entry storage e, bytes10 kind, uint32 expiresAt) private view returns (bool) {
        if (e.anchoredAt == 0) return expiresAt > block.timestamp;
        return !_kindsEnforced() || e.kind == kind;
    }

    function _clearKinds(address account) private {
        for (uint256 k = 0; k < ReportPool.KINDS; k++) granted[account][ReportPool.kind(k)] = false;
    }

    function _anchored(Entry storage e, bytes10 kind, uint32 expiresAt, uint32 leafCount) private {
        if (e.anchoredAt != 0) return; // a repeat changes nothing
        e.kind = kind;
        e.anchoredAt = uint32(block.timestamp);
        e.expiresAt = expiresAt;
        e.anchoredBlock = uint32(block.number);
        e.leafCount = leafCount;
    }

    /// A revocation is accepted for an anchor of the caller's, with a reason, not revoked otherwise.
    function _revocable(uint32 anchoredAt, uint16 before, uint16 reason) private pure returns (bool) {
        return reason != 0 && anchoredAt != 0 && (before == 0 || before == reason);
    }

    function _expect(bool happened, bool predicted, string memory action) private pure {
        if (happened && !predicted) revert(string.concat(action, ": accepted, but the model refuses it"));
        if (!happened && predicted) revert(string.concat(action, ": refused, but the model accepts it"));
    }

    function _compare(
        ICreditReportRegistry.Verification memory v,
        address issuer,
        Entry storage e,
        uint16 reason,
        string memory view_
    ) private view {
        if (e.anchoredAt == 0) {
            require(v.status == ICreditReportRegistry.Status.Unknown, string.concat(view_, ": should be Unknown"));
            return;
        }
        ICreditReportRegistry.Status status = reason != 0
            ? ICreditReportRegistry.Status.Revoked
            : (v.currentTime >= e.expiresAt ? ICreditReportRegistry.Status.Expired : ICreditReportRegistry.Status.Valid);
        require(v.status == status, string.concat(view_, ": status differs from the model"));
        require(v.issuer == issuer && v.issuerActive == isIssuer[issuer], string.concat(view_, ": issuer differs"));
        require(v.revocationReason == reason, string.concat(view_, ": revocation reason differs"));
        if (_kindsEnforced()) {
            require(v.kind == e.kind, string.concat(view_, ": kind differs from the one first anchored"));
            require(
                v.issuerTrustedForKind == granted[issuer][e.kind],
                string.concat(view_, ": trust for the kind differs from the model")
            );
        }
        require(
            v.anchoredAt == e.anchoredAt && v.expiresAt == e.expiresAt && v.anchoredBlock == e.anchoredBlock,
            string.concat(view_, ": anchor times differ")
        );
    }

    function _compareStored(ICreditReportRegistry.Anchor memory stored, Entry storage e, string memory view_)
        private
        view
    {
        require(
            stored.anchoredAt == e.anchoredAt && stored.expiresAt == e.expiresAt
                && stored.anchoredBlock == e.anchoredBlock && stored.leafCount == e.leafCount
                && stored.revocationReason == e.reason && (stored.revokedAt != 0) == (e.reason != 0)
                && stored.kind == e.kind,
            string.concat(view_, " differs from the model")
        );
    }
}
