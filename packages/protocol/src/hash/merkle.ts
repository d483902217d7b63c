// Binary Merkle root, RFC 6962 style, as Bytom v1.1.1 `protocol/bc/types/merkle.go` (merkleRoot) and
// Vapor (same file): leaf SHA3(0x00 || data), node SHA3(0x01 || left || right), the left subtree
// holds the largest power of two strictly below n leaves, the empty tree is SHA3("").
// Distinct leaf/node prefixes and the unbalanced split mean duplicated leaves cannot forge a root.
import { sha3 } from './sha3.ts';

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha3(new Uint8Array(0));
  return subtreeRoot(leaves, 0, leaves.length, new Uint8Array(65));
}

/**
 * merkleRoot of `n` copies of `leaf` (a block's status tree: every transaction a success) in
 * O(log^2 n) hashes: equal subtrees are hashed once.
 */
export function uniformMerkleRoot(leaf: Uint8Array, n: number): Uint8Array {
  if (n === 0) return merkleRoot([]);
  const roots = new Map<number, Uint8Array>([[1, merkleLeafHash(leaf)]]);
  const scratch = new Uint8Array(65);
  const rootOf = (size: number): Uint8Array => {
    const known = roots.get(size);
    if (known) return known;
    const split = largestPowerOfTwoBelow(size);
    const left = rootOf(split);
    const right = rootOf(size - split);
    const root = nodeHash(left, right, scratch);
    roots.set(size, root);
    return root;
  };
  return rootOf(n);
}

export function merkleLeafHash(data: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + data.length);
  input[0] = LEAF_PREFIX;
  input.set(data, 1);
  return sha3(input);
}

// `scratch` (65 bytes) is reused for every interior node: sha3 consumes its input at once.
function subtreeRoot(leaves: readonly Uint8Array[], lo: number, hi: number, scratch: Uint8Array): Uint8Array {
  const n = hi - lo;
  if (n === 1) return merkleLeafHash(leaves[lo]!);
  const split = lo + largestPowerOfTwoBelow(n);
  const left = subtreeRoot(leaves, lo, split, scratch);
  const right = subtreeRoot(leaves, split, hi, scratch);
  return nodeHash(left, right, scratch);
}

function nodeHash(left: Uint8Array, right: Uint8Array, scratch: Uint8Array): Uint8Array {
  scratch[0] = NODE_PREFIX;
  scratch.set(left, 1);
  scratch.set(right, 33);
  return sha3(scratch);
}

/** For n >= 2: the power of two k with k < n <= 2k (upstream prevPowerOfTwo). */
function largestPowerOfTwoBelow(n: number): number {
  return 1 << (31 - Math.clz32(n - 1));
}
