// Tensority hashes per second through the miner's search pool: one thread, then every core, with
// the protocol's own single-thread rate (no pool, main thread) measured in the same run as the
// baseline. Run: node services/miner/bench/hashrate.bench.ts [seconds per figure, default 5]
// (or BENCH_SECONDS).
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { type BlockHeader, createTensorityCache, initialTensoritySeed, tensorityWithCache } from '@bystack/protocol';
import { createLogger } from '@bystack/runtime';
import { ratio, report } from '@bystack/testing';
import { SearchPool } from '../src/pool.ts';

const seconds = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 5);
const seed = initialTensoritySeed();
const header: BlockHeader = {
  version: 1n,
  height: 1n,
  previousBlockId: new Uint8Array(32).fill(1),
  timestamp: 1_767_225_601n,
  transactionsMerkleRoot: new Uint8Array(32).fill(2),
  transactionStatusHash: new Uint8Array(32).fill(3),
  nonce: 0n,
  bits: 0n,
};
const log = createLogger({ service: 'bench', level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Hashes per second of a pool of `threads`, searching a target no hash meets, after each thread's first hash. */
async function poolRate(threads: number): Promise<number> {
  const pool = new SearchPool({ threads }, log);
  try {
    pool.search(header, seed, 0n, () => {
      throw new Error('no hash meets a zero target');
    });
    // Warm-up: every thread has built its 16 MiB cache and hashed at least once.
    while (pool.hashes() < BigInt(threads) * 2n) await sleep(20);
    const startHashes = pool.hashes();
    const start = performance.now();
    await sleep(seconds * 1000);
    const hashes = pool.hashes() - startHashes;
    return (Number(hashes) * 1000) / (performance.now() - start);
  } finally {
    await pool.close();
  }
}

function mainThreadRate(): number {
  const cache = createTensorityCache(seed);
  const hash = new Uint8Array(32);
  tensorityWithCache(cache, hash);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    hash[0] = n & 0xff;
    hash[1] = (n >> 8) & 0xff;
    tensorityWithCache(cache, hash);
    n++;
  }
  return (n * 1000) / (performance.now() - start);
}

const cores = availableParallelism();
const raw = mainThreadRate();
report('tensority, main thread, no pool (baseline)', raw, 'hashes/s');
const one = await poolRate(1);
report('miner search pool, 1 thread', one, 'hashes/s', `${ratio(one, raw)} of the baseline`);
const all = await poolRate(cores);
report(`miner search pool, ${cores} threads (all cores)`, all, 'hashes/s', `${ratio(all, one)} of 1 thread`);
console.log(`scaling: ${ratio(all, one)} on ${cores} cores (ideal ${cores}.00x; the cores may be shared)`);
