// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

import {EvidenceRegistry} from "../../contracts/EvidenceRegistry.sol";
import {EvidenceHandler} from "./EvidenceHandler.sol";
import {vm} from "./Vm.sol";

/// @dev Random sequences of lenders' and governance actions against EvidenceRegistry, checked after
/// every step against EvidenceHandler's model: evidence in lender M's namespace is only ever written
/// by M or a key M authorised (and M was a member then), repeats change nothing, a key serves one
/// lender, and a removed lender's keys record for no one.
contract EvidenceRegistryInvariants {
    EvidenceHandler internal handler;

    function setUp() public {
        address admin = _account("consortium admin");
        EvidenceRegistry registry = new EvidenceRegistry(admin);
        address[] memory actors = new address[](7);
        actors[0] = _account("lender A");
        actors[1] = _account("lender B");
        actors[2] = _account("lender A replica 1");
        actors[3] = _account("lender A replica 2");
        actors[4] = _account("lender B replica 1");
        actors[5] = admin;
        actors[6] = _account("stranger");
        address[] memory members = new address[](2);
        (members[0], members[1]) = (actors[0], actors[1]);
        for (uint256 i = 0; i < members.length; i++) {
            vm.prank(admin);
            registry.addMember(members[i], "Lender", bytes2("HK"));
        }
        handler = new EvidenceHandler(registry, admin, actors, members);
        handler.authorizeKey(0, 2);
        handler.authorizeKey(0, 3);
        handler.authorizeKey(1, 4);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function invariant_evidenceIsWrittenOnlyByItsMemberOrItsKeysAndRepeatsChangeNothing() public view {
        handler.checkAgainstModel();
    }

    function _account(string memory name) internal pure returns (address) {
        return address(uint160(uint256(keccak256(bytes(name)))));
    }
}
