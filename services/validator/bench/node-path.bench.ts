// One node's whole transaction path, as Vapor's "admit + template + connect" figure measures it:
// signed single-input transfers are admitted by the mempool (stateless checks, signatures on the
// verifier threads, inputs from the Redis hot tier), reaped into a block template by the miner's
// TemplateBuilder (each tx re-checked statelessly at the height, without its signatures), and the
// block is validated, connected and committed by the validator (LMDB + Redis), which finds the
// signatures in the node's signature cache; the mempool then drops the confirmed txs.
// The three services run in this process (no gRPC), on one verifier pool of one thread per core,
// as Vapor's node runs its parts in one process. The nonce search is left out of the figure (it is
// the miner's proof of work, which Vapor's side chain does not do) and reported beside it.
// Cores are shared by all three, as on a one-machine node: the figure is the sum of the phases.
// Run: node services/validator/bench/node-path.bench.ts
import { availableParallelism } from 'node:os';
import { defineMempoolMetrics, Mempool, poolBlockEffects } from '@bystack/mempool';
import { type ChainReader, TemplateBuilder, templateBlock } from '@bystack/miner';
import {
  blockId,
  checkProofOfWork,
  createCachingSignatureVerifier,
  createSignatureVerifierPool,
  decodeBlock,
  encodeBlock,
  encodeTx,
} from '@bystack/protocol';
import { createLogger, createMetrics, createRedisSignatureCache } from '@bystack/runtime';
import { ratio, report, startRedis } from '@bystack/testing';
import { Redis } from 'ioredis';
import { BlockDisposition } from '../src/index.ts';
import { TensorityCaches } from '../src/pow.ts';
import {
  btm,
  FEE,
  fromGenesis,
  fundingBlocks,
  hex,
  mineChain,
  openDevnetChain,
  params,
  tempDir,
  testKey,
  transfer,
} from '../test/devnet.ts';

const TXS = 5000;
const ROUNDS = 3;
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const PREFIX = 'bench';

const redisServer = await startRedis();
const dir = tempDir('node-path');
const redis = new Redis(redisServer.url);
const log = createLogger({ service: 'bench', level: 'silent' });
const pool = createSignatureVerifierPool({ workers: availableParallelism() });
const cached = () => createCachingSignatureVerifier(pool, createRedisSignatureCache({ redis, prefix: PREFIX }));
const { chain, store, hot } = await openDevnetChain({ dir: dir.path, redis, prefix: PREFIX, verifier: cached(), log });
const mempool = new Mempool({
  chain: params.chainId,
  params,
  minFeeRate: 0n,
  limits: { maxTxs: 100_000, maxBytes: 1 << 30 },
  utxos: hot,
  verifier: cached(),
  metrics: defineMempoolMetrics(createMetrics({ service: 'bench', processMetrics: false })),
  log,
});

const reader: ChainReader = {
  getTip: async () => ({ id: chain.tip.id, height: BigInt(chain.tip.height) }),
  getBlockById: async (id) => {
    const node = chain.index.get(hex(id));
    if (!node) throw new Error(`block ${hex(id)} is not indexed`);
    return decodeBlock(await chain.blockBytes(node));
  },
  getBlockByHeight: async (height) => {
    const node = chain.index.mainAt(Number(height));
    if (!node) throw new Error(`no block at ${height}`);
    return { ref: { id: node.id, height }, block: decodeBlock(await chain.blockBytes(node)) };
  },
};
const miner = testKey('bench-miner');
const templates = new TemplateBuilder(
  { params, program: miner.program, maxTxs: TXS },
  { chain: reader, txs: { reapTxs: async (gas, count) => mempool.reap(gas, count).txs.map((t) => t.bytes) }, log },
);

const phases = { admit: 0, template: 0, connect: 0, confirm: 0, nonce: 0 };

async function connect(bytes: Uint8Array): Promise<void> {
  let t0 = performance.now();
  const r = await chain.submit(bytes, 'rpc');
  if (r.disposition !== BlockDisposition.Connected) throw new Error(`block not connected: ${r.disposition}`);
  phases.connect += performance.now() - t0;
  t0 = performance.now();
  const block = mempool.rules.decodeBlock(bytes);
  mempool.applyCommitted(poolBlockEffects(block), block.tip);
  phases.confirm += performance.now() - t0;
}

// ---- setup: coins for every round ----------------------------------------------------------------
let t = performance.now();
const keys = Array.from({ length: 16 }, (_, i) => testKey(`path-${i}`));
const recipient = testKey('path-recipient');
const setup = mineChain(fromGenesis(), 5);
const funding = fundingBlocks(setup.at(-1)!, keys, TXS * ROUNDS, 1_000_000_000n);
for (const b of [...setup, ...funding.blocks]) await connect(b.bytes);
await mempool.init();
for (const k of Object.keys(phases) as (keyof typeof phases)[]) phases[k] = 0;
const signed = funding.coins.map((c) => encodeTx(transfer([c], [btm(c.amount - FEE, recipient.program)])));
report(
  `setup: ${signed.length} signed transfers on ${funding.coins.length} funded outputs`,
  performance.now() - t,
  'ms',
);

// ---- the rounds ----------------------------------------------------------------------------------
const pow = new TensorityCaches();
let hashes = 0;
for (let round = 0; round < ROUNDS; round++) {
  const txs = signed.slice(round * TXS, (round + 1) * TXS);
  t = performance.now();
  for (let i = 0; i < txs.length; i += BATCH) {
    const results = await mempool.submitBatch(txs.slice(i, i + BATCH), 'api');
    const failed = results.find((r) => !r.ok);
    if (failed && !failed.ok) throw new Error(`admission failed: ${failed.error.code} ${failed.error.message}`);
  }
  phases.admit += performance.now() - t;

  t = performance.now();
  const template = await templates.build(await reader.getTip());
  phases.template += performance.now() - t;
  if (template.transactions.length !== TXS + 1) throw new Error(`template has ${template.transactions.length} txs`);

  t = performance.now();
  let nonce = 0n;
  for (; ; nonce++) {
    hashes++;
    if (checkProofOfWork(pow.hash(template.seed, blockId({ ...template.header, nonce })), template.bits)) break;
  }
  phases.nonce += performance.now() - t;

  await connect(encodeBlock(templateBlock(template, nonce)));
  if (mempool.info().txCount !== 0) throw new Error(`${mempool.info().txCount} txs still pending`);
}

const total = TXS * ROUNDS;
const perSecond = (ms: number) => (total * 1000) / ms;
const path = phases.admit + phases.template + phases.connect + phases.confirm;
report(`admit (mempool, batches of ${BATCH})`, perSecond(phases.admit), 'tx/s');
report('template (reap + stateless re-check + roots)', perSecond(phases.template), 'tx/s');
report('connect (validate + connect + commit, signatures cached)', perSecond(phases.connect), 'tx/s');
report("confirm (the mempool drops the block's txs)", perSecond(phases.confirm), 'tx/s');
report(
  'admit + template + connect, one node',
  perSecond(path),
  'tx/s',
  `${ratio(perSecond(path), 4800)} of Vapor's 4,800 tx/s on this machine`,
);
report(
  'nonce search (not in the figure)',
  phases.nonce / ROUNDS,
  'ms/block',
  `${hashes} Tensority hashes in ${ROUNDS} blocks`,
);

await chain.close();
await pool.close();
await store.durable.close();
redis.disconnect();
await redisServer.stop();
dir.remove();
