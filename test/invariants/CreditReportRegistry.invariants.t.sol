// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

import {CreditReportRegistry} from "../../contracts/CreditReportRegistry.sol";
import {RegistryHandler} from "./RegistryHandler.sol";
import {ReportPool} from "./ReportPool.sol";
import {vm} from "./Vm.sol";

/// @dev The consortium every registry invariant run starts from: three issuers, the admin, a former
/// issuer (it anchored a report and a batch, then governance removed it) and a stranger. Issuer A is
/// trusted for kinds 0 and 1, B for kind 0, C for kind 2 (ReportPool.kind); the former issuer was
/// trusted for kind 0 and lost it when it was removed.
abstract contract RegistryConsortium {
    RegistryHandler internal handler;

    /// The registry under test, deployed with `admin`, and its handler.
    function _deploy(address admin, address[] memory actors, address[] memory issuers)
        internal
        virtual
        returns (address registry, RegistryHandler registryHandler);

    function setUp() public {
        address admin = _account("consortium admin");
        address[] memory actors = new address[](6);
        actors[0] = _account("issuer A");
        actors[1] = _account("issuer B");
        actors[2] = _account("issuer C");
        actors[3] = admin;
        actors[4] = _account("former issuer");
        actors[5] = _account("stranger");
        address[] memory issuers = new address[](4);
        for (uint256 i = 0; i < 3; i++) issuers[i] = actors[i];
        issuers[3] = actors[4];
        address registry;
        (registry, handler) = _deploy(admin, actors, issuers);
        for (uint256 i = 0; i < issuers.length; i++) {
            vm.prank(admin);
            CreditReportRegistry(registry).addMember(issuers[i], "Issuer", bytes2("HK"));
        }
        // Every grant goes through the handler (caller seed 0: the admin), so the model knows it.
        handler.grantKind(0, 0, 0);
        handler.grantKind(0, 0, 1);
        handler.grantKind(0, 1, 0);
        handler.grantKind(0, 2, 2);
        handler.grantKind(0, 4, 0);
        // The former issuer anchored a report and a batch before governance removed it.
        handler.anchor(4, 0, 0, 30 days);
        handler.anchorBatch(4, 4, 0, 30 days, 2);
        handler.setMembership(0, 4);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function _account(string memory name) internal pure returns (address) {
        return address(uint160(uint256(keccak256(bytes(name)))));
    }
}

/// @dev Random sequences of consortium actions against CreditReportRegistry, checked after every
/// step against RegistryHandler's model: how issuer X's anchors, batches and reports verify depends
/// only on X's own actions and X's membership, and repeats change nothing.
contract CreditReportRegistryInvariants is RegistryConsortium {
    function _deploy(address admin, address[] memory actors, address[] memory issuers)
        internal
        override
        returns (address registry, RegistryHandler registryHandler)
    {
        registry = address(new CreditReportRegistry(admin));
        registryHandler = new RegistryHandler(registry, admin, actors, issuers);
    }

    function invariant_eachIssuersAnchorsVerifyAsOnlyItsOwnActionsMadeThem() public view {
        handler.checkAgainstModel();
    }
}

/// @dev Part of the default run: the kind rules step by step, each step checked by the handler (the
/// registry must accept exactly what the model accepts) and by the full model check.
contract CreditReportRegistryKindSteps is RegistryConsortium {
    uint256 constant ADMIN = 0; // a caller seed the handler maps to the admin
    uint256 constant ISSUER_A = 0;
    uint256 constant ISSUER_C = 2;
    uint256 constant STRANGER_CALLER = 5; // odd: the handler maps it to an actor, the stranger
    uint256 constant FORMER = 4;
    uint256 constant CREDIT_REPORT = 0;
    uint256 constant STATEMENT = 1;
    uint256 constant REPORT = 1;

    function _deploy(address admin, address[] memory actors, address[] memory issuers)
        internal
        override
        returns (address registry, RegistryHandler registryHandler)
    {
        registry = address(new CreditReportRegistry(admin));
        registryHandler = new RegistryHandler(registry, admin, actors, issuers);
    }

    function test_kindsAreGrantedByTheAdminOnlyHeldByMembersAndNeverChangeAnAnchor() public {
        CreditReportRegistry registry = CreditReportRegistry(handler.registry());
        address c = handler.actors(ISSUER_C);
        // C is trusted for kind 2 only: a credit report by C is refused (the handler predicts it).
        handler.anchor(ISSUER_C, REPORT, CREDIT_REPORT, 30 days);
        require(registry.anchorOf(c, ReportPool.key(REPORT)).anchoredAt == 0, "C anchored an ungranted kind");
        // A stranger cannot grant it; the admin can, and then C anchors.
        handler.grantKind(STRANGER_CALLER, ISSUER_C, CREDIT_REPORT);
        handler.grantKind(ADMIN, ISSUER_C, CREDIT_REPORT);
        handler.anchor(ISSUER_C, REPORT, CREDIT_REPORT, 30 days);
        // The same hash as another kind is refused even with that kind granted; as the same kind, a no-op.
        handler.grantKind(ADMIN, ISSUER_C, STATEMENT);
        handler.anchor(ISSUER_C, REPORT, STATEMENT, 30 days);
        handler.anchor(ISSUER_C, REPORT, CREDIT_REPORT, 30 days);
        require(
            registry.anchorOf(c, ReportPool.key(REPORT)).kind == ReportPool.kind(CREDIT_REPORT), "the kind changed"
        );
        // Another issuer's grants and anchors of other kinds leave C's anchor as it was.
        handler.anchor(ISSUER_A, REPORT, STATEMENT, 30 days);
        handler.checkAgainstModel();
        // Withdrawn: C's anchor now verifies as from an issuer not trusted for its kind.
        handler.withdrawKind(ADMIN, ISSUER_C, CREDIT_REPORT);
        require(!registry.verify(c, ReportPool.key(REPORT)).issuerTrustedForKind, "still trusted after withdrawal");
        handler.anchor(ISSUER_C, REPORT, CREDIT_REPORT, 30 days); // a retry now fails, as predicted
        handler.checkAgainstModel();
        // Removed, C holds nothing; re-admitted, it starts with nothing.
        handler.setMembership(ADMIN, ISSUER_C);
        require(registry.kindsOf(c).length == 0, "a removed issuer kept kinds");
        handler.setMembership(ADMIN, ISSUER_C);
        require(registry.kindsOf(c).length == 0 && !registry.isTrustedFor(c, ReportPool.kind(STATEMENT)), "kept");
        handler.anchor(ISSUER_C, 2, STATEMENT, 30 days);
        // The former issuer cannot be granted a kind while it is not a member.
        handler.grantKind(ADMIN, FORMER, CREDIT_REPORT);
        handler.checkAgainstModel();
    }
}
