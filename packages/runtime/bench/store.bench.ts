// The two-tier store under a realistic block: 5,000 transactions = 5,000 spends + 10,000 creates
// (+ undo reads, tx locations, a ~1.2 MB body, journal), on a UTXO set pre-filled with 50,000 outputs.
//   1. durable block commits per second: LMDB (the default) vs node:sqlite (the measured alternative),
//      the same store logic over both engines, both fully synced on commit
//   1b. LMDB's two write paths on the same blocks, interleaved block by block: `locked` (the whole
//      commit in transactionSync on the main thread) vs `batched` (the default: logic on a snapshot,
//      writes queued as async puts for lmdb-js's write thread). Per block: main-thread time until
//      commitBlock() returns control (the synchronous part), the event loop's busy time for the whole
//      commit (eventLoopUtilization: the synchronous part + the promise callbacks), and latency
//      until the commit is durable.
//   2. the Redis apply step (one Lua script per block) on a redis-server started by the harness
//   3. Redis UTXO lookups per second: pipelined getUtxos (HMGET chunks in one round trip) vs one HGET
//      per output awaited in turn
// BENCH_BLOCKS (default 10) blocks per engine; BENCH_MS (default 1500) per lookup measurement.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { measure, ratio, report, startRedis } from '@bystack/testing';
import { Redis } from 'ioredis';
import { createLmdbStore, type LmdbCommitMode } from '../src/store/lmdb.ts';
import { RedisHotTier } from '../src/store/redis-hot.ts';
import { createSqliteStore } from '../src/store/sqlite.ts';
import type { BlockCommit, DurableStore, UtxoRecord } from '../src/store/types.ts';

const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 10);
const MS = Number(process.env.BENCH_MS ?? 1500);
const TXS = 5000;
const SPENDS = 5000;
const CREATES = 10_000;
const PREFILL = 50_000;
const CHAIN = 'main';
const ASSETS = Array.from({ length: 4 }, () => randomBytes(32));
const BODY = randomBytes(1_200_000);

function outputs(height: number, count: number): UtxoRecord[] {
  const ids = randomBytes(32 * count);
  const programs = randomBytes(22 * count);
  return Array.from({ length: count }, (_, i) => ({
    outputId: ids.subarray(i * 32, (i + 1) * 32),
    assetId: ASSETS[i % ASSETS.length]!,
    amount: BigInt(1000 + i),
    controlProgram: programs.subarray(i * 22, (i + 1) * 22),
    height,
    coinbase: false,
  }));
}

/** Genesis with PREFILL outputs, then BLOCKS blocks each spending SPENDS outputs of the block before. */
function makeChain(): BlockCommit[] {
  const blocks: BlockCommit[] = [];
  let parent = new Uint8Array(0);
  for (let h = 0; h <= BLOCKS; h++) {
    const created = outputs(h, h === 0 ? PREFILL : CREATES);
    const previous = blocks[h - 1]?.created ?? [];
    const block: BlockCommit = {
      chain: CHAIN,
      height: h,
      blockId: randomBytes(32),
      parentId: parent,
      header: randomBytes(120),
      work: BigInt(h + 1),
      blockBytes: h === 0 ? randomBytes(100) : BODY,
      txIds: h === 0 ? [randomBytes(32)] : Array.from({ length: TXS }, () => randomBytes(32)),
      spent: previous.slice(0, h === 0 ? 0 : SPENDS).map((r) => r.outputId),
      created,
    };
    blocks.push(block);
    parent = new Uint8Array(block.blockId);
  }
  return blocks;
}

/** Commits genesis untimed, then times each further block's commit; returns blocks per second. */
async function durableCommits(name: string, store: DurableStore, blocks: BlockCommit[]): Promise<number> {
  await store.commitBlock(blocks[0]!);
  let elapsed = 0;
  for (const block of blocks.slice(1)) {
    const start = performance.now();
    await store.commitBlock(block);
    elapsed += performance.now() - start;
  }
  const perSec = ((blocks.length - 1) * 1000) / elapsed;
  report(`${name} durable commit`, perSec, 'blocks/s', `${(elapsed / (blocks.length - 1)).toFixed(1)} ms/block`);
  return perSec;
}

type PathCost = { mode: LmdbCommitMode; store: DurableStore; syncMs: number; busyMs: number; latencyMs: number };

/** One block's commit on one path: the synchronous part, the event loop's busy time, the latency. */
async function timeCommit(path: PathCost, block: BlockCommit): Promise<void> {
  const elu = performance.eventLoopUtilization();
  const start = performance.now();
  const done = path.store.commitBlock(block);
  path.syncMs += performance.now() - start;
  await done;
  path.latencyMs += performance.now() - start;
  path.busyMs += performance.eventLoopUtilization(elu).active;
}

/** The locked and batched LMDB paths on the same blocks, alternating block by block (same machine load). */
async function lmdbPaths(blocks: BlockCommit[]): Promise<void> {
  const paths: PathCost[] = [];
  let conflicts = 0; // a batched commit rerun under the lock: there is no other writer here, so 0
  for (const mode of ['locked', 'batched'] as const) {
    const store = await createLmdbStore({
      path: path.join(dir, `lmdb-${mode}`),
      commitMode: mode,
      hooks: { onConflict: () => conflicts++ },
    });
    await store.commitBlock(blocks[0]!);
    paths.push({ mode, store, syncMs: 0, busyMs: 0, latencyMs: 0 });
  }
  for (const block of blocks.slice(1)) for (const p of paths) await timeCommit(p, block);
  const n = blocks.length - 1;
  for (const p of paths) {
    report(
      `lmdb ${p.mode}: main thread until commitBlock returns`,
      p.syncMs / n,
      'ms/block',
      `event loop busy ${(p.busyMs / n).toFixed(1)} ms/block, latency until durable ${(p.latencyMs / n).toFixed(1)} ms/block`,
    );
    await p.store.close();
  }
  const [locked, batched] = paths as [PathCost, PathCost];
  report(
    'lmdb batched vs locked, main thread (sync part)',
    locked.syncMs / batched.syncMs,
    'x less',
    'locked / batched',
  );
  report('lmdb batched vs locked, event loop busy', locked.busyMs / batched.busyMs, 'x less', 'locked / batched');
  report('lmdb batched vs locked, latency', batched.latencyMs / locked.latencyMs, 'x', 'batched / locked (<1: faster)');
  report('lmdb batched commits rerun after a guard conflict', conflicts, 'commits');
}

const chain = makeChain();
const dir = mkdtempSync(path.join(tmpdir(), 'bystack-store-bench-'));
const server = await startRedis();
const redis = new Redis(server.url, { lazyConnect: true });
try {
  console.log(
    `block = ${TXS} txs: ${SPENDS} spends + ${CREATES} creates, ${BODY.length} byte body; ${PREFILL} prefilled outputs; ${BLOCKS} blocks per engine`,
  );
  await lmdbPaths(chain);
  const lmdb = await createLmdbStore({ path: path.join(dir, 'lmdb') });
  const lmdbRate = await durableCommits('lmdb', lmdb, chain);
  const sqlite = await createSqliteStore({ path: path.join(dir, 'store.sqlite') });
  const sqliteRate = await durableCommits('sqlite', sqlite, chain);
  report(
    'lmdb vs sqlite',
    lmdbRate / sqliteRate,
    'x',
    `lmdb ${ratio(lmdbRate, sqliteRate)} the block commits of node:sqlite`,
  );
  report('lmdb durable commit', lmdbRate * TXS, 'txs/s', 'UTXO changes filed, not validated');
  await sqlite.close();

  await redis.connect();
  const hot = new RedisHotTier({ redis });
  await hot.applyBlock(CHAIN, chain[0]!);
  let applyMs = 0;
  for (const block of chain.slice(1)) {
    const start = performance.now();
    const outcome = await hot.applyBlock(CHAIN, block);
    applyMs += performance.now() - start;
    if (outcome !== 'applied') throw new Error(`redis apply said ${outcome}`);
  }
  const applyRate = ((chain.length - 1) * 1000) / applyMs;
  report(
    'redis apply (lua, per block)',
    applyRate,
    'blocks/s',
    `${(applyMs / (chain.length - 1)).toFixed(1)} ms/block`,
  );

  // Lookups: ids of outputs that exist (the last block's) mixed with spent ones, 1,000 per call.
  const live = chain[chain.length - 1]!.created.map((r) => r.outputId);
  const ids = [...live.slice(0, 800), ...chain[1]!.spent.slice(0, 200)];
  const key = hot.keys(CHAIN).utxo;
  const piped = await measure('pipelined', () => hot.getUtxos(CHAIN, ids), MS);
  const sequential = await measure(
    'one by one',
    async () => {
      for (const id of ids.slice(0, 100)) await redis.hgetBuffer(key, Buffer.from(id));
    },
    MS,
  );
  const pipedRate = piped.opsPerSec * ids.length;
  const sequentialRate = sequential.opsPerSec * 100;
  report('redis lookups, pipelined getUtxos', pipedRate, 'utxos/s', `${ids.length} ids per call`);
  report('redis lookups, one HGET per round trip', sequentialRate, 'utxos/s');
  report('pipelined vs one by one', pipedRate / sequentialRate, 'x', ratio(pipedRate, sequentialRate));

  const durableLookups = await measure('lmdb getUtxos', () => lmdb.getUtxos(CHAIN, ids), MS);
  report('lmdb lookups, getUtxos (same ids)', durableLookups.opsPerSec * ids.length, 'utxos/s');
  await lmdb.close();
} finally {
  redis.disconnect();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
