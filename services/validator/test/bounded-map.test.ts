// The pipeline's bounded caches: the oldest entries go beyond the entry limit or the weight limit,
// never below the entries to keep, and the total weight follows sets, replacements and deletes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedMap } from '../src/bounded-map.ts';

test('beyond max entries the oldest go; a set moves its key to the newest', () => {
  const m = new BoundedMap<string, number>(3);
  for (const k of ['a', 'b', 'c']) m.set(k, 1);
  m.set('a', 2);
  m.set('d', 1);
  assert.deepEqual([...m.keys()], ['c', 'a', 'd']);
  assert.equal(m.totalWeight, 0, 'no weight without a limit');
});

test('beyond the total weight the oldest go, down to the entries to keep', () => {
  const m = new BoundedMap<string, number>(64, { weigh: (v) => v, max: 10, keep: 2 });
  m.set('a', 4).set('b', 4);
  assert.equal(m.totalWeight, 8);
  m.set('c', 4);
  assert.deepEqual([...m.keys()], ['b', 'c'], 'a went: 12 > 10');
  assert.equal(m.totalWeight, 8);
  m.set('d', 30);
  assert.deepEqual([...m.keys()], ['c', 'd'], 'over the limit, but two entries are kept');
  assert.equal(m.totalWeight, 34);
  m.set('d', 1);
  assert.equal(m.totalWeight, 5, 'a replaced value weighs anew');
  assert.equal(m.delete('c'), true);
  assert.equal(m.delete('c'), false);
  assert.equal(m.totalWeight, 1);
  m.clear();
  assert.equal(m.totalWeight, 0);
});
