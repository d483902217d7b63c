// The pool as a data structure: fee-rate reaping with parents first, eviction of the cheapest with
// descendants (never the newcomer's ancestors), expiry, confirmation keeping children.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { UtxoEntry } from '@bystack/protocol';
import { type PoolTx, TxPool } from '../src/index.ts';

const entry: UtxoEntry = {
  kind: 'normal',
  height: 1n,
  assetId: new Uint8Array(32),
  amount: 1n,
  controlProgram: new Uint8Array(0),
};

/** A pool tx `name` spending `spends` (output names), creating `<name>:0`, paying `feeRate` per gas. */
function ptx(name: string, feeRate: number, spends: string[] = [`chain:${name}`], opts: Partial<PoolTx> = {}): PoolTx {
  const gas = 1000;
  return {
    key: name,
    id: new Uint8Array(32),
    bytes: new Uint8Array(opts.bytes?.length ?? 100),
    fee: BigInt(feeRate * gas),
    gas,
    feeRate,
    timeRange: 0n,
    spends,
    consumes: spends,
    created: new Map([[`${name}:0`, entry]]),
    addedAt: 0,
    ...opts,
  };
}

const keys = (txs: readonly PoolTx[]) => txs.map((t) => t.key);

describe('TxPool', () => {
  test('reaps by fee rate, a child only after its parent, within gas and count', () => {
    const pool = new TxPool({ maxTxs: 100, maxBytes: 1e6 });
    pool.add(ptx('a', 500));
    pool.add(ptx('p', 300));
    pool.add(ptx('c', 3000, ['p:0']));
    pool.add(ptx('g', 5000, ['c:0']));
    pool.add(ptx('b', 400));
    assert.deepEqual(keys(pool.reap(1e9, 100)), ['a', 'b', 'p', 'c', 'g'], 'c and g pay most but wait for p');
    assert.deepEqual(keys(pool.reap(1e9, 2)), ['a', 'b']);
    assert.deepEqual(keys(pool.reap(2500, 100)), ['a', 'b'], 'the gas cap stops at 2 txs of 1000 gas');
    assert.equal(pool.count, 5, 'reaping does not remove');
  });

  test('a tx that does not fit the gas left is skipped, smaller later ones still go', () => {
    const pool = new TxPool({ maxTxs: 100, maxBytes: 1e6 });
    pool.add(ptx('big', 900, undefined, { gas: 5000, fee: 4_500_000n }));
    pool.add(ptx('small', 100));
    assert.deepEqual(keys(pool.reap(3000, 100)), ['small']);
  });

  test('eviction plans the cheapest with descendants, sparing the newcomer ancestors', () => {
    const pool = new TxPool({ maxTxs: 3, maxBytes: 1e6 });
    pool.add(ptx('x', 100));
    pool.add(ptx('y', 9000, ['x:0']));
    pool.add(ptx('z', 500));
    assert.equal(pool.isFull, true);
    const plan = pool.planRoom(100, 600, new Set());
    assert.ok(plan.ok);
    assert.deepEqual(keys(plan.victims).sort(), ['x', 'y']);
    assert.equal(pool.count, 3, 'planning changes nothing');

    const notBetter = pool.planRoom(100, 100, new Set());
    assert.equal(notBetter.ok, false);
    assert.equal(notBetter.ok ? undefined : notBetter.cheapestFeeRate, 100);

    const protectedPlan = pool.planRoom(100, 600, pool.ancestorsOf(new Set(['y'])));
    assert.ok(protectedPlan.ok);
    assert.deepEqual(keys(protectedPlan.victims), ['z'], "x is y's ancestor, so z goes instead");
  });

  test('a byte cap counts too', () => {
    const pool = new TxPool({ maxTxs: 100, maxBytes: 250 });
    pool.add(ptx('a', 100, undefined, { bytes: new Uint8Array(100) }));
    pool.add(ptx('b', 200, undefined, { bytes: new Uint8Array(100) }));
    const plan = pool.planRoom(100, 300, new Set());
    assert.ok(plan.ok);
    assert.deepEqual(keys(plan.victims), ['a']);
    assert.equal(pool.planRoom(300, 1e9, new Set()).ok, false, 'larger than the whole pool');
  });

  test('confirmation keeps children; conflict removal takes descendants; spends and outputs follow', () => {
    const pool = new TxPool({ maxTxs: 100, maxBytes: 1e6 });
    pool.add(ptx('p', 300));
    pool.add(ptx('c', 300, ['p:0']));
    pool.add(ptx('g', 300, ['c:0']));
    assert.equal(pool.spenderOf('p:0')?.key, 'c');
    assert.ok(pool.createdOutput('c:0'));
    pool.removeConfirmed('p');
    assert.deepEqual(keys([...pool.values()]).sort(), ['c', 'g']);
    assert.deepEqual(keys(pool.reap(1e9, 10)), ['c', 'g'], 'c has no pending parent any more');
    assert.equal(pool.createdOutput('p:0'), undefined);
    assert.equal(pool.spenderOf('p:0')?.key, 'c', "c still spends p's (now on-chain) output");
    assert.deepEqual(keys(pool.removeWithDescendants('c')).sort(), ['c', 'g']);
    assert.equal(pool.count, 0);
    assert.equal(pool.bytes, 0);
    assert.equal(pool.spenderOf('p:0'), undefined);
  });

  test('expiry removes txs whose time range ends below the next height, with descendants', () => {
    const pool = new TxPool({ maxTxs: 100, maxBytes: 1e6 });
    pool.add(ptx('t', 300, undefined, { timeRange: 7n }));
    pool.add(ptx('child', 300, ['t:0']));
    pool.add(ptx('forever', 300));
    assert.deepEqual(keys(pool.expire(7n)), []);
    assert.deepEqual(keys(pool.expire(8n)).sort(), ['child', 't']);
    assert.deepEqual(keys([...pool.values()]), ['forever']);
  });

  test('the cheapest fee rate survives removals (stale heap items skipped)', () => {
    const pool = new TxPool({ maxTxs: 100, maxBytes: 1e6 });
    for (let i = 0; i < 200; i++) pool.add(ptx(`t${i}`, 1000 + i));
    for (let i = 0; i < 150; i++) pool.removeWithDescendants(`t${i}`);
    assert.equal(pool.cheapestFeeRate(), 1150);
  });

  test('eviction finds the cheapest through the ordering built when full, dropped with room, built again', () => {
    const pool = new TxPool({ maxTxs: 4, maxBytes: 1e6 });
    for (const [name, rate] of [
      ['a', 100],
      ['b', 200],
      ['c', 300],
      ['d', 400],
    ] as const)
      pool.add(ptx(name, rate));
    const first = pool.planRoom(100, 150, new Set());
    assert.ok(first.ok);
    assert.deepEqual(keys(first.victims), ['a']);
    for (const key of ['a', 'b', 'c']) pool.removeConfirmed(key);
    for (const [name, rate] of [
      ['e', 50],
      ['f', 500],
      ['g', 60],
    ] as const)
      pool.add(ptx(name, rate));
    assert.equal(pool.cheapestFeeRate(), 50, 'txs added while the pool had room are ordered too');
    const second = pool.planRoom(100, 70, new Set());
    assert.ok(second.ok);
    assert.deepEqual(keys(second.victims), ['e']);
    pool.removeWithDescendants('e');
    pool.add(ptx('h', 55));
    assert.equal(pool.cheapestFeeRate(), 55, 'a tx added while full is ordered, a removed one skipped');
    assert.equal(pool.planRoom(100, 55, new Set()).ok, false, 'nothing cheaper than 55 to evict');
  });

  test('a child whose parents all left the pool is reaped like any other', () => {
    const pool = new TxPool({ maxTxs: 100, maxBytes: 1e6 });
    pool.add(ptx('p1', 100));
    pool.add(ptx('p2', 100));
    pool.add(ptx('c', 900, ['p1:0', 'p2:0']));
    pool.add(ptx('x', 500));
    assert.deepEqual(keys(pool.reap(1e9, 10)), ['x', 'p1', 'p2', 'c']);
    pool.removeConfirmed('p1');
    assert.deepEqual(keys(pool.reap(1e9, 10)), ['x', 'p2', 'c'], 'c still waits for p2');
    pool.removeConfirmed('p2');
    assert.deepEqual(keys(pool.reap(1e9, 10)), ['c', 'x']);
    assert.deepEqual(pool.ancestorsOf(new Set(['c'])), new Set(['c']));
  });

  test('a parent filed after its child (a reorg re-admits it) is linked to the pending spender', () => {
    const pool = new TxPool({ maxTxs: 100, maxBytes: 1e6 });
    // c was admitted while p's output was on the chain; a reorg took p's block away and p is back.
    pool.add(ptx('c', 900, ['p:0']));
    pool.add(ptx('g', 950, ['c:0']));
    pool.add(ptx('p', 100));
    pool.add(ptx('x', 500));
    assert.deepEqual(keys(pool.reap(1e9, 10)), ['x', 'p', 'c', 'g'], 'c waits for p');
    assert.deepEqual(keys(pool.reap(1e9, 10, { taken: new Set(['p']), nextHeight: 1n })), ['x', 'c', 'g']);
    assert.deepEqual(pool.ancestorsOf(new Set(['g'])), new Set(['g', 'c', 'p']));
    assert.deepEqual(pool.parentsOf(['p:0']), new Set(['p']));

    const full = new TxPool({ maxTxs: 4, maxBytes: 1e6 });
    full.add(ptx('c', 900, ['p:0']));
    full.add(ptx('p', 100));
    full.add(ptx('y', 200));
    full.add(ptx('z', 300));
    const plan = full.planRoom(100, 250, new Set());
    assert.ok(plan.ok);
    assert.deepEqual(keys(plan.victims).sort(), ['c', 'p'], 'p is evicted with its child');

    assert.deepEqual(keys(pool.removeWithDescendants('p')).sort(), ['c', 'g', 'p'], 'a conflict takes the child');
    assert.deepEqual(keys([...pool.values()]), ['x']);
    assert.equal(pool.spenderOf('p:0'), undefined);

    const confirmed = new TxPool({ maxTxs: 100, maxBytes: 1e6 });
    confirmed.add(ptx('c', 900, ['p:0']));
    confirmed.add(ptx('p', 100));
    confirmed.removeConfirmed('p');
    assert.deepEqual(keys(confirmed.reap(1e9, 10)), ['c'], 'confirmed: its child is free');
    assert.deepEqual(confirmed.ancestorsOf(new Set(['c'])), new Set(['c']));
  });
});
