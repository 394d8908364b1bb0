// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

import {EvidenceHandler} from "../EvidenceHandler.sol";
import {vm} from "../Vm.sol";

/// @dev EvidenceHandler driving the evidence registry /2 (negative control). /2 binds a key in one
/// step, the lender's authorizeKey, so a proposal is sent as authorizeKey; it has no acceptance and no
/// proposals to withdraw: acceptKey is answered by whether the key already serves that lender (what
/// a /2 caller would see), and withdrawing a proposal has nothing to send. /2 has no proposals to
/// compare either: isKeyProposed is read from the model. Every other call and view is the same.
contract LegacyEvidenceHandler is EvidenceHandler {
    constructor(address registry_, address admin_, address[] memory actors_, address[] memory members)
        EvidenceHandler(registry_, admin_, actors_, members)
    {}

    function _sendProposeKey(address caller, address key) internal override returns (bool ok) {
        vm.prank(caller);
        (ok,) = registry.call(abi.encodeWithSignature("authorizeKey(address)", key));
    }

    function _sendAcceptKey(address key, address member) internal view override returns (bool) {
        (, bytes memory answer) = registry.staticcall(abi.encodeWithSignature("keyMember(address)", key));
        return member != address(0) && abi.decode(answer, (address)) == member;
    }

    function _sendWithdrawKeyProposal(address, address) internal pure override returns (bool) {
        return true;
    }

    function _isKeyProposed(address member, address key) internal view override returns (bool) {
        return _proposed[member][key];
    }
}
