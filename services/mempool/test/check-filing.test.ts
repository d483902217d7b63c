// The mempool files the stateless checks of the txs it admits for the node's validator (Redis, under
// the protocol's key of the tx's bytes and the chain's rules): admitted txs have their entries, fee
// and gas filed; a tx refused (a bad signature) has nothing; a write that fails is logged, not an
// admission's failure. Real nats-server and redis-server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTxEntries, filedTxCheckKey, txChecksFingerprint, unpackTxCheckRecord } from '@bystack/protocol';
import { createLogger, createRedisTxCheckCache } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { Redis } from 'ioredis';
import { fileTxChecks } from '../src/check-filing.ts';
import { servedChainOf } from '../src/config.ts';
import {
  devnetKey,
  type FundedChain,
  feeAndGas,
  fundedChain,
  hex,
  pay,
  txBytes,
  txIdOf,
  withBadSignature,
} from './fixtures.ts';
import { startTestMempool, type TestMempool } from './helpers.ts';

const PREFIX = 'filing';
const bob = devnetKey('bob');
const alices = Array.from({ length: 4 }, (_, i) => devnetKey('filing-alice', i));
const BTM = 100_000_000n;
const fingerprint = txChecksFingerprint(servedChainOf('main-devnet').params);

let nats: TestServer;
let redisServer: TestServer;
let redis: Redis;
let funded: FundedChain;
let mp: TestMempool;

before(async () => {
  [nats, redisServer] = await Promise.all([startNats(), startRedis()]);
  redis = new Redis(redisServer.url);
  funded = await fundedChain({ redis, prefix: PREFIX }, alices, 10n * BTM);
  mp = await startTestMempool({
    natsUrl: nats.url,
    redisUrl: redisServer.url,
    prefix: PREFIX,
    env: { BYSTACK_GOSSIP: 'false' },
  });
});

after(async () => {
  await mp?.stop();
  await funded?.chain.close();
  redis?.disconnect();
  await Promise.all([nats?.stop(), redisServer?.stop()]);
});

test("an admitted batch's checks are filed by the tx's bytes; a refused tx's are not", async () => {
  const good = [pay(funded.outputs[0]!, bob, 3n * BTM), pay(funded.outputs[1]!, bob, 2n * BTM)];
  const bad = withBadSignature(pay(funded.outputs[2]!, bob, BTM));
  const res = await mp.client.submitTxBatch({
    chain: { chainId: 'main' },
    txs: [...good, bad].map((t) => ({ bytes: Buffer.from(txBytes(t)) })),
  });
  assert.deepEqual(
    res.results.map((r) => r.error === undefined),
    [true, true, false],
  );
  const cache = createRedisTxCheckCache({ redis, prefix: PREFIX });
  const values = await cache.lookup(
    fingerprint,
    [...good, bad].map((t) => filedTxCheckKey(txBytes(t))),
  );
  assert.equal(values[2], undefined, 'nothing filed for a tx with a bad signature');
  good.forEach((t, i) => {
    const record = unpackTxCheckRecord(values[i]!);
    assert.deepEqual(record.entries, createTxEntries(t));
    const { fee, gasUsed } = feeAndGas(t);
    assert.equal(record.result.fee, fee);
    assert.equal(record.result.gasUsed, gasUsed);
    assert.deepEqual(record.result.signatureSets, [], 'a record stands for verified signatures');
    assert.equal(hex(record.entries.txId), hex(txIdOf(t)));
  });
  const ttl = await redis.ttl(`${PREFIX}:txck:${hex(fingerprint)}:${Math.floor(Date.now() / 1000 / 600)}`);
  assert.ok(ttl > 1100 && ttl <= 1200, `ttl ${ttl}`);
});

test('a failed write is logged and never thrown', async () => {
  const closed = new Redis(redisServer.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  closed.disconnect();
  const warnings: string[] = [];
  const log = createLogger({ service: 'test', level: 'silent' });
  log.warn = (message: string) => {
    warnings.push(message);
  };
  const t = pay(funded.outputs[3]!, bob, BTM);
  const { fee, gasUsed } = feeAndGas(t);
  await fileTxChecks(
    { fingerprint, cache: createRedisTxCheckCache({ redis: closed, prefix: PREFIX }) },
    [{ bytes: txBytes(t), entries: createTxEntries(t), result: { fee, gasUsed, signatureSets: [] } }],
    log,
  );
  assert.equal(warnings.length, 1);
});
