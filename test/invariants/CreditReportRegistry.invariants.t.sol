// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

import {CreditReportRegistry} from "../../contracts/CreditReportRegistry.sol";
import {RegistryHandler} from "./RegistryHandler.sol";
import {vm} from "./Vm.sol";

/// @dev The consortium every registry invariant run starts from: three issuers, the admin, a former
/// issuer (it anchored a report and a batch, then governance removed it) and a stranger.
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
        // The former issuer anchored a report and a batch before governance removed it.
        handler.anchor(4, 0, 30 days);
        handler.anchorBatch(4, 4, 30 days, 2);
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
