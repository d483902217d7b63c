// LMDB (the default embedded durable tier): the conformance suite, plus what the node's process
// layout needs: a reader process that never sees a half-applied block while this process commits,
// and a second writer process (bbft's signer records) working beside the validator's commits.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { createLmdbStore } from '../../src/store/index.ts';
import type { ReaderReport } from './children/store-child.ts';
import { runDurableStoreConformance } from './conformance.ts';
import { ChainBuilder, durableUtxos, hashId, readerChain, utxoLines } from './fixtures.ts';

const root = mkdtempSync(path.join(tmpdir(), 'bystack-lmdb-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

runDurableStoreConformance('lmdb', async () => {
  const dir = path.join(root, `conf-${n++}`);
  const store = await createLmdbStore({ path: dir });
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

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
