// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

import {EvidenceRegistry} from "../../contracts/EvidenceRegistry.sol";
import {EvidenceHandler} from "./EvidenceHandler.sol";
import {vm} from "./Vm.sol";

/// @dev The consortium every evidence invariant run starts from: lenders A and B, A's two worker
/// keys and B's one (each proposed by its lender and accepted by the key), a key B has prepared but
/// not bound yet, the admin and a stranger.
abstract contract EvidenceConsortium {
    uint256 internal constant LENDER_A = 0;
    uint256 internal constant LENDER_B = 1;
    uint256 internal constant A_REPLICA_1 = 2;
    uint256 internal constant B_REPLICA_1 = 4;
    uint256 internal constant B_NEW_REPLICA = 7;

    EvidenceHandler internal handler;
    address internal registry;

    /// The registry under test, deployed with `admin`, and its handler.
    function _deploy(address admin, address[] memory actors, address[] memory members)
        internal
        virtual
        returns (address deployed, EvidenceHandler evidenceHandler);

    function setUp() public {
        address admin = _account("consortium admin");
        address[] memory actors = new address[](8);
        actors[LENDER_A] = _account("lender A");
        actors[LENDER_B] = _account("lender B");
        actors[A_REPLICA_1] = _account("lender A replica 1");
        actors[3] = _account("lender A replica 2");
        actors[B_REPLICA_1] = _account("lender B replica 1");
        actors[5] = admin;
        actors[6] = _account("stranger");
        actors[B_NEW_REPLICA] = _account("lender B replica 2, not yet bound");
        address[] memory members = new address[](2);
        (members[0], members[1]) = (actors[LENDER_A], actors[LENDER_B]);
        (registry, handler) = _deploy(admin, actors, members);
        for (uint256 i = 0; i < members.length; i++) {
            vm.prank(admin);
            EvidenceRegistry(registry).addMember(members[i], "Lender", bytes2("HK"));
        }
        _bind(LENDER_A, A_REPLICA_1);
        _bind(LENDER_A, 3);
        _bind(LENDER_B, B_REPLICA_1);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function _bind(uint256 member, uint256 key) internal {
        handler.proposeKey(member, key);
        handler.acceptKey(key, member);
    }

    function _account(string memory name) internal pure returns (address) {
        return address(uint160(uint256(keccak256(bytes(name)))));
    }
}

/// @dev Random sequences of lenders', keys' and governance actions against EvidenceRegistry, checked
/// after every step against EvidenceHandler's model: evidence in lender M's namespace is only ever
/// written by M or a key that accepted M's proposal (and M was a member then), repeats change
/// nothing, a key serves one lender, only with its own consent, and a removed lender's keys record
/// for no one.
contract EvidenceRegistryInvariants is EvidenceConsortium {
    function _deploy(address admin, address[] memory actors, address[] memory members)
        internal
        override
        returns (address deployed, EvidenceHandler evidenceHandler)
    {
        deployed = address(new EvidenceRegistry(admin));
        evidenceHandler = new EvidenceHandler(deployed, admin, actors, members);
    }

    function invariant_evidenceIsWrittenOnlyByItsMemberOrItsKeysAndRepeatsChangeNothing() public view {
        handler.checkAgainstModel();
    }
}

/// @dev Part of the default run: the capture of another lender's key, which registry /2 allowed,
/// played step by step and refused at every step, the model checked after each.
contract EvidenceKeyCaptureIsRefused is EvidenceConsortium {
    function _deploy(address admin, address[] memory actors, address[] memory members)
        internal
        override
        returns (address deployed, EvidenceHandler evidenceHandler)
    {
        deployed = address(new EvidenceRegistry(admin));
        evidenceHandler = new EvidenceHandler(deployed, admin, actors, members);
    }

    function test_aLenderCannotCaptureAnotherLendersKeyNorItsRecordsNorRevokeIt() public {
        EvidenceRegistry evidence = EvidenceRegistry(registry);
        (address a, address b, address key) =
            (handler.actors(LENDER_A), handler.actors(LENDER_B), handler.actors(B_NEW_REPLICA));
        // A sees B's new key and proposes it first: the key serves no one for it.
        handler.proposeKey(LENDER_A, B_NEW_REPLICA);
        handler.checkAgainstModel();
        require(evidence.recordsFor(key) == address(0), "a proposal alone bound the key");
        // B's own proposal is not blocked, and the key accepts B.
        _bind(LENDER_B, B_NEW_REPLICA);
        handler.checkAgainstModel();
        require(evidence.recordsFor(key) == b, "the key does not record for its own lender");
        // B's replica records: the evidence is B's, none of it A's.
        handler.record(B_NEW_REPLICA, 1, 1, 2);
        handler.checkAgainstModel();
        bytes32 hash = keccak256(abi.encode("evidence", uint256(1)));
        require(evidence.evidenceOf(b, hash).recordedBy == key, "B's evidence is missing");
        require(evidence.evidenceOf(a, hash).recordedAt == 0, "B's evidence landed in A's namespace");
        // A can neither revoke the key, nor accept for it, nor propose it again; its withdrawal
        // withdraws only its own proposal (the handler reverts if the registry decides otherwise).
        handler.revokeKey(LENDER_A, B_NEW_REPLICA);
        handler.acceptKey(LENDER_A, LENDER_A);
        handler.proposeKey(LENDER_A, B_NEW_REPLICA);
        handler.withdrawKeyProposal(LENDER_A, B_NEW_REPLICA);
        handler.checkAgainstModel();
        require(evidence.recordsFor(key) == b, "A changed whom B's key records for");
    }
}
