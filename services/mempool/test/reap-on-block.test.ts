// ReapTxs with `on_block` on real servers: a block maker that made a block from the pool's
// transactions reaps for the next one before the pool has followed its block. A pool standing on
// that block's parent answers as if it had: without the block's transactions (their children are
// free to go), without what expires at the next height, and names that block as its tip. A pool
// anywhere else answers as without it; a malformed `on_block` is BAD_ON_BLOCK and changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { mempoolV1 } from '@bystack/proto';
import { statusName } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { Redis } from 'ioredis';
import { MempoolErrorCode } from '../src/index.ts';
import { devnetKey, type FundedChain, fundedChain, hex, outputOf, pay, txBytes, txIdOf } from './fixtures.ts';
import { rpcCode, startTestMempool, type TestMempool } from './helpers.ts';

const bob = devnetKey('bob');
const carol = devnetKey('carol');
const alices = Array.from({ length: 4 }, (_, i) => devnetKey('alice', i));
const BTM = 100_000_000n;

let nats: TestServer;
let redisServer: TestServer;
let redis: Redis;
let funded: FundedChain;
let mp: TestMempool;

before(async () => {
  [nats, redisServer] = await Promise.all([startNats(), startRedis()]);
  redis = new Redis(redisServer.url);
  funded = await fundedChain({ redis, prefix: 'reap' }, alices, 10n * BTM);
  mp = await startTestMempool({
    natsUrl: nats.url,
    redisUrl: redisServer.url,
    prefix: 'reap',
    env: { BYSTACK_GOSSIP: 'false' },
  });
});

after(async () => {
  await mp?.stop();
  await funded?.chain.close();
  redis?.disconnect();
  await Promise.all([nats?.stop(), redisServer?.stop()]);
});

const reap = (onBlock?: mempoolV1.UnfollowedBlock) =>
  mp.client.reapTxs({ chain: undefined, maxGas: 0n, maxTxs: 0, ...(onBlock ? { onBlock } : {}) });
const idOf = (fill: number) => Buffer.alloc(32, fill);

describe('ReapTxs on a block the pool has not followed', () => {
  test('leaves out its transactions, frees their children, drops what expires, names it as the tip', async () => {
    const tip = (await reap()).tip!;
    const next = tip.height + 1n; // the pool checks transactions for this height
    const inBlock = pay(funded.outputs[0]!, bob, 2n * BTM);
    const child = pay(outputOf(inBlock, 0, bob), carol, BTM);
    const unrelated = pay(funded.outputs[1]!, bob, BTM);
    const expiring = pay(funded.outputs[2]!, bob, BTM, { timeRange: next });
    for (const tx of [inBlock, child, unrelated, expiring]) {
      await mp.client.submitTx({ chain: undefined, tx: { bytes: Buffer.from(txBytes(tx)) } });
    }
    const all = await reap();
    assert.equal(all.txs.length, 4);

    const block = { blockId: idOf(1), height: next };
    const answer = await reap({ block, parent: tip, txIds: [Buffer.from(txIdOf(inBlock))] });
    assert.deepEqual(
      answer.txs.map((t) => hex(t.bytes)).sort(),
      [child, unrelated].map((tx) => hex(txBytes(tx))).sort(),
      'the block holds inBlock; expiring cannot go in the block after it',
    );
    assert.deepEqual(answer.txIds.map(hex).sort(), [child, unrelated].map((tx) => hex(txIdOf(tx))).sort());
    assert.equal(hex(answer.tip!.blockId), hex(block.blockId));
    assert.equal(answer.tip!.height, next);

    // On any other parent, the answer is the plain one.
    const elsewhere = await reap({
      block: { blockId: idOf(2), height: tip.height + 2n },
      parent: { blockId: idOf(3), height: tip.height + 1n },
      txIds: [Buffer.from(txIdOf(inBlock))],
    });
    assert.deepEqual(elsewhere.txs.map((t) => hex(t.bytes)).sort(), all.txs.map((t) => hex(t.bytes)).sort());
    assert.equal(hex(elsewhere.tip!.blockId), hex(tip.blockId));
    // The pool itself is unchanged.
    assert.equal((await mp.client.getPoolInfo({ chain: undefined })).txCount, 4);
  });

  test('a malformed on_block is BAD_ON_BLOCK (INVALID_ARGUMENT)', async () => {
    const tip = (await reap()).tip!;
    const block = { blockId: idOf(1), height: tip.height + 1n };
    const cases: [string, mempoolV1.UnfollowedBlock][] = [
      ['no block', { block: undefined, parent: tip, txIds: [] }],
      ['a block id of 31 bytes', { block: { ...block, blockId: Buffer.alloc(31) }, parent: tip, txIds: [] }],
      ['no parent', { block, parent: undefined, txIds: [] }],
      ['a parent two heights below', { block: { ...block, height: tip.height + 2n }, parent: tip, txIds: [] }],
      ['a tx id of 5 bytes', { block, parent: tip, txIds: [Buffer.alloc(5)] }],
    ];
    const before = (await reap()).txs.map((t) => hex(t.bytes));
    for (const [what, onBlock] of cases) {
      await assert.rejects(
        reap(onBlock),
        (err: unknown) =>
          rpcCode(MempoolErrorCode.BAD_ON_BLOCK)(err) &&
          statusName((err as { grpcStatus: number }).grpcStatus) === 'INVALID_ARGUMENT',
        what,
      );
    }
    assert.deepEqual(
      (await reap()).txs.map((t) => hex(t.bytes)),
      before,
    );
  });
});
