// The validator's block path on a side chain, Vapor's rules, the like-for-like of Vapor's own figure
// (Vapor validates and connects about 18,400 signed single-input transfers per second on this
// machine): side-devnet blocks of 5,000 single-input transfers, producer-signed, through the
// SideChain pipeline on a real store (LMDB + a redis-server hot tier): decode, witness and DPoS
// checks, every transaction, the signatures, UTXO connect, the commit through both tiers.
//   - cold: no signature seen before (the verifier pool checks them all);
//   - warm: the node's mempool verified the signatures at admission (the shared Redis cache), with
//     the transactions' checks on the tx check pool, and on the pipeline's own thread (same run);
//   - mempool-checked: the mempool also filed the transactions' checks (Redis), against a chain
//     that looks them up and finds none (all misses), both on the pipeline's thread: CPU per block
//     (process.cpuUsage, every thread of the process) and stage 1's (the pipeline thread's).
// Run: node services/validator/bench/side-block.bench.ts
import { availableParallelism } from 'node:os';
import {
  createCachingSignatureVerifier,
  createDevnetPegIn,
  createDevnetSideSpend,
  createSideTxEntries,
  createSignatureVerifierPool,
  createTxCheckPool,
  devnetControlProgram,
  devnetSideCoinsOf,
  devnetXPrv,
  encodeSideBlock,
  type SideBlock,
  type SideTx,
  sha3,
  type TxCheckPool,
  xprvToXPub,
} from '@bystack/protocol';
import { createRedisSignatureCache, createRedisTxCheckCache } from '@bystack/runtime';
import { ratio, report, startRedis } from '@bystack/testing';
import { Redis } from 'ioredis';
import { BlockDisposition } from '../src/index.ts';
import type { SideChain } from '../src/side-chain.ts';
import { tempDir } from '../test/devnet.ts';
import { fileSideTxChecks, openSideDevnetChain, SideBlockMaker } from '../test/side-blocks.ts';

const TXS = Number(process.env.BENCH_TXS ?? 5000);
const COLD_BLOCKS = 2;
const WARM_BLOCKS = 5;
const BLOCKS = COLD_BLOCKS + WARM_BLOCKS;

const redisServer = await startRedis();
const redis = new Redis(redisServer.url);
const dir = tempDir('side-block');
const workers = availableParallelism();
const pool = createSignatureVerifierPool({ workers });
const verifier = createCachingSignatureVerifier(pool, createRedisSignatureCache({ redis, prefix: 'bench' }));
const txChecks = createTxCheckPool({ workers });
const maker = new SideBlockMaker();

const filedCache = (prefix: string) => createRedisTxCheckCache({ redis, prefix });
const openChain = (prefix: string, checks: TxCheckPool | undefined, filed = false) =>
  openSideDevnetChain(maker, {
    dir: `${dir.path}/${prefix}`,
    redis,
    prefix,
    verifier,
    txChecks: checks,
    filedTxChecks: filed ? { cache: filedCache(prefix) } : undefined,
  });
const pooled = await openChain('pooled', txChecks);
const oneThread = await openChain('one-thread', undefined);
const filedMiss = await openChain('filed-miss', undefined, true);
const filedHit = await openChain('filed-hit', undefined, true);
const allChains = [pooled, oneThread, filedMiss, filedHit];

/** The pipeline thread's CPU in each stage 1 `chain` runs, ms. */
function stage1Cpu(chain: SideChain): number[] {
  const samples: number[] = [];
  const target = chain as unknown as { stage1: (...args: unknown[]) => Promise<unknown> };
  const stage1 = target.stage1.bind(chain);
  target.stage1 = async (...args) => {
    const t0 = process.threadCpuUsage();
    try {
      return await stage1(...args);
    } finally {
      const d = process.threadCpuUsage(t0);
      samples.push((d.user + d.system) / 1000);
    }
  };
  return samples;
}

async function submit(chain: SideChain, block: SideBlock): Promise<number> {
  const t0 = performance.now();
  const r = await chain.submit(encodeSideBlock(block), 'rpc');
  const ms = performance.now() - t0;
  if (r.disposition !== BlockDisposition.Connected) throw new Error(`block ${r.height}: ${r.disposition}`);
  return ms;
}

// ---- setup: peg-ins to the payer, then blocks of transfers spending them -------------------------
let start = performance.now();
const payer = devnetXPrv('side-block-bench', 0);
const payerProgram = devnetControlProgram(xprvToXPub(payer));
const recipient = devnetControlProgram(xprvToXPub(devnetXPrv('side-block-recipient', 0)));
const FEE = 10_000_000n;
const pegIns: SideTx[] = Array.from({ length: TXS * BLOCKS }, (_, i) =>
  createDevnetPegIn({
    sourceId: sha3(new TextEncoder().encode(`side block bench peg-in ${i}`)),
    amount: 1_000_000_000n,
    fee: FEE,
    controlProgram: payerProgram,
  }),
);
let parent = maker.genesis;
const at = () => parent.header.timestamp + maker.interval;
for (let k = 0; k < BLOCKS; k++) {
  const { block } = await maker.blockOn(parent, at(), pegIns.slice(k * TXS, (k + 1) * TXS));
  for (const chain of allChains) await submit(chain, block);
  parent = block;
}
report(`setup: ${pegIns.length} peg-ins in ${BLOCKS} blocks, on every chain`, performance.now() - start, 'ms');

start = performance.now();
const transfers = pegIns.map((p) => {
  const coin = devnetSideCoinsOf(p)[0]!;
  return createDevnetSideSpend(payer, coin, [[recipient, coin.amount - FEE]]);
});
const blocks: SideBlock[] = [];
for (let k = 0; k < BLOCKS; k++) {
  const { block } = await maker.blockOn(parent, at(), transfers.slice(k * TXS, (k + 1) * TXS));
  blocks.push(block);
  parent = block;
}
report(`setup: sign ${transfers.length} transfers, make ${BLOCKS} blocks`, performance.now() - start, 'ms');
report('block size', encodeSideBlock(blocks[0]!).length / 1024, 'KiB', `${TXS} transfers + coinbase`);

/** The bench measures what it says: the records were found (or not). */
function assertFound(chain: SideChain, hits: number): void {
  if (chain.filed?.stats.hits !== hits)
    throw new Error(`filed records found: ${chain.filed?.stats.hits}, expected ${hits}`);
}

function blockPath(what: string, times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[(sorted.length - 1) >> 1]!;
  const rate = (TXS * 1000) / median;
  report(
    `${what}: side block path, per ${TXS}-transfer block`,
    median,
    'ms',
    `median of ${times.length}; best ${sorted[0]!.toFixed(0)} ms; runs: ${times.map((t) => t.toFixed(0)).join(', ')} ms`,
  );
  report(`${what}: side block path (median run)`, rate, 'tx/s', `${ratio(rate, 18_400)} Vapor's 18,400 tx/s`);
  return rate;
}

// ---- cold: every signature new (the pooled chain first; the other one then sees them warm) -------
const coldTimes: number[] = [];
for (const b of blocks.slice(0, COLD_BLOCKS)) {
  coldTimes.push(await submit(pooled, b));
  for (const chain of allChains.slice(1)) await submit(chain, b);
}
blockPath('cold, tx checks on the pool', coldTimes);

// ---- warm: what the mempool does at admission, then the blocks -----------------------------------
const admission = createCachingSignatureVerifier(pool, createRedisSignatureCache({ redis, prefix: 'bench' }));
for (const b of blocks.slice(COLD_BLOCKS)) {
  await admission.verifyAll(
    b.transactions.slice(1).map((t) => {
      const input = t.inputs[0]!;
      if (input.type !== 'spend') throw new Error('spend expected');
      return {
        publicKey: input.arguments[1]!,
        message: createSideTxEntries(t).sigHashes[0]!,
        signature: input.arguments[0]!,
      };
    }),
  );
}
const warmPooled: number[] = [];
const warmOneThread: number[] = [];
for (const b of blocks.slice(COLD_BLOCKS)) {
  warmOneThread.push(await submit(oneThread, b));
  warmPooled.push(await submit(pooled, b));
}
const pooledRate = blockPath('warm, tx checks on the pool', warmPooled);
const oneThreadRate = blockPath('warm, tx checks on the pipeline thread', warmOneThread);
report('warm: tx check pool vs the pipeline thread', pooledRate / oneThreadRate, 'x', `pool of ${workers} workers`);

// ---- mempool-checked: the mempool also filed the txs' checks when it admitted them ---------------
for (const b of blocks.slice(COLD_BLOCKS)) {
  await fileSideTxChecks(filedCache('filed-hit'), b.transactions.slice(1), b.header.height - 1n);
}
/** CPU per block of `chain`'s block path (every thread of the process) and of its stage 1 (its thread), ms. */
const cpu = (chain: SideChain) => ({ stage1: stage1Cpu(chain), block: [] as number[], wall: [] as number[] });
const miss = cpu(filedMiss);
const hit = cpu(filedHit);
for (const b of blocks.slice(COLD_BLOCKS)) {
  for (const [chain, samples] of [
    [filedMiss, miss],
    [filedHit, hit],
  ] as const) {
    const c0 = process.cpuUsage();
    samples.wall.push(await submit(chain, b));
    const c = process.cpuUsage(c0);
    samples.block.push((c.user + c.system) / 1000);
  }
}
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]!;
const runs = (xs: readonly number[]) => `runs: ${xs.map((x) => x.toFixed(0)).join(', ')} ms`;
for (const [what, s] of [
  ['all misses (nothing filed)', miss],
  ['mempool-checked (all filed)', hit],
] as const) {
  blockPath(`warm, ${what}`, s.wall);
  report(`warm, ${what}: block path CPU per block`, median(s.block), 'ms', `every thread; ${runs(s.block)}`);
  report(`warm, ${what}: stage 1 CPU per block`, median(s.stage1), 'ms', `pipeline thread; ${runs(s.stage1)}`);
}
report(
  'mempool-checked vs all misses: block path CPU',
  median(hit.block) / median(miss.block),
  'x',
  `stage 1 CPU ${ratio(median(hit.stage1), median(miss.stage1))} (${(median(miss.stage1) - median(hit.stage1)).toFixed(0)} ms less per block)`,
);
assertFound(filedHit, WARM_BLOCKS * TXS);
assertFound(filedMiss, 0);

for (const c of allChains) await c.close();
await txChecks.close();
await verifier.close();
redis.disconnect();
await redisServer.stop();
dir.remove();
