// The steps of Tensority that surround the matrix products, shared by the reference and the fast
// implementation. Bytom v1.1.1 mining/tensority/go_algorithm: seed.go (extendBytes) and matrix.go
// (the per-chain sequences of mulMatrix, and hashMatrix).
import { sha3 } from '../hash/sha3.ts';

/** Matrices are 256x256 and there are 256 of them per seed. */
export const MATRIX_SIZE = 256;
export const MATRIX_BYTES = MATRIX_SIZE * MATRIX_SIZE;
/** Four independent product chains, one per 8-byte quarter of the block hash. */
export const CHAIN_COUNT = 4;
/** Each chain multiplies by the 32 matrices its sequence names, twice over. */
export const CHAIN_PASSES = 2;

const FNV_PRIME = 0x01000193;

/** scrypt's 128-byte input: the seed, then three SHA3s, each of the 32 bytes before it. */
export function extendSeed(seed: Uint8Array): Uint8Array {
  const out = new Uint8Array(128);
  out.set(seed);
  for (let i = 0; i < 3; i++) out.set(sha3(out.subarray(i * 32, i * 32 + 32)), (i + 1) * 32);
  return out;
}

/** The 32 matrix indices of chain `chain`: SHA3 of that chain's 8 bytes of the block hash. */
export function chainSequence(blockHash: Uint8Array, chain: number): Uint8Array {
  return sha3(blockHash.subarray(chain * 8, chain * 8 + 8));
}

/**
 * hashMatrix: packs each row of the summed matrix (bytes, row-major) into 64 words, byte b of
 * word i taken from column i + 64b, folds the 256 rows pairwise with FNV down to one, and hashes
 * that row's 256 bytes (words little-endian) with SHA3.
 */
export function digestMatrixSum(sum: Uint8Array): Uint8Array {
  const words = new Uint32Array(MATRIX_SIZE * 64);
  for (let row = 0; row < MATRIX_SIZE; row++) {
    const r = row * MATRIX_SIZE;
    for (let i = 0; i < 64; i++) {
      words[row * 64 + i] =
        sum[r + i]! | (sum[r + i + 64]! << 8) | (sum[r + i + 128]! << 16) | (sum[r + i + 192]! << 24);
    }
  }
  for (let k = MATRIX_SIZE; k > 1; k >>= 1) {
    const half = k >> 1;
    for (let j = 0; j < half; j++) {
      for (let i = 0; i < 64; i++) {
        words[j * 64 + i] = Math.imul(words[j * 64 + i]!, FNV_PRIME) ^ words[(j + half) * 64 + i]!;
      }
    }
  }
  const row0 = new Uint8Array(256);
  const view = new DataView(row0.buffer);
  for (let i = 0; i < 64; i++) view.setUint32(i * 4, words[i]!, true);
  return sha3(row0);
}
