// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

/// @title ICreditReportRegistryV1 (negative control only: the interface of registry v1, commit be707ff)
/// @notice Credit reference agencies (issuers) anchor the SHA-256 hash of each report they issue, one
/// by one or as the root of a Merkle batch; lenders verify a report they were handed by its hash. No
/// report content and nothing personal is ever on chain: only hashes, issuer addresses and times.
interface ICreditReportRegistryV1 {
    enum Status {
        Unknown,
        Valid,
        Revoked,
        Expired
    }

    /// @notice Everything a verifier needs from one view call.
    struct Verification {
        Status status;
        address issuer;
        /// Whether `issuer` holds the issuer role now (a removed issuer's anchors stay readable).
        bool issuerActive;
        uint32 anchoredAt;
        uint32 expiresAt;
        uint32 anchoredBlock;
        /// Reason code given at revocation; 0 unless revoked.
        uint16 revocationReason;
        /// The block the view ran at, and its time, so the caller can count confirmations and judge
        /// a report's age by the chain's clock without a second call.
        uint256 currentBlock;
        uint256 currentTime;
    }

    /// @notice A hash or batch root as stored: who anchored it when, and whether it was revoked.
    struct AnchorRecord {
        address issuer;
        uint32 anchoredAt;
        uint32 expiresAt;
        uint32 anchoredBlock;
        bool isBatch;
        /// 0 unless revoked.
        uint16 revocationReason;
    }

    /// @notice Emitted after an issuer anchored one report hash.
    event ReportAnchored(bytes32 indexed reportHash, address indexed issuer, uint32 expiresAt);
    /// @notice Emitted after an issuer anchored the Merkle root of `leafCount` report hashes.
    event BatchAnchored(bytes32 indexed merkleRoot, address indexed issuer, uint32 expiresAt, uint32 leafCount);
    /// @notice Emitted after a report hash or batch root was revoked.
    event AnchorRevoked(bytes32 indexed hashOrRoot, address indexed revokedBy, uint16 reasonCode);
    /// @notice Emitted after one report of a batch was revoked, the rest of the batch staying valid.
    event ReportRevokedInBatch(
        bytes32 indexed reportHash, bytes32 indexed merkleRoot, address indexed revokedBy, uint16 reasonCode
    );

    /// @notice The hash or root is already anchored by `issuer`, another issuer than the caller.
    error AnchoredByAnotherIssuer(bytes32 hashOrRoot, address issuer);
    /// @notice The hash or root is not anchored (nothing to revoke).
    error NotAnchored(bytes32 hashOrRoot);
    /// @notice The hash or root was revoked before.
    error AlreadyRevoked(bytes32 hashOrRoot);
    /// @notice Only the issuer that anchored it, or an admin, may revoke it.
    error NotAnchoringIssuer(bytes32 hashOrRoot, address caller);
    /// @notice `expiresAt` must lie in the future.
    error ExpiryNotInFuture(uint32 expiresAt);
    /// @notice A zero hash, an empty batch or a zero reason code.
    error InvalidArgument();
    /// @notice The proof does not lead from the report hash to the batch root.
    error NotInBatch(bytes32 reportHash, bytes32 merkleRoot);

    function anchor(bytes32 reportHash, uint32 expiresAt) external;

    function anchorBatch(bytes32 merkleRoot, uint32 expiresAt, uint32 leafCount) external;

    function revoke(bytes32 hashOrRoot, uint16 reasonCode) external;

    function revokeInBatch(bytes32 reportHash, bytes32[] calldata proof, bytes32 merkleRoot, uint16 reasonCode)
        external;

    function anchorOf(bytes32 hashOrRoot) external view returns (AnchorRecord memory);

    function verify(bytes32 reportHash) external view returns (Verification memory);

    function verifyInBatch(bytes32 reportHash, bytes32[] calldata proof, bytes32 merkleRoot)
        external
        view
        returns (Verification memory);
}
