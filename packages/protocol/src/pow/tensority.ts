// Tensority, Bytom's proof-of-work hash (Bytom v1.1.1 mining/tensority), fast: the cache build and
// the matrix products run in WebAssembly SIMD (source: packages/protocol/asm/assembly/tensority.ts),
// one instance per seed, holding that seed's 16 MiB cache. tensority-reference.ts is the readable
// version this one is checked against.

import { compileWasmBase64, instantiateWasm, type WasmModule } from '../wasm.ts';
import { assertHash32, PowError, PowErrorCode } from './errors.ts';
import { CHAIN_COUNT, chainSequence, digestMatrixSum, extendSeed, MATRIX_BYTES } from './tensority-steps.ts';
import { TENSORITY_WASM_BASE64 } from './tensority-wasm.ts';

/** The module's exports (asm/assembly/tensority.ts); the *_PTR globals are fixed offsets in its memory. */
type TensorityExports = {
  readonly memory: { readonly buffer: ArrayBuffer };
  readonly SEED_PTR: { readonly value: number };
  readonly SEQUENCE_PTR: { readonly value: number };
  readonly SUM_PTR: { readonly value: number };
  buildCache(): void;
  hashSequences(): void;
};

let compiledModule: WasmModule | undefined;

function tensorityModule(): WasmModule {
  if (compiledModule === undefined) {
    try {
      compiledModule = compileWasmBase64(TENSORITY_WASM_BASE64);
    } catch (err) {
      throw new PowError(PowErrorCode.WasmUnavailable, 'cannot compile the Tensority WebAssembly module', {
        cause: String(err),
      });
    }
  }
  return compiledModule;
}

/** One seed's Tensority cache (256 int8 matrices, 16 MiB), built once and reused for every hash under that seed. */
export type TensorityCache = { readonly seed: Uint8Array };

class WasmTensorityCache implements TensorityCache {
  readonly seed: Uint8Array;
  readonly wasm: TensorityExports;

  constructor(seed: Uint8Array, wasm: TensorityExports) {
    this.seed = seed;
    this.wasm = wasm;
  }
}

/** Builds the Tensority cache of a 32-byte seed (tens of milliseconds), to hash many block hashes under it. */
export function createTensorityCache(seed: Uint8Array): TensorityCache {
  assertHash32(seed, 'seed');
  const wasm = instantiateWasm<TensorityExports>(tensorityModule());
  new Uint8Array(wasm.memory.buffer).set(extendSeed(seed), wasm.SEED_PTR.value);
  wasm.buildCache();
  return new WasmTensorityCache(new Uint8Array(seed), wasm);
}

/** Tensority of a 32-byte block hash under a cache from createTensorityCache: 32 bytes. */
export function tensorityWithCache(cache: TensorityCache, blockHash: Uint8Array): Uint8Array {
  if (!(cache instanceof WasmTensorityCache)) {
    throw new PowError(PowErrorCode.BadCache, 'not a cache made by createTensorityCache');
  }
  assertHash32(blockHash, 'block hash');
  const { wasm } = cache;
  const memory = new Uint8Array(wasm.memory.buffer);
  const sequences = wasm.SEQUENCE_PTR.value;
  for (let chain = 0; chain < CHAIN_COUNT; chain++) memory.set(chainSequence(blockHash, chain), sequences + chain * 32);
  wasm.hashSequences();
  const sum = wasm.SUM_PTR.value;
  return digestMatrixSum(memory.subarray(sum, sum + MATRIX_BYTES));
}

/** Seeds change every few hundred blocks; keeping the last two covers a seed change and a short fork around it. */
const RECENT_SEED_CACHES = 2;
const recentCaches: TensorityCache[] = [];

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Tensority of a 32-byte block hash under a 32-byte seed (Bytom's AIHash); caches the last two seeds. */
export function tensority(blockHash: Uint8Array, seed: Uint8Array): Uint8Array {
  assertHash32(blockHash, 'block hash');
  assertHash32(seed, 'seed');
  const found = recentCaches.findIndex((c) => sameBytes(c.seed, seed));
  const cache = found >= 0 ? recentCaches.splice(found, 1)[0]! : createTensorityCache(seed);
  recentCaches.unshift(cache);
  recentCaches.length = Math.min(recentCaches.length, RECENT_SEED_CACHES);
  return tensorityWithCache(cache, blockHash);
}
