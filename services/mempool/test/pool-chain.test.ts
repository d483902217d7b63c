// A committed block's txs as the pool reads them: a tx whose wire bytes a pending tx has takes the
// pending tx's id and consumed outputs (no entry hashing); any other tx is hashed as before; the
// pool finds a pending tx by its exact wire bytes only.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { blockId, encodeBlock, mainDevnetParams } from '@bystack/protocol';
import { mainPoolChain, type PoolTx, TxPool } from '../src/index.ts';
import { SETTLED, WireTxMatch } from '../src/pool-chain.ts';
import {
  devnetGenesis,
  devnetKey,
  faucetKey,
  hex,
  makeBlock,
  minerKey,
  outputIdOf,
  outputOf,
  parentOf,
  pay,
  txBytes,
  txIdOf,
} from './fixtures.ts';

const bob = devnetKey('bob');
const genesis = devnetGenesis();
const coin = outputOf(genesis.transactions[0]!, 0, faucetKey);
// Two spends of one coin: a block cannot hold both, but decodeBlock does not check that.
const first = pay(coin, bob, 1000n);
const second = pay(coin, bob, 1001n);
const block = makeBlock(parentOf(genesis), [first, second], minerKey);
const rules = mainPoolChain(mainDevnetParams);

describe('decodeBlock with the pending txs', () => {
  test('without them every tx is hashed: ids and consumed outputs', () => {
    const decoded = rules.decodeBlock(encodeBlock(block));
    assert.deepEqual(
      decoded.txs.map((t) => t.key),
      block.transactions.map((t) => hex(txIdOf(t))),
    );
    assert.deepEqual(decoded.txs[1]!.consumes, [hex(outputIdOf(coin))]);
    assert.deepEqual(
      decoded.txs.map((t) => t.coinbase),
      [true, false, false],
    );
  });

  test('a tx a pending tx has is taken from the pool; the lookup sees each tx exactly', () => {
    const asked: string[] = [];
    const decoded = rules.decodeBlock(encodeBlock(block), (bytes) => {
      asked.push(hex(bytes));
      return hex(bytes) === hex(txBytes(first)) ? { key: 'pending-first', consumes: ['pool-says'] } : undefined;
    });
    assert.deepEqual(
      asked,
      block.transactions.map((t) => hex(txBytes(t))),
    );
    assert.deepEqual(
      decoded.txs.map((t) => t.key),
      [hex(txIdOf(block.transactions[0]!)), 'pending-first', hex(txIdOf(second))],
    );
    assert.deepEqual(decoded.txs[1]!.consumes, ['pool-says']);
    assert.deepEqual(
      decoded.txs.map((t) => hex(t.bytes)),
      block.transactions.map((t) => hex(txBytes(t))),
    );
    assert.deepEqual(
      decoded.txs.map((t) => t.coinbase),
      [true, false, false],
    );
  });
});

describe('a reorganization: detached txs as wire bytes, matched among the attached', () => {
  test('wireTxs hashes nothing but finds each tx; a tx found in the detached blocks is left out of both', () => {
    const detachedBlock = makeBlock(parentOf(genesis), [first, second], minerKey, { arbitrary: 'detached' });
    const detached = rules.wireTxs(encodeBlock(detachedBlock));
    assert.equal(hex(detached.tip.blockId), hex(blockId(detachedBlock.header)));
    assert.deepEqual(
      detached.txs.map((t) => [t.coinbase, hex(t.bytes)]),
      detachedBlock.transactions.map((t, i) => [i === 0, hex(txBytes(t))]),
    );
    const both = new WireTxMatch([detached]);
    const attachedBlock = makeBlock(parentOf(genesis), [first], minerKey, { arbitrary: 'attached' });
    const attached = rules.decodeBlock(encodeBlock(attachedBlock), (bytes) => (both.find(bytes) ? SETTLED : undefined));
    assert.deepEqual(
      attached.txs.map((t) => t.key),
      [hex(txIdOf(attachedBlock.transactions[0]!))],
      'the tx both hold is settled; the coinbases differ',
    );
    assert.deepEqual(
      both.unfound([detached]).map((b) => b.txs.map((t) => hex(t.bytes))),
      [[hex(txBytes(detachedBlock.transactions[0]!)), hex(txBytes(second))]],
    );
    assert.equal(both.find(txBytes(pay(coin, bob, 1002n))), false, 'bytes no detached tx has');
  });
});

describe('TxPool.withWireBytes', () => {
  const pending = (key: string, bytes: Uint8Array): PoolTx => ({
    key,
    id: new Uint8Array(32),
    bytes,
    fee: 1000n,
    gas: 1000,
    feeRate: 1,
    timeRange: 0n,
    spends: [`chain:${key}`],
    consumes: [`chain:${key}`],
    created: new Map(),
    addedAt: 0,
  });

  test('finds a pending tx by its exact bytes, no longer once it left, and one filed later', () => {
    const pool = new TxPool({ maxTxs: 10, maxBytes: 1e6 });
    pool.add(pending('a', txBytes(first)));
    pool.add(pending('b', txBytes(second)));
    assert.equal(pool.withWireBytes(txBytes(first))?.key, 'a');
    assert.equal(pool.withWireBytes(txBytes(second))?.key, 'b');
    const altered = new Uint8Array(txBytes(first));
    altered[altered.length - 1]! ^= 1;
    assert.equal(pool.withWireBytes(altered), undefined);
    pool.removeConfirmed('a');
    assert.equal(pool.withWireBytes(txBytes(first)), undefined);
    assert.equal(pool.withWireBytes(txBytes(second))?.key, 'b');
    // a tx filed after a lookup is found too (the index is built on demand, a change drops it)
    pool.add(pending('a again', txBytes(first)));
    assert.equal(pool.withWireBytes(txBytes(first))?.key, 'a again');
  });
});
