// The filed tx check cache on a real redis-server: records filed in one pipeline come back by key
// from one MGET (misses as undefined), each with its TTL; forget removes them; 0 turns it off.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startRedis, type TestServer } from '@bystack/testing';
import { Redis } from 'ioredis';
import { createRedisTxCheckCache } from '../../src/index.ts';

let server: TestServer;
let redis: Redis;

before(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
});

after(async () => {
  redis?.disconnect();
  await server?.stop();
});

const key = (n: number) => new Uint8Array(32).fill(n);
const value = (n: number) => Uint8Array.from({ length: 100 + n }, (_, i) => (i * n) & 0xff);

test('filed records come back by key, misses as undefined, with their TTL; forget removes them', async () => {
  const cache = createRedisTxCheckCache({ redis, prefix: 'node-a', ttlSeconds: 120 });
  // A value that is a view into a bigger buffer is stored as the view's bytes only.
  const big = new Uint8Array(300).fill(9);
  await cache.file([
    { key: key(1), value: value(1) },
    { key: key(2), value: big.subarray(100, 150) },
  ]);
  const found = await cache.lookup([key(2), key(3), key(1)]);
  assert.deepEqual(
    found.map((v) => (v === undefined ? undefined : Buffer.from(v))),
    [Buffer.from(big.subarray(100, 150)), undefined, Buffer.from(value(1))],
  );
  const ttl = await redis.ttl(`node-a:txck:${Buffer.from(key(1)).toString('hex')}`);
  assert.ok(ttl > 100 && ttl <= 120, `ttl ${ttl}`);
  // Another prefix (another node on the same server) sees none of them.
  assert.deepEqual(await createRedisTxCheckCache({ redis, prefix: 'node-b' }).lookup([key(1)]), [undefined]);
  await cache.forget([key(1)]);
  assert.deepEqual(
    (await cache.lookup([key(1), key(2)])).map((v) => v !== undefined),
    [false, true],
  );
});

test('ttlSeconds 0: nothing filed, nothing found; a bad TTL is refused', async () => {
  const off = createRedisTxCheckCache({ redis, prefix: 'off', ttlSeconds: 0 });
  await off.file([{ key: key(5), value: value(5) }]);
  assert.equal(await redis.exists(`off:txck:${Buffer.from(key(5)).toString('hex')}`), 0);
  assert.deepEqual(await off.lookup([key(5)]), [undefined]);
  assert.throws(() => createRedisTxCheckCache({ redis, ttlSeconds: -1 }), RangeError);
});

test('a closed connection: lookups and filings reject (callers treat it as a miss)', async () => {
  const closed = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  closed.disconnect();
  const cache = createRedisTxCheckCache({ redis: closed, prefix: 'closed' });
  await assert.rejects(cache.lookup([key(1)]));
  await assert.rejects(cache.file([{ key: key(1), value: value(1) }]));
});
