// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.26;

/// @dev The small, fixed set of values the random actions draw from, so that actions collide often:
/// four report hashes, four real Merkle batches over them (OpenZeppelin's sorted-pair encoding, as the
/// registry verifies), and a key pool for single anchors that holds the batch roots too, so an
/// issuer can anchor another issuer's root as a "report" (the attack on registry v1).
library ReportPool {
    uint256 internal constant REPORTS = 4;
    uint256 internal constant BATCHES = 4;
    uint256 internal constant KEYS = REPORTS + BATCHES;

    function reportHash(uint256 i) internal pure returns (bytes32) {
        return keccak256(abi.encode("lendbridge invariant report", i % REPORTS));
    }

    function leaf(bytes32 hash) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(hash))));
    }

    /// Batch b's reports: {0,1}, {2,3}, {0,2} and the one-report batch {1}.
    function members(uint256 b) internal pure returns (uint256 first, uint256 second, bool pair) {
        b %= BATCHES;
        if (b == 0) return (0, 1, true);
        if (b == 1) return (2, 3, true);
        if (b == 2) return (0, 2, true);
        return (1, 1, false);
    }

    function root(uint256 b) internal pure returns (bytes32) {
        (uint256 first, uint256 second, bool pair) = members(b);
        if (!pair) return leaf(reportHash(first));
        return hashPair(leaf(reportHash(first)), leaf(reportHash(second)));
    }

    /// Whether report `r` is in batch `b`, and the proof that leads from it to the root if so.
    function proof(uint256 b, uint256 r) internal pure returns (bool member, bytes32[] memory path) {
        (uint256 first, uint256 second, bool pair) = members(b);
        r %= REPORTS;
        member = r == first || r == second;
        if (!pair) return (member, new bytes32[](0));
        path = new bytes32[](1);
        // A member's sibling; for an outsider, the first leaf's sibling (a proof that must fail).
        path[0] = leaf(reportHash(r == second ? first : second));
    }

    /// Single-anchor keys: the report hashes, then the batch roots.
    function key(uint256 k) internal pure returns (bytes32) {
        k %= KEYS;
        return k < REPORTS ? reportHash(k) : root(k - REPORTS);
    }

    /// Document kinds the actions draw from: three, so an issuer is often granted some and not others.
    uint256 internal constant KINDS = 3;

    function kind(uint256 k) internal pure returns (bytes10) {
        k %= KINDS;
        if (k == 0) return bytes10(keccak256("personal-credit-report"));
        if (k == 1) return bytes10(keccak256("bank-statement"));
        return bytes10(keccak256("corporate-credit-report"));
    }

    function hashPair(bytes32 a, bytes32 b) private pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }
}
