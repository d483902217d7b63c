// Child process for the multi-process LMDB tests (not a test file itself).
//   reader DIR BLOCKS   reads snapshots in a loop until told to stop; reports any half-applied block
//   signer DIR COUNT    records COUNT signer records (a second writer process), then waits for stop
//   writer DIR BLOCKS   commits the reader's chain of BLOCKS blocks as fast as it can (to be SIGKILLed)
//   crash-mid-commit DIR HEIGHT   commits the reader's chain up to HEIGHT-1, then SIGKILLs itself
//                       right after queueing block HEIGHT's writes (their transaction is open, not committed)
//   fork-block DIR      commits block 2 of conflictChain's fork 'b' (the competing block at height 2)
//   sign-main DIR       records one signer record in chain 'main' (an unrelated write to the same scope)
// Talks to its parent over IPC (reader, signer, writer): first message = ready, last = { report }.
// fork-block and sign-main run under spawnSync (no IPC) and exit when done.
import { createLmdbStore, type LmdbStoreOptions } from '../../../src/store/index.ts';
import { conflictChain, hashId, readerChain } from '../fixtures.ts';

export type ReaderReport = { reads: number; heightsSeen: number; violations: string[] };

const [mode, dir, arg] = process.argv.slice(2);
const crashAt = mode === 'crash-mid-commit' ? Number(arg) : -1;
let committing = -1;
const hooks: LmdbStoreOptions['hooks'] = {
  afterQueue: () => {
    if (crashAt >= 0 && committing === crashAt) process.kill(process.pid, 'SIGKILL');
  },
};
const store = await createLmdbStore({ path: dir!, hooks });
let stopping = false;
process.on('message', (m) => {
  if (m === 'stop') stopping = true;
});
const send = (m: unknown) => new Promise<void>((resolve) => process.send!(m, () => resolve()));
const turn = () => new Promise((r) => setImmediate(r));

if (mode === 'reader') {
  const blocks = Number(arg);
  const b = readerChain(blocks);
  const report: ReaderReport = { reads: 0, heightsSeen: 0, violations: [] };
  const heights = new Set<number>();
  await send('ready');
  let h = 1;
  while (!stopping) {
    // One snapshot covering block h-1's outputs and block h's: legal states are
    // (none, none), (all, none), (none, all); anything else is a half-applied block.
    const prev = b.createdAt(h - 1);
    const cur = b.createdAt(h);
    const found = await store.getUtxos('main', [...prev, ...cur]);
    const p = found.slice(0, prev.length).filter(Boolean).length;
    const c = found.slice(prev.length).filter(Boolean).length;
    const whole = (x: number, of: number) => x === 0 || x === of;
    if (!whole(p, prev.length) || !whole(c, cur.length) || (p > 0 && c > 0)) {
      report.violations.push(`height ${h}: ${p}/${prev.length} of block ${h - 1}, ${c}/${cur.length} of block ${h}`);
    }
    if (c > 0) heights.add(h);
    report.reads++;
    h = h + 1 < blocks ? h + 1 : 1;
    await turn();
  }
  report.heightsSeen = heights.size;
  await send({ report });
} else if (mode === 'signer') {
  const count = Number(arg);
  await send('ready');
  for (let i = 0; i < count; i++) {
    await store.recordSigned('side-1', i, hashId(`signed/${i}`));
    await turn();
  }
  while (!stopping) await new Promise((r) => setTimeout(r, 5));
  await send({ report: { recorded: count } });
} else if (mode === 'writer') {
  const b = readerChain(Number(arg));
  await store.commitBlock(b.blocks[0]!);
  await send('ready');
  for (const block of b.blocks.slice(1)) await store.commitBlock(block);
  await send({ report: { done: true } });
} else if (mode === 'crash-mid-commit') {
  const b = readerChain(crashAt + 1);
  for (const block of b.blocks) {
    committing = block.height;
    await store.commitBlock(block);
  }
  throw new Error('still alive after the crash point');
} else if (mode === 'fork-block') {
  await store.commitBlock(conflictChain().fork.blocks[2]!);
} else if (mode === 'sign-main') {
  await store.recordSigned('main', 7, hashId('signed/main/7'));
} else {
  throw new Error(`unknown mode ${mode}`);
}
await store.close();
process.exit(0);
