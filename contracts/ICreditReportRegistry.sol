// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

/// @title ICreditReportRegistry
/// @notice Credit reference agencies (issuers) anchor the SHA-256 hash of each report they issue, one
/// by one or as the root of a Merkle batch; lenders verify a report they were handed by its hash and
/// the issuer they expect (the one the applicant's consent names). No report content and nothing
/// personal is ever on chain: only hashes, issuer addresses and times.
///
/// Every issuer has its own namespace: anchors are keyed by (issuer, hash), batches by (issuer, root),
/// and revocations of reports, of batches and of reports within a batch are kept per issuer. No
/// member's action can change how another member's anchor, batch or report verifies; governance acts
/// on an issuer only by removing it, which makes its anchors verify as from an inactive issuer, or by
/// granting and withdrawing the document kinds it is trusted for.
///
/// Every anchor and batch carries a document kind: `bytes10(keccak256(bytes(name)))` of the kind's name
/// (e.g. "personal-credit-report", "bank-statement"). An issuer anchors only the kinds the admin granted
/// it; a hash keeps the kind it was first anchored as; an issuer that stops being a member loses its
/// kinds, so a re-admitted member starts with none. A verifier sees the anchored kind and whether the
/// issuer is trusted for it now.
interface ICreditReportRegistry {
    enum Status {
        Unknown,
        Valid,
        Revoked,
        Expired
    }

    /// @notice One anchored report hash or batch root, as stored: one storage slot.
    struct Anchor {
        /// Unix seconds; 0 means nothing is anchored.
        uint32 anchoredAt;
        uint32 expiresAt;
        uint32 anchoredBlock;
        /// Number of reports in a batch; 0 for a report anchored on its own.
        uint32 leafCount;
        /// Unix seconds of the revocation; 0 unless revoked.
        uint32 revokedAt;
        /// Reason code given at revocation; 0 unless revoked.
        uint16 revocationReason;
        /// The document kind anchored: bytes10(keccak256(bytes(kindName))). 5 x 32 + 16 + 80 bits: one slot.
        bytes10 kind;
    }

    /// @notice The revocation of one report within a batch.
    struct Revocation {
        uint32 revokedAt;
        uint16 reasonCode;
    }

    /// @notice Everything a verifier needs from one view call.
    struct Verification {
        Status status;
        /// The issuer asked about when anything is anchored by it; the zero address when Unknown.
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
        /// The document kind the report or batch was anchored as; zero when Unknown.
        bytes10 kind;
        /// Whether `issuer` is granted `kind` now (false once withdrawn or once the issuer is removed).
        bool issuerTrustedForKind;
    }

    /// @notice Emitted after an issuer anchored one report hash as a document of `kind`.
    event ReportAnchored(address indexed issuer, bytes32 indexed reportHash, bytes10 indexed kind, uint32 expiresAt);
    /// @notice Emitted after an issuer anchored the Merkle root of `leafCount` report hashes, all of `kind`.
    event BatchAnchored(
        address indexed issuer, bytes32 indexed merkleRoot, bytes10 indexed kind, uint32 expiresAt, uint32 leafCount
    );
    /// @notice Emitted after the admin trusted `issuer` to anchor documents of `kind`.
    event KindGranted(address indexed issuer, bytes10 indexed kind);
    /// @notice Emitted after `issuer` stopped being trusted for `kind`: withdrawn by the admin, or
    /// cleared because the issuer stopped being a member.
    event KindWithdrawn(address indexed issuer, bytes10 indexed kind);
    /// @notice Emitted after an issuer revoked a report it had anchored on its own.
    event ReportRevoked(address indexed issuer, bytes32 indexed reportHash, uint16 reasonCode);
    /// @notice Emitted after an issuer revoked a whole batch, and so every report in it.
    event BatchRevoked(address indexed issuer, bytes32 indexed merkleRoot, uint16 reasonCode);
    /// @notice Emitted after an issuer revoked one report of its batch, the rest staying valid.
    event ReportRevokedInBatch(
        address indexed issuer, bytes32 indexed merkleRoot, bytes32 indexed reportHash, uint16 reasonCode
    );

    /// @notice `issuer` has anchored nothing under this hash or root (nothing to revoke).
    error NotAnchored(address issuer, bytes32 hashOrRoot);
    /// @notice `issuer` revoked this before with `reasonCode`; a revocation is never changed.
    error AlreadyRevoked(address issuer, bytes32 hashOrRoot, uint16 reasonCode);
    /// @notice `expiresAt` must lie in the future.
    error ExpiryNotInFuture(uint32 expiresAt);
    /// @notice A zero hash, an empty batch or a zero reason code.
    error InvalidArgument();
    /// @notice The proof does not lead from the report hash to the batch root.
    error NotInBatch(bytes32 reportHash, bytes32 merkleRoot);
    /// @notice `issuer` is not granted document kind `kind`.
    error KindNotTrusted(address issuer, bytes10 kind);
    /// @notice `issuer` anchored this hash or root already, as document kind `anchoredKind`.
    error AnchoredAsOtherKind(address issuer, bytes32 hashOrRoot, bytes10 anchoredKind);
    /// @notice `issuer` holds the most kinds an issuer may hold (MAX_KINDS_PER_ISSUER).
    error TooManyKinds(address issuer);

    function anchor(bytes32 reportHash, bytes10 kind, uint32 expiresAt) external;

    function anchorBatch(bytes32 merkleRoot, bytes10 kind, uint32 expiresAt, uint32 leafCount) external;

    function grantKind(address issuer, bytes10 kind) external;

    function withdrawKind(address issuer, bytes10 kind) external;

    function isTrustedFor(address issuer, bytes10 kind) external view returns (bool);

    function kindsOf(address issuer) external view returns (bytes10[] memory);

    function revoke(bytes32 reportHash, uint16 reasonCode) external;

    function revokeBatch(bytes32 merkleRoot, uint16 reasonCode) external;

    function revokeInBatch(bytes32 reportHash, bytes32[] calldata proof, bytes32 merkleRoot, uint16 reasonCode)
        external;

    function anchorOf(address issuer, bytes32 reportHash) external view returns (Anchor memory);

    function batchOf(address issuer, bytes32 merkleRoot) external view returns (Anchor memory);

    function revocationInBatch(address issuer, bytes32 merkleRoot, bytes32 reportHash)
        external
        view
        returns (Revocation memory);

    function verify(address issuer, bytes32 reportHash) external view returns (Verification memory);

    function verifyInBatch(address issuer, bytes32 reportHash, bytes32[] calldata proof, bytes32 merkleRoot)
        external
        view
        returns (Verification memory);
}
