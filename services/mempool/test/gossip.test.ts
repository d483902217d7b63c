// Gossip between two mempools (nodes n0 and n1) on one nats-server, both reading one hot tier: a tx
// admitted by one becomes pending on the other, which does not publish it again; an admitted batch
// is one message; a bad tx gossiped by a third party is rejected by the same admission as a client's.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mempoolV1 } from '@bystack/proto';
import type { Tx } from '@bystack/protocol';
import { createNatsBus, type NatsBus, subject } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { Redis } from 'ioredis';
import { devnetKey, type FundedChain, fundedChain, pay, txBytes, txIdOf, withBadSignature } from './fixtures.ts';
import { eventually, startTestMempool, type TestMempool } from './helpers.ts';

const PREFIX = 'gsp';
const bob = devnetKey('bob');
const alices = Array.from({ length: 12 }, (_, i) => devnetKey('alice', i));
const BTM = 100_000_000n;

let nats: TestServer;
let redisServer: TestServer;
let redis: Redis;
let bus: NatsBus;
let funded: FundedChain;
let m0: TestMempool;
let m1: TestMempool;

before(async () => {
  [nats, redisServer] = await Promise.all([startNats(), startRedis()]);
  redis = new Redis(redisServer.url);
  bus = await createNatsBus({ servers: nats.url });
  funded = await fundedChain({ redis, prefix: PREFIX }, alices, 10n * BTM);
  const common = { natsUrl: nats.url, redisUrl: redisServer.url, prefix: PREFIX };
  [m0, m1] = await Promise.all([
    startTestMempool({ ...common, nodeId: 'n0' }),
    startTestMempool({ ...common, nodeId: 'n1' }),
  ]);
});

after(async () => {
  await Promise.all([m0?.stop(), m1?.stop()]);
  await bus?.close();
  await funded?.chain.close();
  redis?.disconnect();
  await Promise.all([nats?.stop(), redisServer?.stop()]);
});

const submit = (m: TestMempool, tx: Tx) =>
  m.client.submitTx({ chain: undefined, tx: { bytes: Buffer.from(txBytes(tx)) } });
const isPending = async (m: TestMempool, tx: Tx) =>
  (await m.client.getPendingTx({ chain: undefined, txId: Buffer.from(txIdOf(tx)) })).pending;
const metric = (m: TestMempool, name: string) => m.handle.metrics.registry.getSingleMetricAsString(name);

describe('gossip', () => {
  test('a tx admitted on one node becomes pending on the other, which does not echo it', async () => {
    const seen: string[] = [];
    const watcher = bus.subscribe(subject('main', 'net', 'tx'), mempoolV1.TxGossip, (msg) => {
      seen.push(msg.originNode);
    });
    await bus.flush();
    const t1 = pay(funded.outputs[0]!, bob, BTM);
    await submit(m0, t1);
    await eventually(() => isPending(m1, t1), 5000, 'gossip to n1');
    // n1 now gossips a tx of its own. Its messages leave in order, so had it relayed t1, n0 would
    // have received that before t2 and counted a rejected duplicate.
    const t2 = pay(funded.outputs[1]!, bob, BTM);
    await submit(m1, t2);
    await eventually(() => isPending(m0, t2), 5000, 'gossip to n0');
    assert.doesNotMatch(await metric(m0, 'bystack_mempool_tx_rejected_total'), /source="gossip"/);
    assert.match(await metric(m0, 'bystack_mempool_tx_admitted_total'), /source="gossip"[^}]*} 1/);
    assert.match(await metric(m1, 'bystack_mempool_tx_admitted_total'), /source="gossip"[^}]*} 1/);
    await eventually(() => seen.length >= 2, 5000, 'both messages seen');
    assert.deepEqual(seen, ['n0', 'n1'], 'one message per admitted tx, from its origin');
    await watcher.drain();
  });

  test('an admitted batch leaves as one message; every tx of it becomes pending on the other node', async () => {
    const messages: mempoolV1.TxGossip[] = [];
    const watcher = bus.subscribe(subject('main', 'net', 'tx'), mempoolV1.TxGossip, (msg) => {
      messages.push(msg);
    });
    await bus.flush();
    const txs = [6, 7, 8, 9].map((i) => pay(funded.outputs[i]!, bob, BTM));
    const res = await m0.client.submitTxBatch({
      chain: undefined,
      txs: txs.map((t) => ({ bytes: Buffer.from(txBytes(t)) })),
    });
    assert.equal(res.results.filter((r) => r.error === undefined).length, 4);
    for (const t of txs) await eventually(() => isPending(m1, t), 5000, 'gossip to n1');
    await eventually(() => messages.length >= 1, 5000, 'the message seen');
    await bus.flush();
    assert.equal(messages.length, 1, 'one message');
    assert.deepEqual(
      messages[0]!.txs.map((r) => Buffer.from(r.bytes).toString('hex')),
      txs.map((t) => Buffer.from(txBytes(t)).toString('hex')),
    );
    assert.equal(messages[0]!.tx, undefined);
    await watcher.drain();
  });

  test('a message with a single tx and a batch: all of them go through admission', async () => {
    const [single, ...batch] = [10, 11].map((i) => pay(funded.outputs[i]!, bob, BTM));
    bus.publish(subject('main', 'net', 'tx'), mempoolV1.TxGossip, {
      tx: { bytes: Buffer.from(txBytes(single!)) },
      txs: batch.map((t) => ({ bytes: Buffer.from(txBytes(t)) })),
      originNode: 'n9',
    });
    for (const t of [single!, ...batch]) {
      await eventually(async () => (await isPending(m0, t)) && isPending(m1, t), 5000, 'admitted on both nodes');
    }
  });

  test('a double spend of a gossiped tx is refused on the other node too', async () => {
    const t = pay(funded.outputs[2]!, bob, BTM);
    await submit(m0, t);
    await eventually(() => isPending(m1, t), 5000, 'gossip to n1');
    await assert.rejects(
      submit(m1, pay(funded.outputs[2]!, bob, 2n * BTM)),
      (err: unknown) => (err as { code: string }).code === 'DOUBLE_SPEND',
    );
  });

  test('a bad tx gossiped by a third party goes through admission and is rejected', async () => {
    const good = pay(funded.outputs[3]!, bob, BTM);
    const bad = withBadSignature(good);
    bus.publish(subject('main', 'net', 'tx'), mempoolV1.TxGossip, {
      tx: { bytes: Buffer.from(txBytes(bad)) },
      txs: [],
      originNode: 'evil',
    });
    await bus.flush();
    await eventually(
      async () =>
        (await metric(m0, 'bystack_mempool_tx_rejected_total'))
          .split('\n')
          .some((line) => line.includes('code="BAD_SIGNATURE"') && line.includes('source="gossip"')),
      5000,
      'the rejection',
    );
    assert.equal(await isPending(m0, bad), false);
    assert.equal(await isPending(m1, bad), false);
  });
});
