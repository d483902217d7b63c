// Faults: the hot tier goes away (SubmitTx answers UNAVAILABLE, the pool is unchanged, admission
// works again once Redis is back, on the same port); chain events never arrive (the revalidation
// sweep adopts the hot tier's tip and drops the txs it no longer backs).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Tx } from '@bystack/protocol';
import { statusName } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { Redis } from 'ioredis';
import { devnetKey, type FundedChain, fundedChain, pay, txBytes, txIdOf } from './fixtures.ts';
import { eventually, startTestMempool, type TestMempool } from './helpers.ts';

const PREFIX = 'flt';
const bob = devnetKey('bob');
const alices = Array.from({ length: 6 }, (_, i) => devnetKey('alice', i));
const BTM = 100_000_000n;

let nats: TestServer;
let redisServer: TestServer;
let redis: Redis;
let funded: FundedChain;
let mp: TestMempool;

before(async () => {
  [nats, redisServer] = await Promise.all([startNats(), startRedis()]);
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: 50 });
  redis.on('error', () => {}); // reconnects by itself while the server is down
  funded = await fundedChain({ redis, prefix: PREFIX }, alices, 10n * BTM);
  // No validator: nobody declares this node's event stream, so no chain event ever arrives.
  mp = await startTestMempool({
    natsUrl: nats.url,
    redisUrl: redisServer.url,
    prefix: PREFIX,
    nodeId: 'lonely',
    env: { BYSTACK_GOSSIP: 'false', BYSTACK_REVALIDATE_INTERVAL: '0' },
  });
});

after(async () => {
  await mp?.stop();
  await funded?.chain.close();
  redis?.disconnect();
  await Promise.all([nats?.stop(), redisServer?.stop()]);
});

const submit = (tx: Tx) => mp.client.submitTx({ chain: undefined, tx: { bytes: Buffer.from(txBytes(tx)) } });
const isPending = async (tx: Tx) =>
  (await mp.client.getPendingTx({ chain: undefined, txId: Buffer.from(txIdOf(tx)) })).pending;

describe('faults', () => {
  test('with the hot tier down SubmitTx is UNAVAILABLE and the pool unchanged; it recovers', async () => {
    await submit(pay(funded.outputs[0]!, bob, BTM));
    const tx = pay(funded.outputs[1]!, bob, BTM);
    await redisServer.process!.kill();
    try {
      await assert.rejects(
        submit(tx),
        (err: unknown) =>
          (err as { code: string }).code === 'UNAVAILABLE' &&
          statusName((err as { grpcStatus: number }).grpcStatus) === 'UNAVAILABLE',
      );
      assert.equal((await mp.client.getPoolInfo({ chain: undefined })).txCount, 1);
    } finally {
      await redisServer.process!.start();
    }
    // Redis came back empty (no persistence): the validator would rebuild the hot tier from the
    // durable tier; the test chain's store does the same.
    await funded.chain.store.rebuild();
    await eventually(
      async () => {
        try {
          await submit(tx);
          return true;
        } catch {
          return false;
        }
      },
      10_000,
      'admission after Redis is back',
    );
    assert.equal(await isPending(tx), true);
  });

  test('without chain events, revalidation adopts the hot tier tip and drops what it no longer backs', async () => {
    const pending = pay(funded.outputs[2]!, bob, BTM);
    const kept = pay(funded.outputs[3]!, bob, BTM);
    await submit(pending);
    await submit(kept);
    // A block spends the pending tx's input another way; no event tells the mempool.
    await funded.chain.mine([pay(funded.outputs[2]!, bob, 2n * BTM)]);
    const { mempool } = mp.modules;
    assert.equal(await mempool.revalidate(), 0, 'first disagreement: events may be on their way');
    assert.equal(await mempool.revalidate(), 1, 'second: adopt the hot tier tip, drop the conflict');
    assert.equal(mempool.state.tip?.height, funded.chain.tip.height);
    assert.equal(await isPending(pending), false);
    assert.equal(await isPending(kept), true);
  });
});
