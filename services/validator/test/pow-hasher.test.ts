// The Tensority thread gives the same hash as the in-thread caches, fails what it had when the
// thread dies and starts a new one for the next hash, and refuses work once closed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TensorityCaches } from '../src/pow.ts';
import { TensorityHasher } from '../src/pow-hasher.ts';

const seed = new Uint8Array(32).fill(7);
const ids = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];

test('same hashes as TensorityCaches on this thread; concurrent requests each get theirs', async () => {
  const hasher = new TensorityHasher();
  const local = new TensorityCaches();
  try {
    const hashes = await Promise.all(ids.map((id) => hasher.hash(seed, id)));
    for (const [i, h] of hashes.entries()) assert.deepEqual(new Uint8Array(h), local.hash(seed, ids[i]!));
    assert.notDeepEqual(hashes[0], hashes[1]);
  } finally {
    await hasher.close();
  }
});

test('a dead thread fails its pending hash, and the next hash starts a new thread', async () => {
  const hasher = new TensorityHasher(new URL('./support/dying-pow-thread.ts', import.meta.url));
  try {
    await assert.rejects(hasher.hash(seed, ids[0]!), /exited \(code 3\)/);
    await assert.rejects(hasher.hash(seed, ids[1]!), /exited \(code 3\)/);
  } finally {
    await hasher.close();
  }
});

test('closed: pending and new hashes are refused', async () => {
  const hasher = new TensorityHasher();
  const pending = assert.rejects(hasher.hash(seed, ids[0]!), /closed/);
  await hasher.close();
  await pending;
  await assert.rejects(hasher.hash(seed, ids[1]!), /closed/);
});
