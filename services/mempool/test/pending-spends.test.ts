// GetPendingSpends: which outputs the pool's pending transactions spend (what a wallet leaves out),
// on a real mempool service over gRPC; ids that are not 32 bytes and oversized queries are typed
// errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTxEntries, type Tx } from '@bystack/protocol';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { Redis } from 'ioredis';
import { devnetKey, type FundedChain, fundedChain, outputOf, pay, txBytes, txIdOf } from './fixtures.ts';
import { startTestMempool, type TestMempool } from './helpers.ts';

const bob = devnetKey('bob');
const carol = devnetKey('carol');
const alices = Array.from({ length: 2 }, (_, i) => devnetKey('alice', i));
const BTM = 100_000_000n;

let nats: TestServer;
let redisServer: TestServer;
let redis: Redis;
let funded: FundedChain;
let mp: TestMempool;

before(async () => {
  [nats, redisServer] = await Promise.all([startNats(), startRedis()]);
  redis = new Redis(redisServer.url);
  funded = await fundedChain({ redis, prefix: 'psp' }, alices, 10n * BTM);
  mp = await startTestMempool({ natsUrl: nats.url, redisUrl: redisServer.url, prefix: 'psp', nodeId: 'n0' });
});

after(async () => {
  await mp?.stop();
  await funded?.chain.close();
  redis?.disconnect();
  await Promise.all([nats?.stop(), redisServer?.stop()]);
});

const submit = (tx: Tx) => mp.client.submitTx({ chain: undefined, tx: { bytes: Buffer.from(txBytes(tx)) } });
const spendersOf = async (ids: readonly Uint8Array[]) =>
  (
    await mp.client.getPendingSpends({ chain: undefined, outputIds: ids.map((id) => Buffer.from(id)) })
  ).spenderTxIds.map((id) => Buffer.from(id).toString('hex'));

test('each asked output: the pending tx spending it, or empty', async () => {
  const [coinA, coinB] = funded.outputs;
  const parent = pay(coinA!, bob, 2n * BTM);
  const child = pay(outputOf(parent, 0, bob), carol, BTM); // spends an output of a pending tx
  await submit(parent);
  await submit(child);
  const idOf = (s: typeof coinA) => createTxEntries(pay(s!, carol, BTM)).spentOutputIds[0]!;
  const parentOutput = createTxEntries(parent).outputIds[0]!;
  const childOutput = createTxEntries(child).outputIds[0]!;
  assert.deepEqual(await spendersOf([idOf(coinA), idOf(coinB), parentOutput, childOutput]), [
    Buffer.from(txIdOf(parent)).toString('hex'),
    '',
    Buffer.from(txIdOf(child)).toString('hex'),
    '',
  ]);
  assert.deepEqual(await spendersOf([]), []);
});

test('an id that is not 32 bytes: BAD_OUTPUT_ID; more than 10,000 ids: BATCH_TOO_LARGE', async () => {
  const code = (c: string) => (err: unknown) => (err as { code?: string }).code === c;
  await assert.rejects(spendersOf([new Uint8Array(32), new Uint8Array(31)]), code('BAD_OUTPUT_ID'));
  await assert.rejects(spendersOf(Array.from({ length: 10_001 }, () => new Uint8Array(32))), code('BATCH_TOO_LARGE'));
});
