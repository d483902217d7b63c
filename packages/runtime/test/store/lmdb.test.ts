// LMDB (the default embedded durable tier): the conformance suite on both write paths (batched, the
// default, and locked), plus what the node's process layout needs: a reader process that never sees
// a half-applied block while this process commits, a second writer process (bbft's signer records)
// working beside the validator's commits, writers killed mid-commit, and the batched path's guard
// against another process writing between its snapshot reads and its commit.
import assert from 'node:assert/strict';
import { fork, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { createLmdbStore, isStoreError, type LmdbCommitMode, StoreErrorCode } from '../../src/store/index.ts';
import type { ReaderReport } from './children/store-child.ts';
import { runDurableStoreConformance } from './conformance.ts';
import { ChainBuilder, conflictChain, durableUtxos, hashId, readerChain, utxoLines } from './fixtures.ts';

const root = mkdtempSync(path.join(tmpdir(), 'bystack-lmdb-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

for (const commitMode of ['batched', 'locked'] as const) {
  runDurableStoreConformance(`lmdb (${commitMode})`, async () => {
    const dir = path.join(root, `conf-${n++}`);
    const store = await createLmdbStore({ path: dir, commitMode });
    return {
      store,
      dispose: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
}

const CHILD = new URL('./children/store-child.ts', import.meta.url).pathname;

/** Forks the child in `mode`, resolves with its one IPC report once it is told to stop. */
function startChild<T>(mode: string, dir: string, ...args: string[]) {
  const child = fork(CHILD, [mode, dir, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });
  const report = new Promise<T>((resolve, reject) => {
    child.on('message', (m: { report?: T }) => m.report && resolve(m.report));
    child.once('exit', (code) => code !== 0 && reject(new Error(`child ${mode} exited with ${code}`)));
  });
  const stop = () => {
    child.send('stop');
    return report;
  };
  return { ready, stop };
}

describe('lmdb across processes', () => {
  test('a reader process never sees a half-applied block while this process commits', async () => {
    const dir = path.join(root, 'multi-reader');
    const store = await createLmdbStore({ path: dir });
    const blocks = 40;
    const b = readerChain(blocks);
    await store.commitBlock(b.blocks[0]!);
    const reader = startChild<ReaderReport>('reader', dir, String(blocks));
    await reader.ready;
    for (let h = 1; h < blocks; h++) {
      await store.commitBlock(b.blocks[h]!);
      await new Promise((r) => setTimeout(r, 5)); // let the reader look between commits
    }
    const report = await reader.stop();
    await store.close();
    assert.deepEqual(report.violations, [], 'every snapshot held whole blocks only');
    assert.ok(report.reads > blocks, `the reader kept reading (${report.reads} snapshots)`);
    assert.ok(report.heightsSeen > 2, `the reader saw the chain move (${report.heightsSeen} heights)`);
  });

  test('a writer killed (SIGKILL) in the middle of its commits leaves whole blocks only', async () => {
    const dir = path.join(root, 'killed-writer');
    const blocks = 200;
    const writer = fork(CHILD, ['writer', dir, String(blocks)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      writer.once('exit', (_c, signal) => resolve(signal)),
    );
    await new Promise((resolve) => writer.once('message', resolve));
    await new Promise((r) => setTimeout(r, 150 + Math.random() * 150));
    writer.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');

    const store = await createLmdbStore({ path: dir });
    const tip = await store.getTip('main');
    assert.ok(tip && tip.height < blocks - 1, `killed part-way (tip ${tip?.height})`);
    const b = readerChain(blocks);
    assert.deepEqual(tip.blockId, b.blocks[tip.height]!.blockId);
    assert.deepEqual(utxoLines(await durableUtxos(store, 'main')), utxoLines(b.utxosAt(tip.height)));
    assert.equal((await store.commitBlock(b.blocks[tip.height + 1]!)).applied, true, 'the write lock was released');
    await store.close();
  });

  test('a signer process records durably while the validator commits (two writer processes)', async () => {
    const dir = path.join(root, 'multi-writer');
    const store = await createLmdbStore({ path: dir });
    const signer = startChild<{ recorded: number }>('signer', dir, '200');
    await signer.ready;
    const b = new ChainBuilder('main');
    for (let h = 0; h < 20; h++) await store.commitBlock(b.next({ spend: 50, create: 100 }));
    const { recorded } = await signer.stop();
    assert.equal(recorded, 200);
    assert.deepEqual(await store.getLastSigned('side-1'), { height: 199, blockId: hashId('signed/199') });
    assert.equal((await store.getTip('main'))?.height, 19);
    await store.close();
  });
});

for (const commitMode of ['batched', 'locked'] as const satisfies readonly LmdbCommitMode[]) {
  describe(`lmdb write path (${commitMode}): one commit is one atomic write`, () => {
    const open = () => createLmdbStore({ path: path.join(root, `path-${n++}`), commitMode });

    test("a commit's reads see its own earlier writes (outputs, tip, revision)", async () => {
      const store = await open();
      const b = new ChainBuilder('main');
      await store.commitBlock(b.next({ spend: 0, create: 5 }));
      // Each block spends every output of the block before it, created earlier in the same write.
      const window = [1, 2, 3].map(() => b.next({ spend: 'all', create: 4, spendOwn: true }));
      const results = await store.commitBlocks(window);
      assert.ok(results.every((r) => r.applied));
      assert.deepEqual(await store.getChainState('main'), { tip: { height: 3, blockId: b.tip.blockId }, revision: 4 });
      assert.deepEqual(utxoLines(await durableUtxos(store, 'main')), utxoLines(b.utxosAt(3)));
      const delta = await store.getBlockDelta('main', window[1]!.blockId);
      assert.deepEqual(
        delta?.spent,
        [...window[0]!.created.slice(0, 3), window[1]!.created[3]!],
        'undo records read back',
      );
      await store.close();
    });

    test('one write over two chains commits both (one guard block per chain), and again after', async () => {
      let conflicts = 0;
      const dir = path.join(root, `path-${n++}`);
      const store = await createLmdbStore({ path: dir, commitMode, hooks: { onConflict: () => conflicts++ } });
      const a = new ChainBuilder('main');
      const s = new ChainBuilder('side-1');
      for (let round = 0; round < 3; round++) {
        const results = await store.commitBlocks([a.next({ create: 4 }), s.next({ create: 5 })]);
        assert.ok(results.every((r) => r.applied));
      }
      assert.deepEqual(await store.getTip('main'), { height: 2, blockId: a.tip.blockId });
      assert.deepEqual(await store.getTip('side-1'), { height: 2, blockId: s.tip.blockId });
      assert.deepEqual(utxoLines(await durableUtxos(store, 'main')), utxoLines(a.utxosAt(2)));
      assert.deepEqual(utxoLines(await durableUtxos(store, 'side-1')), utxoLines(s.utxosAt(2)));
      assert.equal(conflicts, 0, "this process's own writes never conflict");
      await store.close();
    });

    test('a commit failing midway (UtxoMissing, UtxoExists) writes nothing', async () => {
      const store = await open();
      const b = new ChainBuilder('main');
      await store.commitBlock(b.next({ spend: 0, create: 5 }));
      const before = await store.getChainState('main');
      const good = b.next({ spend: 2, create: 3 });
      const missing = { ...b.next({ spend: 1, create: 2 }), spent: [good.created[0]!.outputId, hashId('never')] };
      await assert.rejects(store.commitBlocks([good, missing]), (e) => isStoreError(e, StoreErrorCode.UtxoMissing));
      // The second block re-creates an output the first created in the same write.
      const clash = { ...missing, spent: [], created: [{ ...good.created[1]!, height: 2 }] };
      await assert.rejects(store.commitBlocks([good, clash]), (e) => isStoreError(e, StoreErrorCode.UtxoExists));
      assert.deepEqual(await store.getChainState('main'), before);
      assert.deepEqual(utxoLines(await durableUtxos(store, 'main')), utxoLines(b.utxosAt(0)));
      assert.equal(await store.getBlockIndex('main', good.blockId), undefined);
      assert.equal(await store.getTxLocation('main', good.txIds[0]!), undefined);
      assert.deepEqual(
        await store.getUtxosByProgram('main', good.created[0]!.controlProgram),
        [...b.utxosAt(0).values()].filter(
          (r) => Buffer.compare(r.controlProgram, good.created[0]!.controlProgram) === 0,
        ),
      );
      assert.equal((await store.commitBlock(good)).applied, true, 'the store still takes the good block');
      await store.close();
    });
  });
}

describe('lmdb batched commits: crashes and other writers', () => {
  test('a writer killed (SIGKILL) with its block written into an open transaction leaves the block before', async () => {
    const dir = path.join(root, 'crash-mid-commit');
    const crashAt = 5;
    const child = spawnSync(process.execPath, [CHILD, 'crash-mid-commit', dir, String(crashAt)], { stdio: 'inherit' });
    assert.equal(child.signal, 'SIGKILL');
    const store = await createLmdbStore({ path: dir });
    const b = readerChain(crashAt + 1);
    assert.deepEqual(await store.getTip('main'), { height: crashAt - 1, blockId: b.blocks[crashAt - 1]!.blockId });
    assert.deepEqual(utxoLines(await durableUtxos(store, 'main')), utxoLines(b.utxosAt(crashAt - 1)));
    assert.equal(await store.getBlockIndex('main', b.blocks[crashAt]!.blockId), undefined);
    assert.equal((await store.commitBlock(b.blocks[crashAt]!)).applied, true, 'the write lock was released');
    assert.deepEqual(utxoLines(await durableUtxos(store, 'main')), utxoLines(b.utxosAt(crashAt)));
    await store.close();
  });

  /**
   * A store holding conflictChain's blocks 0-1, whose batched write after `seen.armed` is set lets that
   * child mode write to the same env between the write's reads and its commit.
   */
  async function storeWithIntruder(dir: string) {
    const seen = { conflicts: 0, armed: undefined as string | undefined };
    const store = await createLmdbStore({
      path: dir,
      hooks: {
        afterReads: () => {
          const mode = seen.armed;
          seen.armed = undefined;
          if (!mode) return;
          const child = spawnSync(process.execPath, [CHILD, mode, dir], { stdio: 'inherit' });
          assert.equal(child.status, 0, `${mode} child failed`);
        },
        onConflict: () => {
          seen.conflicts++;
        },
      },
    });
    const { main, fork: rival } = conflictChain();
    await store.commitBlock(main.blocks[0]!);
    await store.commitBlock(main.blocks[1]!);
    return { store, seen, main, rival };
  }

  test('another process commits a competing block between the reads and the commit: detected, nothing mixed', async () => {
    const dir = path.join(root, 'guard-fork');
    const { store, seen, main, rival } = await storeWithIntruder(dir);
    seen.armed = 'fork-block';
    await assert.rejects(store.commitBlock(main.blocks[2]!), (e) => isStoreError(e, StoreErrorCode.NotChildOfTip));
    assert.equal(seen.conflicts, 1, 'the guard saw the other write');
    assert.deepEqual(await store.getTip('main'), { height: 2, blockId: rival.blocks[2]!.blockId });
    assert.deepEqual(utxoLines(await durableUtxos(store, 'main')), utxoLines(rival.utxosAt(2)));
    assert.equal(await store.getBlockIndex('main', main.blocks[2]!.blockId), undefined);
    assert.equal((await store.getChainState('main')).revision, 3);
    await store.close();
  });

  test('another process writes elsewhere in the same chain between the reads and the commit: the commit reruns', async () => {
    const dir = path.join(root, 'guard-retry');
    const { store, seen, main } = await storeWithIntruder(dir);
    seen.armed = 'sign-main';
    assert.equal((await store.commitBlock(main.blocks[2]!)).applied, true);
    assert.equal(seen.conflicts, 1, 'the guard saw the other write');
    assert.deepEqual(await store.getLastSigned('main'), { height: 7, blockId: hashId('signed/main/7') });
    assert.deepEqual(await store.getTip('main'), { height: 2, blockId: main.blocks[2]!.blockId });
    assert.deepEqual(utxoLines(await durableUtxos(store, 'main')), utxoLines(main.utxosAt(2)));
    // A write by this process alone is not a conflict.
    await store.recordSigned('main', 8, hashId('signed/main/8'));
    assert.equal(seen.conflicts, 1);
    await store.close();
  });

  test('a write over two chains is skipped whole when the outer chain moved (the inner one never written)', async () => {
    const dir = path.join(root, 'guard-nested');
    const { store, seen, main } = await storeWithIntruder(dir);
    const side = new ChainBuilder('side-1');
    seen.armed = 'sign-main';
    const results = await store.commitBlocks([main.blocks[2]!, side.next({ create: 3 })]);
    assert.ok(results.every((r) => r.applied));
    assert.equal(seen.conflicts, 1, 'the outer guard failed; the inner ifNoExists alone would have passed');
    assert.deepEqual(await store.getLastSigned('main'), { height: 7, blockId: hashId('signed/main/7') });
    assert.deepEqual(await store.getTip('main'), { height: 2, blockId: main.blocks[2]!.blockId });
    assert.deepEqual(await store.getTip('side-1'), { height: 0, blockId: side.tip.blockId });
    assert.deepEqual(utxoLines(await durableUtxos(store, 'side-1')), utxoLines(side.utxosAt(0)));
    await store.close();
  });
});
