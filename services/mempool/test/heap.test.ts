// The heap under the pool's reap and eviction orders: built from items at once, rebuilt by retain.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Heap } from '../src/heap.ts';

const smallerFirst = (a: number, b: number) => a < b;

function drain(heap: Heap<number>): number[] {
  const out: number[] = [];
  for (let x = heap.pop(); x !== undefined; x = heap.pop()) out.push(x);
  return out;
}

/** Deterministic pseudo-random values with repeats. */
function values(n: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x % 97;
  });
}

describe('Heap', () => {
  test('built from items, it pops them in order (every size up to 40)', () => {
    for (let n = 0; n <= 40; n++) {
      const items = values(n, n + 1);
      assert.deepEqual(
        drain(new Heap(smallerFirst, items)),
        [...items].sort((a, b) => a - b),
        `${n} items`,
      );
    }
  });

  test('pushes mixed with pops keep the order', () => {
    const heap = new Heap(smallerFirst, [5, 3, 9]);
    heap.push(1);
    assert.equal(heap.pop(), 1);
    heap.push(4);
    assert.equal(heap.peek(), 3);
    assert.deepEqual(drain(heap), [3, 4, 5, 9]);
  });

  test('retain keeps what it accepts, in order', () => {
    const items = values(500, 7);
    const heap = new Heap(smallerFirst);
    for (const x of items) heap.push(x);
    heap.retain((x) => x % 3 !== 0);
    assert.equal(heap.size, items.filter((x) => x % 3 !== 0).length);
    assert.deepEqual(
      drain(heap),
      items.filter((x) => x % 3 !== 0).sort((a, b) => a - b),
    );
  });
});
