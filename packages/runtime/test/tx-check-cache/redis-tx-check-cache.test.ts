// The filed tx check cache on a real redis-server: records filed in one hash per space and period
// come back by key (misses as undefined) for one to two periods, in their space only; the hash has
// its TTL; forget removes them; 0 turns it off; a failing connection rejects.
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
const space = Uint8Array.of(0xab, 0xcd);
const found = (values: readonly (Uint8Array | undefined)[]) =>
  values.map((v) => (v === undefined ? undefined : Buffer.from(v)));

test('filed records come back by key in their space, misses as undefined; TTL; forget removes them', async () => {
  const cache = createRedisTxCheckCache({ redis, prefix: 'node-a', ttlSeconds: 120 });
  const period = Math.floor(Date.now() / 1000 / 120);
  // A value that is a view into a bigger buffer is stored as the view's bytes only; an empty one too.
  const big = new Uint8Array(300).fill(9);
  await cache.file(space, [
    { key: key(1), value: value(1) },
    { key: key(2), value: big.subarray(100, 150) },
    { key: key(4), value: new Uint8Array(0) },
  ]);
  assert.deepEqual(found(await cache.lookup(space, [key(2), key(3), key(1), key(4)])), [
    Buffer.from(big.subarray(100, 150)),
    undefined,
    Buffer.from(value(1)),
    Buffer.alloc(0),
  ]);
  const ttl = await redis.ttl(`node-a:txck:abcd:${period}`);
  assert.ok(ttl > 200 && ttl <= 240, `ttl ${ttl}`);
  // Another space (other rules), another prefix (another node on the same server): none of them.
  assert.deepEqual(await cache.lookup(Uint8Array.of(0xab), [key(1)]), [undefined]);
  assert.deepEqual(await createRedisTxCheckCache({ redis, prefix: 'node-b' }).lookup(space, [key(1)]), [undefined]);
  await cache.forget(space, [key(1)]);
  assert.deepEqual(
    (await cache.lookup(space, [key(1), key(2)])).map((v) => v !== undefined),
    [false, true],
  );
  await assert.rejects(cache.lookup(space, [new Uint8Array(31)]), RangeError);
});

test('a record is found in its period and the next, not after', async () => {
  let now = 1_000_000_000_000;
  const cache = createRedisTxCheckCache({ redis, prefix: 'periods', ttlSeconds: 60, now: () => now });
  await cache.file(space, [{ key: key(7), value: value(7) }]);
  now += 60_000;
  await cache.file(space, [{ key: key(8), value: value(8) }]);
  assert.deepEqual(
    (await cache.lookup(space, [key(7), key(8), key(9)])).map((v) => v !== undefined),
    [true, true, false],
  );
  now += 60_000;
  assert.deepEqual(
    (await cache.lookup(space, [key(7), key(8)])).map((v) => v !== undefined),
    [false, true],
  );
  await cache.forget(space, [key(8)]);
  assert.deepEqual(await cache.lookup(space, [key(8)]), [undefined]);
});

test('batches over a script chunk (1,000 keys): every record found, in either period, then forgotten', async () => {
  let now = 2_000_000_000_000;
  const cache = createRedisTxCheckCache({ redis, prefix: 'chunks', ttlSeconds: 60, now: () => now });
  const keyN = (n: number) => {
    const k = new Uint8Array(32);
    new DataView(k.buffer).setUint32(0, n);
    return k;
  };
  const older = Array.from({ length: 1500 }, (_, i) => ({ key: keyN(i), value: Uint8Array.of(i & 0xff, 1) }));
  const newer = Array.from({ length: 1200 }, (_, i) => ({ key: keyN(10_000 + i), value: Uint8Array.of(i & 0xff, 2) }));
  await cache.file(space, older);
  now += 60_000;
  await cache.file(space, newer);
  // Interleaved: current-period hits, previous-period hits and misses.
  const asked = Array.from({ length: 2700 }, (_, i) =>
    i % 3 === 2 ? keyN(50_000 + i) : i % 3 === 0 ? older[i / 3]!.key : newer[(i - 1) / 3]!.key,
  );
  const values = await cache.lookup(space, asked);
  values.forEach((v, i) => {
    if (i % 3 === 2) assert.equal(v, undefined);
    else assert.deepEqual(Buffer.from(v!), Buffer.from(i % 3 === 0 ? older[i / 3]!.value : newer[(i - 1) / 3]!.value));
  });
  await cache.forget(space, asked);
  assert.deepEqual(
    (await cache.lookup(space, asked)).filter((v) => v !== undefined),
    [],
  );
});

test('ttlSeconds 0: nothing filed, nothing found; a bad TTL is refused', async () => {
  const off = createRedisTxCheckCache({ redis, prefix: 'off', ttlSeconds: 0 });
  await off.file(space, [{ key: key(5), value: value(5) }]);
  assert.deepEqual(await redis.keys('off:*'), []);
  assert.deepEqual(await off.lookup(space, [key(5)]), [undefined]);
  assert.throws(() => createRedisTxCheckCache({ redis, ttlSeconds: -1 }), RangeError);
});

test('a closed connection: lookups and filings reject (callers treat it as a miss)', async () => {
  const closed = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  closed.disconnect();
  const cache = createRedisTxCheckCache({ redis: closed, prefix: 'closed' });
  await assert.rejects(cache.lookup(space, [key(1)]));
  await assert.rejects(cache.file(space, [{ key: key(1), value: value(1) }]));
});
