// The two tiers together on a real redis-server (harness) and LMDB: rebuild gives a byte-identical
// Redis, commits and reverts are idempotent in both tiers, and a validator killed (SIGKILL) between
// the durable step and the Redis step, or with Redis ahead of a durable commit not yet flushed, is
// repaired at start-up without applying anything twice.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startRedis, type TestServer } from '@bystack/testing';
import { Redis } from 'ioredis';
import {
  createLmdbStore,
  createTieredStore,
  type DurableStore,
  HotOutcome,
  isStoreError,
  RedisHotTier,
  rebuildHotTier,
  StoreErrorCode,
  type TieredStore,
} from '../../src/store/index.ts';
import { ChainBuilder, dumpRedis, hashId, hex, sampleChain, utxoLines } from './fixtures.ts';

const RECENT = 4;
let server: TestServer;
let redis: Redis;
const root = mkdtempSync(path.join(tmpdir(), 'bystack-tiered-test-'));
let n = 0;
const open: DurableStore[] = [];

before(async () => {
  server = await startRedis();
  redis = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 20 });
  await redis.connect();
});

after(async () => {
  for (const s of open) await s.close();
  redis?.disconnect();
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

beforeEach(async () => {
  await redis.flushall();
});

async function freshDurable(dir = path.join(root, `db-${n++}`)): Promise<DurableStore> {
  const durable = await createLmdbStore({ path: dir });
  open.push(durable);
  return durable;
}

function tiered(durable: DurableStore): TieredStore {
  return createTieredStore({ durable, hot: new RedisHotTier({ redis, recentBlocks: RECENT, lookupChunk: 500 }) });
}

/** Redis's dump now, then after FLUSHALL + rebuild from the durable tier: they must be identical. */
async function assertRebuildIdentical(durable: DurableStore): Promise<string[]> {
  const incremental = await dumpRedis(redis);
  await redis.flushall();
  await rebuildHotTier(durable, new RedisHotTier({ redis, recentBlocks: RECENT }));
  assert.deepEqual(await dumpRedis(redis), incremental, 'a rebuilt Redis equals the incrementally updated one');
  return incremental;
}

/** The hot tier holds exactly the model's UTXO set. */
async function assertHotMatches(store: TieredStore, b: ChainBuilder, height = b.height): Promise<void> {
  const model = b.utxosAt(height);
  const ids = [...model.values()].map((r) => r.outputId);
  const found = await store.hot.getUtxos(b.chain, ids);
  assert.deepEqual(utxoLines(new Map(found.map((r, i) => [hex(ids[i]!), r!]))), utxoLines(model));
  assert.equal(await redis.hlen(store.hot.keys(b.chain).utxo), model.size, 'and nothing else');
  assert.deepEqual(
    await store.hot.getTip(b.chain),
    height < 0 ? undefined : { height, blockId: b.blocks[height]!.blockId },
  );
}

function runChild(mode: 'commit' | 'revert', dir: string, blocks: number, crash: string, hotApply = 'alongside') {
  const child = fork(
    new URL('./children/tiered-child.ts', import.meta.url).pathname,
    [mode, dir, server.url, String(blocks)],
    {
      env: { ...process.env, BYSTACK_STORE_TEST_CRASH: crash, BYSTACK_STORE_TEST_HOT_APPLY: hotApply },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
}

describe('two-tier store on redis-server', () => {
  test('a window of blocks in one durable transaction, then Redis block by block: the same state', async () => {
    const durable = await freshDurable();
    const store = tiered(durable);
    const a = new ChainBuilder('main');
    await store.commitBlock(a.next());
    const window = Array.from({ length: 6 }, (_, i) => a.next({ spend: 2, create: 4, spendOwn: i % 2 === 1 }));
    const results = await store.commitBlocks(window);
    assert.deepEqual(
      results.map((r) => [r.applied, r.hot]),
      window.map(() => [true, HotOutcome.Applied]),
    );
    await assertHotMatches(store, a);
    // Redis lost its script cache (SCRIPT FLUSH, a restart): the pipeline loads it and goes on.
    await redis.script('FLUSH');
    const more = [a.next(), a.next()];
    assert.deepEqual(
      (await store.commitBlocks(more)).map((r) => r.hot),
      [HotOutcome.Applied, HotOutcome.Applied],
    );
    await assertHotMatches(store, a);
    await assertRebuildIdentical(durable);
  });

  test('commits and a reorg through both tiers; FLUSHALL + rebuild gives an identical Redis', async () => {
    const durable = await freshDurable();
    const store = tiered(durable);
    const a = new ChainBuilder('main');
    for (let h = 0; h < 8; h++) {
      const r = await store.commitBlock(a.next({ spend: 3, create: 6, spendOwn: h % 3 === 2 }));
      assert.equal(r.hot, HotOutcome.Applied);
    }
    // reorg of depth 3 (past the window of 4 recent ids, so reverts restore old ids into it)
    for (let h = 7; h > 4; h--) assert.equal((await store.revertBlock('main', a.blocks[h]!.blockId)).hot, 'applied');
    const f = a.fork(4, 'fork');
    for (let i = 0; i < 5; i++) await store.commitBlock(f.next({ spend: 2, create: 5 }));
    const side = sampleChain('side-1', 6);
    for (const block of side.blocks) await store.commitBlock(block);

    await assertHotMatches(store, f);
    await assertHotMatches(store, side);
    assert.equal(await redis.hlen(store.hot.keys('main').ids), RECENT);
    const dump = await assertRebuildIdentical(durable);
    assert.ok(dump.length > 40, 'the dump is not trivially empty');
  });

  test('committing a block twice is a no-op in both tiers', async () => {
    const durable = await freshDurable();
    const store = tiered(durable);
    const b = sampleChain('main', 5);
    for (const block of b.blocks) await store.commitBlock(block);
    const before = await dumpRedis(redis);
    const revision = (await durable.getChainState('main')).revision;
    for (const block of [b.tip, b.blocks[3]!]) {
      const again = await store.commitBlock(block);
      assert.equal(again.applied, false);
      assert.equal(again.hot, HotOutcome.Already);
    }
    assert.deepEqual(await dumpRedis(redis), before);
    assert.equal((await durable.getChainState('main')).revision, revision);
  });

  test('a change the hot tier cannot take (an output id over 255 bytes) is a typed error; Redis keeps its state', async () => {
    const durable = await freshDurable();
    const store = tiered(durable);
    const b = sampleChain('main', 3);
    for (const block of b.blocks) await store.commitBlock(block);
    const before = await dumpRedis(redis);
    const next = b.next({ spend: 1, create: 2 });
    const change = { ...next, created: [{ ...next.created[0]!, outputId: new Uint8Array(256).fill(1) }] };
    await assert.rejects(store.hot.applyBlock('main', change), (err: unknown) =>
      isStoreError(err, StoreErrorCode.InvalidArgument),
    );
    assert.deepEqual(await dumpRedis(redis), before);
    assert.equal(await store.hot.applyBlock('main', next), HotOutcome.Applied, 'the block itself applies');
  });

  test('revert goes through both tiers, idempotently', async () => {
    const durable = await freshDurable();
    const store = tiered(durable);
    const b = sampleChain('main', 7);
    for (const block of b.blocks) await store.commitBlock(block);
    const first = await store.revertBlock('main', b.tip.blockId);
    assert.equal(first.reverted, true);
    assert.equal(first.hot, HotOutcome.Applied);
    await assertHotMatches(store, b, 5);
    const again = await store.revertBlock('main', b.tip.blockId);
    assert.equal(again.reverted, false);
    assert.equal(again.hot, HotOutcome.Already);
    await assertRebuildIdentical(durable);
    // down to an empty chain: Redis holds nothing of it
    for (let h = 5; h >= 0; h--) await store.revertBlock('main', b.blocks[h]!.blockId);
    assert.deepEqual(await dumpRedis(redis), []);
  });

  test('pipelined getUtxos answers like the durable tier, across chunks', async () => {
    const durable = await freshDurable();
    const store = tiered(durable);
    const b = new ChainBuilder('main');
    await store.commitBlock(b.next({ create: 1300 }));
    await store.commitBlock(b.next({ spend: 400, create: 10 }));
    const ids = [
      ...b.blocks[0]!.created.map((r) => r.outputId),
      hashId('missing'),
      ...b.blocks[1]!.created.map((r) => r.outputId),
    ];
    const hot = await store.getUtxos('main', ids);
    assert.equal(hot.length, ids.length);
    assert.deepEqual(hot, await durable.getUtxos('main', ids));
    assert.equal(hot.filter(Boolean).length, 1300 - 400 + 10);
    assert.deepEqual(await store.getUtxos('main', []), []);
  });

  test('a validator killed between the durable commit and Redis is repaired at start-up', async () => {
    const dir = path.join(root, `crash-commit-${n++}`);
    const blocks = 10;
    const exit = await runChild('commit', dir, blocks, 'after-durable-commit', 'after-durable');
    assert.equal(exit.signal, 'SIGKILL', 'the child died at the crash point');

    const durable = await freshDurable(dir);
    const store = tiered(durable);
    const b = sampleChain('main', blocks);
    assert.equal((await durable.getTip('main'))?.height, blocks - 1, 'the durable tier has the last block');
    assert.equal((await store.hot.getTip('main'))?.height, blocks - 2, 'Redis does not');

    assert.deepEqual(await store.repair(), [
      {
        chain: 'main',
        action: 'replayed',
        reverted: 0,
        applied: 1,
        tip: { height: blocks - 1, blockId: b.tip.blockId },
      },
    ]);
    await assertHotMatches(store, b);
    assert.deepEqual((await store.repair())[0]?.action, 'none', 'a second repair finds nothing to do');
    const again = await store.commitBlock(b.tip);
    assert.deepEqual([again.applied, again.hot], [false, HotOutcome.Already], 'the block is not applied twice');
    await assertRebuildIdentical(durable);
  });

  test('a validator killed once Redis took a block whose durable commit may not have flushed', async () => {
    const dir = path.join(root, `crash-hot-ahead-${n++}`);
    const blocks = 10;
    const exit = await runChild('commit', dir, blocks, 'after-hot-apply');
    assert.equal(exit.signal, 'SIGKILL', 'the child died at the crash point');

    const durable = await freshDurable(dir);
    const store = tiered(durable);
    const b = sampleChain('main', blocks);
    const durableHeight = (await durable.getTip('main'))?.height;
    assert.ok(durableHeight === blocks - 1 || durableHeight === blocks - 2, `durable tip ${durableHeight}`);
    assert.equal((await store.hot.getTip('main'))?.height, blocks - 1, 'Redis has the last block');

    const [report] = await store.repair();
    // Redis ahead of the durable tier by a block it never filed has no journal entry to walk back by.
    assert.equal(report?.action, durableHeight === blocks - 1 ? 'none' : 'rebuilt');
    await assertHotMatches(store, b, durableHeight);
    await assertRebuildIdentical(durable);
  });

  test('alongside: a block the durable tier refuses after Redis took it leaves Redis at the durable state', async () => {
    const durable = await freshDurable();
    const store = tiered(durable);
    const b = sampleChain('main', 4);
    for (const block of b.blocks) await store.commitBlock(block);
    const next = b.next({ spend: 2, create: 3 });
    const refused = { ...next, spent: [...next.spent, hashId('never created')] };
    await assert.rejects(store.commitBlock(refused), { code: 'STORE_UTXO_MISSING' });
    assert.equal((await durable.getTip('main'))?.height, 3, 'nothing filed');
    await assertHotMatches(store, b, 3);
    assert.equal((await store.commitBlock(next)).hot, HotOutcome.Applied, 'the valid block commits after it');
    await assertHotMatches(store, b);
  });

  test('alongside: a window the durable tier refuses after Redis took it leaves Redis at the durable state', async () => {
    const durable = await freshDurable();
    const store = tiered(durable);
    const b = sampleChain('main', 4);
    for (const block of b.blocks) await store.commitBlock(block);
    const good = b.next({ spend: 2, create: 3 });
    const next = b.next({ spend: 2, create: 3 });
    const refused = { ...next, spent: [...next.spent, hashId('never created either')] };
    await assert.rejects(store.commitBlocks([good, refused]), { code: 'STORE_UTXO_MISSING' });
    assert.equal((await durable.getTip('main'))?.height, 3, 'nothing of the window filed');
    await assertHotMatches(store, b, 3);
  });

  test('after-durable and alongside commits (one block, then a window) leave both tiers the same', async () => {
    const dumps: string[][] = [];
    for (const hotApply of ['after-durable', 'alongside'] as const) {
      await redis.flushall();
      const durable = await freshDurable();
      const store = createTieredStore({ durable, hot: new RedisHotTier({ redis, recentBlocks: RECENT }), hotApply });
      const b = sampleChain('main', 12);
      for (const block of b.blocks.slice(0, 6)) assert.equal((await store.commitBlock(block)).hot, HotOutcome.Applied);
      const window = await store.commitBlocks(b.blocks.slice(6));
      assert.deepEqual(new Set(window.map((r) => r.hot)), new Set([HotOutcome.Applied]));
      await assertHotMatches(store, b);
      dumps.push(await dumpRedis(redis));
    }
    assert.deepEqual(dumps[1], dumps[0]);
  });

  test('options it cannot use are STORE_INVALID_CONFIG errors', async () => {
    const durable = await freshDurable();
    const hot = new RedisHotTier({ redis });
    const bad = [
      { durable, hot, hotApply: 'before-durable' as never },
      { durable, hot, maxReplay: -1 },
      { durable, hot: undefined as never },
    ];
    for (const opts of bad) assert.throws(() => createTieredStore(opts), { code: 'STORE_INVALID_CONFIG' });
  });

  test('a validator killed between the durable revert and Redis is repaired at start-up', async () => {
    const dir = path.join(root, `crash-revert-${n++}`);
    const blocks = 9;
    const exit = await runChild('revert', dir, blocks, 'after-durable-revert');
    assert.equal(exit.signal, 'SIGKILL');

    const durable = await freshDurable(dir);
    const store = tiered(durable);
    const b = sampleChain('main', blocks);
    assert.equal((await durable.getTip('main'))?.height, blocks - 2);
    assert.equal((await store.hot.getTip('main'))?.height, blocks - 1, 'Redis still has the reverted block');

    const [report] = await store.repair();
    assert.deepEqual([report?.action, report?.reverted, report?.applied], ['replayed', 1, 0]);
    await assertHotMatches(store, b, blocks - 2);
    const again = await store.revertBlock('main', b.tip.blockId);
    assert.deepEqual([again.reverted, again.hot], [false, HotOutcome.Already], 'the revert is not applied twice');
    await assertRebuildIdentical(durable);
  });

  test('the crash children complete normally without the crash switch', async () => {
    const dir = path.join(root, `no-crash-${n++}`);
    const exit = await runChild('commit', dir, 4, '');
    assert.deepEqual(exit, { code: 0, signal: null });
    const durable = await freshDurable(dir);
    assert.equal((await tiered(durable).repair())[0]?.action, 'none');
  });

  test('repair walks Redis back off an abandoned branch and replays the new one', async () => {
    const durable = await freshDurable();
    const store = tiered(durable);
    const a = sampleChain('main', 8);
    for (const block of a.blocks) await store.commitBlock(block);
    // the durable tier reorganizes while Redis is not told (as if the hot steps were lost)
    for (let h = 7; h > 5; h--) await durable.revertBlock('main', a.blocks[h]!.blockId);
    const f = a.fork(5, 'fork');
    for (let i = 0; i < 3; i++) await durable.commitBlock(f.next({ spend: 2, create: 4 }));

    const [report] = await store.repair(['main']);
    assert.deepEqual([report?.action, report?.reverted, report?.applied], ['replayed', 2, 3]);
    await assertHotMatches(store, f);
    await assertRebuildIdentical(durable);
  });

  test('a commit finding Redis behind repairs it on the spot', async () => {
    const durable = await freshDurable();
    const store = tiered(durable);
    const b = sampleChain('main', 3);
    for (const block of b.blocks) await store.commitBlock(block);
    for (let i = 0; i < 3; i++) await durable.commitBlock(b.next()); // Redis misses these
    const r = await store.commitBlock(b.next());
    assert.equal(r.hot, 'repaired');
    await assertHotMatches(store, b);
  });

  test('a wiped or restarted Redis is rebuilt by repair', async () => {
    const durable = await freshDurable();
    const store = tiered(durable);
    const b = sampleChain('main', 6);
    for (const block of b.blocks) await store.commitBlock(block);
    const before = await dumpRedis(redis);
    await redis.flushall();
    assert.equal((await store.repair())[0]?.action, 'rebuilt');
    assert.deepEqual(await dumpRedis(redis), before);

    // a real restart of redis-server (no persistence configured: it comes back empty)
    assert.ok(server.process, 'the harness owns the redis-server process');
    await server.process.restart();
    await redis.ping(); // ioredis reconnects
    assert.equal(await redis.dbsize(), 0);
    assert.equal((await store.repair())[0]?.action, 'rebuilt');
    assert.deepEqual(await dumpRedis(redis), before);
  });

  test('a rebuild while the durable tier keeps committing converges to the durable state', async () => {
    const durable = await freshDurable();
    const store = tiered(durable);
    const b = new ChainBuilder('main');
    await store.commitBlock(b.next({ create: 6000 }));
    const rebuilding = store.hot.rebuild(durable, 'main');
    for (let i = 0; i < 6; i++) {
      await durable.commitBlock(b.next({ spend: 700, create: 300 }));
      await new Promise((r) => setImmediate(r));
    }
    const tip = await rebuilding;
    assert.ok(tip && tip.height >= 0);
    await store.repair(['main']); // commits after the rebuild finished, if any
    await assertHotMatches(store, b);
    await assertRebuildIdentical(durable);
  });
});
