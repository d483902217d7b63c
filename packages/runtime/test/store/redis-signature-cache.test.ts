// The verified-signature cache on a real redis-server, and the protocol's caching verifier over it:
// a triple verified once is a hit afterwards (in another verifier sharing the Redis, as the
// validator shares the mempool's), invalid triples are never stored, entries expire, prefixes
// keep nodes apart, and a Redis that is gone makes the verifier check everything itself.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  createCachingSignatureVerifier,
  createSignatureVerifier,
  type Ed25519SignatureSet,
  ed25519PublicKeyFromSeed,
  ed25519Sign,
  signatureCacheKey,
} from '@bystack/protocol';
import { startRedis, type TestServer } from '@bystack/testing';
import { Redis } from 'ioredis';
import { createRedisSignatureCache } from '../../src/store/index.ts';

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

function signedSet(i: number): Ed25519SignatureSet {
  const seed = new Uint8Array(32).fill(i + 1);
  const message = new Uint8Array(32).fill(i);
  return { publicKey: ed25519PublicKeyFromSeed(seed), message, signature: ed25519Sign(seed, message) };
}

test('has/add round trip; the period set expires two periods on; prefixes apart; 0 is off', async () => {
  const cache = createRedisSignatureCache({ redis, prefix: 'node-a', ttlSeconds: 120 });
  const other = createRedisSignatureCache({ redis, prefix: 'node-b' });
  const keys = [signedSet(0), signedSet(1), signedSet(2)].map(signatureCacheKey);
  assert.deepEqual(await cache.has(keys), [false, false, false]);
  await cache.add(keys.slice(0, 2));
  assert.deepEqual(await cache.has(keys), [true, true, false]);
  assert.deepEqual(await other.has(keys), [false, false, false]);
  const period = Math.floor(Date.now() / 1000 / 120);
  const ttl = await redis.ttl(`node-a:sigok:${period}`);
  assert.ok(ttl > 200 && ttl <= 240, `ttl ${ttl}`);
  assert.deepEqual(await cache.has([]), []);
  await cache.add([]);
  assert.throws(() => createRedisSignatureCache({ redis, ttlSeconds: -1 }), RangeError);
  const off = createRedisSignatureCache({ redis, prefix: 'node-a', ttlSeconds: 0 });
  await off.add(keys.slice(2));
  assert.deepEqual(await off.has(keys), [false, false, false]);
  assert.deepEqual(await cache.has(keys), [true, true, false]);
});

test('an entry lives one to two periods: found in the next period, gone in the one after', async () => {
  let clock = 1_000_000 * 60_000;
  const cache = createRedisSignatureCache({ redis, prefix: 'expiring', ttlSeconds: 60, now: () => clock });
  const key = signatureCacheKey(signedSet(3));
  await cache.add([key]);
  assert.deepEqual(await cache.has([key]), [true]);
  clock += 60_000;
  assert.deepEqual(await cache.has([key]), [true]);
  clock += 60_000;
  assert.deepEqual(await cache.has([key]), [false]);
});

test('two verifiers sharing the Redis: the second finds what the first verified, never an invalid triple', async () => {
  const prefix = 'shared';
  const good = Array.from({ length: 20 }, (_, i) => signedSet(10 + i));
  const bad = { ...good[0]!, message: new Uint8Array(32).fill(0xee) };
  const admission = createCachingSignatureVerifier(
    createSignatureVerifier(),
    createRedisSignatureCache({ redis, prefix }),
  );
  const validator = createCachingSignatureVerifier(
    createSignatureVerifier(),
    createRedisSignatureCache({ redis, prefix }),
  );
  assert.deepEqual(await admission.verifyAll([...good, bad]), [...good.map(() => true), false]);
  assert.deepEqual(admission.stats(), { hits: 0, verified: 21, cacheFailures: 0 });
  assert.deepEqual(await validator.verifyAll([bad, ...good]), [false, ...good.map(() => true)]);
  assert.deepEqual(validator.stats(), { hits: 20, verified: 1, cacheFailures: 0 });
  assert.deepEqual(await createRedisSignatureCache({ redis, prefix }).has([signatureCacheKey(bad)]), [false]);
});

test('a Redis that is gone: every triple is verified, verdicts unchanged, failures counted', async () => {
  const lost = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  const verifier = createCachingSignatureVerifier(
    createSignatureVerifier(),
    createRedisSignatureCache({ redis: lost, prefix: 'lost' }),
  );
  const sets = [signedSet(40), { ...signedSet(41), signature: new Uint8Array(64) }];
  assert.deepEqual(await verifier.verifyAll(sets), [true, false]);
  assert.deepEqual(verifier.stats(), { hits: 0, verified: 2, cacheFailures: 2 });
  lost.disconnect();
});
