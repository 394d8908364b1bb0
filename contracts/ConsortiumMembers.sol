// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title ConsortiumMembers
/// @notice A role whose members are organisations known by name and jurisdiction, added and removed
/// by consortium governance (the admin). Verifiers show the name on receipts, so it is kept after a
/// member is removed; `memberInfo` says whether the organisation is a member today. The member list
/// is the history of MemberAdded/MemberRemoved events: enumerable role sets need `mcopy`, which
/// the paris EVM target (FISCO BCOS, Besu, geth alike) does not have.
abstract contract ConsortiumMembers is AccessControl {
    /// @notice How an organisation is shown to people; set when it is added.
    struct MemberInfo {
        string displayName;
        /// ISO 3166-1 alpha-2 code of the jurisdiction it operates in, e.g. "HK" or "CN".
        bytes2 jurisdiction;
    }

    /// @dev The role whose members carry MemberInfo: ISSUER_ROLE or RECORDER_ROLE.
    bytes32 private immutable _memberRole;

    mapping(address account => MemberInfo) private _memberInfo;

    /// @notice Emitted after `account` was granted the member role with its metadata.
    event MemberAdded(bytes32 indexed role, address indexed account, string displayName, bytes2 jurisdiction);
    /// @notice Emitted after `account` lost the member role (removed, revoked or renounced).
    event MemberRemoved(bytes32 indexed role, address indexed account);

    /// @notice The member role can only be granted through `addMember`, which records who it is.
    error MemberMetadataRequired(bytes32 role);
    /// @notice `account` already holds the member role.
    error AlreadyMember(address account);
    /// @notice `account` does not hold the member role.
    error NotMember(address account);
    /// @notice The display name is empty or longer than 64 bytes, or the jurisdiction is not two A-Z letters.
    error InvalidMemberInfo(address account);
    /// @notice The zero address cannot be a member.
    error ZeroAddress();

    constructor(bytes32 memberRole, address admin) {
        if (admin == address(0)) revert ZeroAddress();
        _memberRole = memberRole;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @notice Adds an organisation as a member.
    /// Requirements:
    /// - the caller is an admin;
    /// - `account` is not the zero address and not a member already;
    /// - `displayName` is 1 to 64 bytes; `jurisdiction` is two ASCII capital letters;
    /// - the registry accepts `account` (the evidence registry refuses a key recording for a member).
    function addMember(address account, string calldata displayName, bytes2 jurisdiction)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        if (account == address(0)) revert ZeroAddress();
        if (hasRole(_memberRole, account)) revert AlreadyMember(account);
        uint256 nameLength = bytes(displayName).length;
        if (nameLength == 0 || nameLength > 64 || !_isCountryCode(jurisdiction)) revert InvalidMemberInfo(account);
        _checkNewMember(account);
        _memberInfo[account] = MemberInfo(displayName, jurisdiction);
        super._grantRole(_memberRole, account);
        emit MemberAdded(_memberRole, account, displayName, jurisdiction);
    }

    /// @notice Removes a member; what it anchored stays on the ledger, marked as from a former member.
    /// Requirements: the caller is an admin; `account` is a member.
    function removeMember(address account) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!hasRole(_memberRole, account)) revert NotMember(account);
        _revokeRole(_memberRole, account);
    }

    /// @notice Who `account` is, and whether it is a member today.
    function memberInfo(address account) external view returns (MemberInfo memory info, bool active) {
        return (_memberInfo[account], hasRole(_memberRole, account));
    }

    /// @dev Lets a registry refuse an account that already plays another part in it.
    function _checkNewMember(address account) internal view virtual {}

    /// @dev Keeps the member role's metadata complete: direct grants of it are refused.
    function grantRole(bytes32 role, address account) public virtual override {
        if (role == _memberRole) revert MemberMetadataRequired(role);
        super.grantRole(role, account);
    }

    /// @dev Every way of losing the member role (remove, revoke, renounce) is announced the same way.
    function _revokeRole(bytes32 role, address account) internal virtual override returns (bool revoked) {
        revoked = super._revokeRole(role, account);
        if (revoked && role == _memberRole) emit MemberRemoved(role, account);
    }

    function _isCountryCode(bytes2 code) private pure returns (bool) {
        return code[0] >= "A" && code[0] <= "Z" && code[1] >= "A" && code[1] <= "Z";
    }
}
