// RecentBlockEffects: what a store commit's transactions did, as the committed event carries it: the
// tx ids in block order, the spent outputs and a peg-in's minted main-chain output; kept until the
// event is out, and within a count of blocks and of ids.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BlockCommit, UtxoRecord } from '@bystack/runtime';
import { RecentBlockEffects } from '../src/block-effects.ts';

const id = (n: number) => new Uint8Array(32).fill(n);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const record = (outputId: Uint8Array, extra: Partial<UtxoRecord> = {}): UtxoRecord => ({
  outputId,
  assetId: id(200),
  amount: 1n,
  controlProgram: new Uint8Array([0x51]),
  height: 1,
  coinbase: false,
  ...extra,
});
const commitOf = (block: number, parts: Partial<BlockCommit> = {}): BlockCommit => ({
  chain: 'side-devnet',
  height: block,
  blockId: id(block),
  parentId: id(block - 1),
  header: new Uint8Array(0),
  work: 0n,
  blockBytes: new Uint8Array(0),
  txIds: [],
  spent: [],
  created: [],
  ...parts,
});

test("a commit's tx ids, spent outputs and minted main-chain outputs; forgotten on request", () => {
  const effects = new RecentBlockEffects();
  effects.record(
    commitOf(1, {
      txIds: [id(10), id(11), id(12)],
      spent: [id(20), id(21)],
      created: [record(id(30)), record(id(31), { crossChain: true }), record(id(32), { vote: id(5) })],
    }),
  );
  const got = effects.get(hex(id(1)));
  assert.ok(got);
  assert.deepEqual(got.txIds.map(hex), [id(10), id(11), id(12)].map(hex));
  assert.deepEqual(got.consumedOutputIds.map(hex), [id(20), id(21), id(31)].map(hex));
  assert.deepEqual(got.createdOutputIds.map(hex), [id(30), id(32)].map(hex));
  effects.forget(hex(id(1)));
  assert.equal(effects.get(hex(id(1))), undefined);
  assert.equal(effects.size, 0);
});

test('keeps at most max blocks, the oldest going first', () => {
  const effects = new RecentBlockEffects(2);
  for (const block of [1, 2, 3]) effects.record(commitOf(block, { txIds: [id(100 + block)] }));
  assert.equal(effects.size, 2);
  assert.equal(effects.get(hex(id(1))), undefined);
  assert.deepEqual(effects.get(hex(id(3)))?.txIds.map(hex), [hex(id(103))]);
  // Committed again (a reorganization back): the newest again.
  effects.record(commitOf(2, { txIds: [id(102)] }));
  effects.record(commitOf(4));
  assert.ok(effects.get(hex(id(2))));
  assert.equal(effects.get(hex(id(3))), undefined);
});

test('keeps at most maxIds ids, but always the newest block', () => {
  const effects = new RecentBlockEffects(10, 4);
  effects.record(commitOf(1, { txIds: [id(101)], spent: [id(201)], created: [record(id(251))] }));
  effects.record(commitOf(2, { txIds: [id(102)] }));
  assert.equal(effects.size, 2);
  effects.record(commitOf(3, { txIds: [id(103), id(104)], spent: [id(203), id(204)] }));
  assert.equal(effects.size, 1);
  assert.ok(effects.get(hex(id(3))));
});
