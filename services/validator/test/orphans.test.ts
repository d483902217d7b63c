// The orphan pool: bounded in count and in total bytes (oldest out first), children taken by parent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Orphan, OrphanPool } from '../src/orphans.ts';

const orphan = (key: string, parentKey: string, size: number): Orphan => ({
  key,
  id: new Uint8Array(32),
  parentKey,
  bytes: new Uint8Array(size),
});

test('beyond the total size the oldest orphans go; the newest stays even when bigger', () => {
  const pool = new OrphanPool(10, 100);
  pool.add(orphan('a', 'p', 40));
  pool.add(orphan('b', 'p', 40));
  assert.equal(pool.totalBytes, 80);
  pool.add(orphan('c', 'q', 40));
  assert.deepEqual([pool.has('a'), pool.has('b'), pool.has('c')], [false, true, true]);
  assert.equal(pool.totalBytes, 80);
  pool.add(orphan('d', 'q', 500));
  assert.deepEqual([pool.size, pool.has('d'), pool.totalBytes], [1, true, 500]);
});

test('beyond the count the oldest go; children come out by parent, once', () => {
  const pool = new OrphanPool(2);
  pool.add(orphan('a', 'p', 1));
  pool.add(orphan('b', 'p', 1));
  pool.add(orphan('b', 'p', 1));
  pool.add(orphan('c', 'p', 1));
  assert.equal(pool.has('a'), false);
  assert.deepEqual(
    pool.takeChildren('p').map((o) => o.key),
    ['b', 'c'],
  );
  assert.deepEqual(pool.takeChildren('p'), []);
  assert.equal(pool.totalBytes, 0);
});
