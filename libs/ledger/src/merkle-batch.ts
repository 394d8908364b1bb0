/**
 * Merkle batches of report hashes, as CreditReportRegistry.anchorBatch expects them: OpenZeppelin's
 * StandardMerkleTree over single bytes32 values (sorted pairs, double-hashed leaves), so proofs
 * verify with OpenZeppelin's MerkleProof on chain and with the same library anywhere else.
 */
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';

export interface ReportBatch {
  /** bytes32 hex of the root to anchor. */
  merkleRoot: string;
  leafCount: number;
  /** The proof (bytes32 hex values) of each report hash (64 hex) in the batch. */
  proofs: Map<string, string[]>;
}

/** Builds the batch of distinct report hashes (64 hex each). */
export function buildReportBatch(reportHashes: readonly string[]): ReportBatch {
  if (reportHashes.length === 0) throw new Error('a batch needs at least one report hash');
  if (new Set(reportHashes).size !== reportHashes.length) throw new Error('a batch may not hold a report hash twice');
  const tree = StandardMerkleTree.of(
    reportHashes.map((hash) => [`0x${hash}`]),
    ['bytes32'],
  );
  const proofs = new Map<string, string[]>();
  for (const [index, [value]] of tree.entries()) {
    proofs.set(String(value).slice(2), tree.getProof(index));
  }
  return { merkleRoot: tree.root, leafCount: reportHashes.length, proofs };
}

/** Checks a proof off chain, exactly as verifyInBatch does on chain. */
export function verifyBatchProof(reportHash: string, proof: readonly string[], merkleRoot: string): boolean {
  return StandardMerkleTree.verify(merkleRoot, ['bytes32'], [`0x${reportHash}`], [...proof]);
}
