// Tensority, written to be read: a direct port of Bytom v1.1.1's Go version
// (mining/tensority/go_algorithm/seed.go, matrix.go, algorithm.go). It is the baseline the fast
// WebAssembly version is checked and measured against; it takes seconds per hash.
import { assertHash32 } from './errors.ts';
import { SMIX_BLOCK_WORDS, SMIX_N, smix } from './scrypt-smix.ts';
import {
  CHAIN_COUNT,
  CHAIN_PASSES,
  chainSequence,
  digestMatrixSum,
  extendSeed,
  MATRIX_BYTES,
  MATRIX_SIZE,
} from './tensority-steps.ts';

const SMIX_RUNS = 128;
const HALF_WORDS = (SMIX_N * SMIX_BLOCK_WORDS) / 2;

/**
 * calcSeedCache + the reordering at the top of mulMatrix: 128 chained SMix runs; from each run's
 * scratch array the even blocks, then the odd ones; the 16 MiB read as int8 are 256 row-major
 * 256x256 matrices.
 */
export function createReferenceMatrices(seed: Uint8Array): Int8Array {
  assertHash32(seed, 'seed');
  const ext = extendSeed(seed);
  const x = new Uint32Array(32);
  const extView = new DataView(ext.buffer);
  for (let i = 0; i < 32; i++) x[i] = extView.getUint32(i * 4, true);

  const v = new Uint32Array(SMIX_N * SMIX_BLOCK_WORDS);
  const matrices = new Int8Array(SMIX_RUNS * v.length * 4);
  const out = new DataView(matrices.buffer);
  for (let run = 0; run < SMIX_RUNS; run++) {
    smix(x, v);
    const start = run * v.length;
    for (let block = 0; block < SMIX_N; block++) {
      const half = block % 2 === 0 ? 0 : HALF_WORDS;
      const dest = start + half + (block >> 1) * SMIX_BLOCK_WORDS;
      for (let w = 0; w < SMIX_BLOCK_WORDS; w++) {
        out.setUint32((dest + w) * 4, v[block * SMIX_BLOCK_WORDS + w]!, true);
      }
    }
  }
  return matrices;
}

/** The Go code's fold of an exact dot product back to int8: low byte plus second byte, mod 256. */
function foldToInt8(v: number): number {
  return (((v & 0xff) + ((v >> 8) & 0xff)) << 24) >> 24;
}

/** c = fold(a x b^T) for row-major 256x256 matrices. */
function mulTransposedFold(a: Int8Array, b: Int8Array, c: Int8Array): void {
  for (let row = 0; row < MATRIX_SIZE; row++) {
    for (let col = 0; col < MATRIX_SIZE; col++) {
      let dot = 0;
      for (let k = 0; k < MATRIX_SIZE; k++) dot += a[row * MATRIX_SIZE + k]! * b[col * MATRIX_SIZE + k]!;
      c[row * MATRIX_SIZE + col] = foldToInt8(dot);
    }
  }
}

/** Tensority of `blockHash` under `seed`; pass `matrices` from createReferenceMatrices(seed) to reuse them. */
export function tensorityReference(
  blockHash: Uint8Array,
  seed: Uint8Array,
  matrices: Int8Array = createReferenceMatrices(seed),
): Uint8Array {
  assertHash32(blockHash, 'block hash');
  const sum = new Uint8Array(MATRIX_BYTES);
  for (let chain = 0; chain < CHAIN_COUNT; chain++) {
    const sequence = chainSequence(blockHash, chain);
    let ma = new Int8Array(MATRIX_BYTES);
    for (let i = 0; i < MATRIX_SIZE; i++) ma[i * (MATRIX_SIZE + 1)] = 1;
    let mc = new Int8Array(MATRIX_BYTES);
    for (let pass = 0; pass < CHAIN_PASSES; pass++) {
      for (const index of sequence) {
        mulTransposedFold(ma, matrices.subarray(index * MATRIX_BYTES, (index + 1) * MATRIX_BYTES), mc);
        [ma, mc] = [mc, ma];
      }
    }
    for (let i = 0; i < MATRIX_BYTES; i++) sum[i] = sum[i]! + ma[i]!;
  }
  return digestMatrixSum(sum);
}
