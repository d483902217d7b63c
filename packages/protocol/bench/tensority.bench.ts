// Tensority: cache build, fast hash (WebAssembly SIMD, one thread) and the readable reference,
// measured in the same run. Run: node packages/protocol/bench/tensority.bench.ts
import { performance } from 'node:perf_hooks';
import { measure, ratio, report } from '@bystack/testing';
import { createTensorityCache, tensorityWithCache } from '../src/pow/index.ts';
import { createReferenceMatrices, tensorityReference } from '../src/pow/tensority-reference.ts';

const seed = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1);
const blockHash = Uint8Array.from({ length: 32 }, (_, i) => 255 - i * 3);

const build = await measure('cache build', () => createTensorityCache(seed), 1500);
report('tensority cache build (wasm)', build.msPerOp, 'ms', `${build.iterations} builds`);

const cache = createTensorityCache(seed);
let nonce = 0;
const fast = await measure(
  'fast hash',
  () => {
    blockHash[0] = nonce++ & 0xff; // a different hash each time, as when mining
    return tensorityWithCache(cache, blockHash);
  },
  3000,
);
report('tensority fast (wasm simd, 1 thread)', fast.msPerOp, 'ms/hash', `${fast.iterations} hashes`);

let start = performance.now();
const matrices = createReferenceMatrices(seed);
report('tensority reference cache build (ts)', performance.now() - start, 'ms', '1 build');
start = performance.now();
const slow = tensorityReference(blockHash, seed, matrices);
const naiveMs = performance.now() - start;
report('tensority reference (ts, naive)', naiveMs, 'ms/hash', '1 hash');

if (Buffer.compare(slow, tensorityWithCache(cache, blockHash)) !== 0) throw new Error('fast and reference disagree');
console.log(`fast/naive time: ${ratio(fast.msPerOp, naiveMs)} (naive/fast speed-up ${ratio(naiveMs, fast.msPerOp)})`);
console.log("For scale: Bytom's own AVX2 C++ (cgo_algorithm) takes about 84 ms/hash on this CPU (not run here).");
