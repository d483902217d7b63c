// The validator's block path on a real store (LMDB + a redis-server hot tier), no mocks:
//   - full validation of 5,000-tx blocks (single-input signed P2WPKH transfers): decode, header
//     rules, Tensority, every transaction, the signatures on the verifier pool, UTXO connect,
//     commit through both tiers; tx/s, against raw Ed25519 verify/s measured in the same run.
//     Cold: no signature seen before. Warm: the node's mempool verified the txs' signatures when it
//     admitted them (the Redis signature cache the two services share), the usual case for a block
//     of txs that were gossiped first. Warm, checks filed by the mempool: it also filed the txs'
//     stateless checks (Redis), which a second validator chain (caught up first, so the lines
//     before are measured as they were) takes instead of checking them again, against the first
//     chain checking the same blocks, interleaved; CPU per block (process.cpuUsage, every thread);
//   - a reorganization of depth 10 (blocks of 100 transfers): revert 10, connect 11, in ms.
// Events (NATS) are not part of it. Run: node services/validator/bench/validate.bench.ts
import { availableParallelism } from 'node:os';
import {
  type Block,
  createCachingSignatureVerifier,
  createSignatureVerifierPool,
  createTxEntries,
  ed25519Verify,
} from '@bystack/protocol';
import { createRedisSignatureCache, createRedisTxCheckCache } from '@bystack/runtime';
import { measure, ratio, report, startRedis } from '@bystack/testing';
import { Redis } from 'ioredis';
import { BlockDisposition } from '../src/index.ts';
import {
  btm,
  FEE,
  fileMainTxChecks,
  fromGenesis,
  fundingBlocks,
  type MinedBlock,
  mine,
  mineChain,
  openDevnetChain,
  tempDir,
  testKey,
  transfer,
} from '../test/devnet.ts';

const TXS = 5000;
const COLD_BLOCKS = 3;
const WARM_BLOCKS = 5;
const BLOCKS = COLD_BLOCKS + WARM_BLOCKS;
const FILED_BLOCKS = 5;
const REORG_DEPTH = 10;
const REORG_TXS = 100;

const redisServer = await startRedis();
const dir = tempDir('bench');
const redis = new Redis(redisServer.url);
const workers = availableParallelism();
const pool = createSignatureVerifierPool({ workers });
const signatureCache = () => createRedisSignatureCache({ redis, prefix: 'bench' });
const verifier = createCachingSignatureVerifier(pool, signatureCache());
const { chain, store } = await openDevnetChain({ dir: dir.path, redis, prefix: 'bench', verifier });

async function submit(b: MinedBlock): Promise<void> {
  const r = await chain.submit(b.bytes, 'rpc');
  if (r.disposition !== BlockDisposition.Connected && r.disposition !== BlockDisposition.SideBranch) {
    throw new Error(`block ${b.height}: ${r.disposition}`);
  }
}

// ---- funding: the genesis coin -> 31,000 coins of 16 keys (2 blocks) -------------------------------
const keys = Array.from({ length: 16 }, (_, i) => testKey(`bench-${i}`));
const recipient = testKey('bench-recipient');
let start = performance.now();
const setupBlocks = mineChain(fromGenesis(), 5);
for (const b of setupBlocks) await submit(b);
const funding = fundingBlocks(
  setupBlocks.at(-1)!,
  keys,
  TXS * BLOCKS + REORG_TXS * REORG_DEPTH + TXS * FILED_BLOCKS,
  1_000_000_000n,
);
for (const b of funding.blocks) await submit(b);
const funds = funding.coins;
let tip = funding.blocks.at(-1)!;
report(`setup: fund ${funds.length} outputs (2 blocks)`, performance.now() - start, 'ms');

start = performance.now();
const blocks: MinedBlock[] = [];
for (let k = 0; k < BLOCKS; k++) {
  const txs = funds.slice(k * TXS, (k + 1) * TXS).map((c) => transfer([c], [btm(c.amount - FEE, recipient.program)]));
  tip = mine(tip, { txs });
  blocks.push(tip);
}
report(`setup: sign ${BLOCKS} x ${TXS} transfers and mine`, performance.now() - start, 'ms');
report('block size', blocks[0]!.bytes.length / 1024, 'KiB', `${TXS} transfers + coinbase`);

// ---- the ceiling: raw Ed25519 on this machine, now ----------------------------------------------
const signaturePairsOf = (block: Block) =>
  block.transactions.slice(1).map((t) => {
    const input = t.inputs[0]!;
    if (input.type !== 'spend') throw new Error('spend expected');
    return {
      publicKey: input.arguments[1]!,
      message: createTxEntries(t).sigHashes[0]!,
      signature: input.arguments[0]!,
    };
  });
const pairs = signaturePairsOf(blocks[0]!.block);
const raw = await measure('raw', () => {
  for (const p of pairs) if (!ed25519Verify(p.publicKey, p.message, p.signature)) throw new Error('bad signature');
});
const rawRate = raw.opsPerSec * TXS;
report('raw Ed25519 verify, one thread', rawRate, 'verify/s');
const rawPool = await measure('raw pool', () => pool.verifyAll(pairs));
const rawPoolRate = rawPool.opsPerSec * TXS;
report(`raw Ed25519 verify, pool of ${workers}`, rawPoolRate, 'verify/s');

// ---- full validation + connect + commit ---------------------------------------------------------
/** One block through `on`: wall ms, and CPU ms of every thread of the process. */
async function submitTimed(on: typeof chain, b: MinedBlock): Promise<{ ms: number; cpu: number }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await on.submit(b.bytes, 'rpc');
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  if (r.disposition !== BlockDisposition.Connected) throw new Error(`not connected: ${r.disposition}`);
  return { ms, cpu: (c.user + c.system) / 1000 };
}

/** Reports blocks' wall times; the median run's tx/s. */
function reportPath(what: string, times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  const best = sorted[0]!;
  const median = sorted[(sorted.length - 1) >> 1]!;
  const rate = (TXS * 1000) / median;
  report(
    `${what}: validate + connect + commit, per 5,000-tx block`,
    median,
    'ms',
    `median of ${times.length}; best ${best.toFixed(0)} ms; runs: ${times.map((t) => t.toFixed(0)).join(', ')} ms`,
  );
  report(
    `${what}: validator block path (median run)`,
    rate,
    'tx/s',
    `best run ${((TXS * 1000) / best).toFixed(0)} tx/s; ${ratio(rate, rawRate)} of raw one-thread verify, ${ratio(rate, rawPoolRate)} of the pool's; Vapor reference 18,400 tx/s`,
  );
  return rate;
}

async function blockPath(what: string, run: readonly MinedBlock[]): Promise<number> {
  const times: number[] = [];
  for (const b of run) times.push((await submitTimed(chain, b)).ms);
  return reportPath(what, times);
}
const coldRate = await blockPath('cold', blocks.slice(0, COLD_BLOCKS));
// What the mempool does when it admits the txs: verify through a cache shared with the validator.
const admission = createCachingSignatureVerifier(pool, signatureCache());
for (const b of blocks.slice(COLD_BLOCKS)) await admission.verifyAll(signaturePairsOf(b.block));
const before = verifier.stats();
const warmRate = await blockPath('warm (signatures verified at admission)', blocks.slice(COLD_BLOCKS));
const after = verifier.stats();
report(
  'warm: signature checks skipped by the validator',
  after.hits - before.hits,
  'of ' + String(WARM_BLOCKS * TXS),
  `${after.verified - before.verified} verified again; warm is ${ratio(warmRate, coldRate)} of cold`,
);
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]!;

// ---- warm, checks filed by the mempool: blocks whose txs' checks the mempool filed (and whose
// signatures it verified), each through a second chain (caught up first) that takes the filed checks,
// then through the first, which checks the txs itself: the same blocks, interleaved ---------------
const txCheckCache = createRedisTxCheckCache({ redis, prefix: 'bench-filed' });
const filedNode = await openDevnetChain({
  dir: `${dir.path}/filed`,
  redis,
  prefix: 'bench-filed',
  verifier,
  filedTxChecks: { cache: txCheckCache },
});
const filedChain = filedNode.chain;
for (const b of [...setupBlocks, ...funding.blocks, ...blocks]) {
  const r = await filedChain.submit(b.bytes, 'rpc');
  if (r.disposition !== BlockDisposition.Connected) throw new Error(`catching up: ${r.disposition}`);
}
const filedFunds = funds.slice(TXS * BLOCKS + REORG_TXS * REORG_DEPTH);
const filedBlocks: MinedBlock[] = [];
for (let k = 0; k < FILED_BLOCKS; k++) {
  const coins = filedFunds.slice(k * TXS, (k + 1) * TXS);
  tip = mine(tip, { txs: coins.map((c) => transfer([c], [btm(c.amount - FEE, recipient.program)])) });
  filedBlocks.push(tip);
}
for (const b of filedBlocks) {
  await admission.verifyAll(signaturePairsOf(b.block));
  await fileMainTxChecks(txCheckCache, b.block.transactions.slice(1), BigInt(b.height - 1));
}
const filed = { times: [] as number[], cpu: [] as number[] };
const checked = { times: [] as number[], cpu: [] as number[] };
for (const b of filedBlocks) {
  for (const [on, samples] of [
    [filedChain, filed],
    [chain, checked],
  ] as const) {
    const { ms, cpu } = await submitTimed(on, b);
    samples.times.push(ms);
    samples.cpu.push(cpu);
  }
}
const found = filedChain.filed?.stats.hits ?? 0;
if (found !== FILED_BLOCKS * TXS) throw new Error(`filed checks found: ${found} of ${FILED_BLOCKS * TXS}`);
const filedRate = reportPath('warm, checks filed by the mempool', filed.times);
const checkedRate = reportPath('warm, same blocks checked by the validator', checked.times);
const runs = (xs: readonly number[]) => `runs: ${xs.map((t) => t.toFixed(0)).join(', ')} ms`;
report('warm, checks filed by the mempool: CPU per block', median(filed.cpu), 'ms', `every thread; ${runs(filed.cpu)}`);
report('warm, same blocks checked by the validator: CPU per block', median(checked.cpu), 'ms', runs(checked.cpu));
report(
  'checks filed by the mempool vs checked by the validator: CPU per block',
  median(filed.cpu) / median(checked.cpu),
  'x',
  `${ratio(filedRate, checkedRate)} the tx/s`,
);
await filedChain.close();
await filedNode.store.durable.close();

// ---- reorganization of depth 10 -----------------------------------------------------------------
const reorgFunds = funds.slice(TXS * BLOCKS);
const branch = (tag: string, to: Uint8Array, count: number): MinedBlock[] => {
  const out: MinedBlock[] = [];
  let parent = tip;
  for (let i = 0; i < count; i++) {
    const coins = reorgFunds.slice((i % REORG_DEPTH) * REORG_TXS, ((i % REORG_DEPTH) + 1) * REORG_TXS);
    const txs = i < REORG_DEPTH ? coins.map((c) => transfer([c], [btm(c.amount - FEE, to)])) : [];
    parent = mine(parent, { txs, tag });
    out.push(parent);
  }
  return out;
};
const mainBranch = branch('m', recipient.program, REORG_DEPTH);
const sideBranch = branch('s', testKey('bench-other').program, REORG_DEPTH + 1);
for (const b of mainBranch) await submit(b);
for (const b of sideBranch.slice(0, REORG_DEPTH)) await submit(b);
const t0 = performance.now();
const r = await chain.submit(sideBranch.at(-1)!.bytes, 'rpc');
const reorgMs = performance.now() - t0;
if (
  r.disposition !== BlockDisposition.Connected ||
  chain.tip.key !== Buffer.from(sideBranch.at(-1)!.id).toString('hex')
) {
  throw new Error('the reorganization did not happen');
}
report(
  `reorganization of depth ${REORG_DEPTH} (${REORG_TXS}-transfer blocks)`,
  reorgMs,
  'ms',
  `revert ${REORG_DEPTH}, connect ${REORG_DEPTH + 1}, incl. validating the last block`,
);

await chain.close();
await pool.close();
await store.durable.close();
redis.disconnect();
await redisServer.stop();
dir.remove();
