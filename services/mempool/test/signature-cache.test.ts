// The mempool writes the node's verified-signature cache (Redis) but never reads it: a triple it
// verified is there for the validator afterwards, and a triple planted in the cache is still
// verified (a bad signature stays bad).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createCachingSignatureVerifier,
  createSignatureVerifier,
  ed25519PublicKeyFromSeed,
  ed25519Sign,
  signatureCacheKey,
} from '@bystack/protocol';
import { createRedisSignatureCache } from '@bystack/runtime';
import { startRedis, type TestServer } from '@bystack/testing';
import { Redis } from 'ioredis';
import { writeOnlySignatureCache } from '../src/signature-cache.ts';

let redisServer: TestServer;
let redis: Redis;

before(async () => {
  redisServer = await startRedis();
  redis = new Redis(redisServer.url);
});

after(async () => {
  redis.disconnect();
  await redisServer.stop();
});

const seed = new Uint8Array(32).fill(7);
const publicKey = ed25519PublicKeyFromSeed(seed);
const triple = (text: string) => {
  const message = new TextEncoder().encode(text.padEnd(32, '.'));
  return { publicKey, message, signature: ed25519Sign(seed, message) };
};

describe('writeOnlySignatureCache', () => {
  test('adds what the verifier found valid; never answers from the cache', async () => {
    const cache = createRedisSignatureCache({ redis, prefix: 'sigcache' });
    const verifier = createCachingSignatureVerifier(createSignatureVerifier(), writeOnlySignatureCache(cache));
    const good = triple('good');
    const forged = { ...triple('forged'), message: triple('other').message };
    // A forged triple planted in the cache: a reading verifier would take it as verified.
    await cache.add([signatureCacheKey(forged)]);
    assert.deepEqual(await verifier.verifyAll([good, forged]), [true, false]);
    assert.deepEqual(await cache.has([signatureCacheKey(good)]), [true], 'the valid triple is there for the validator');
    assert.deepEqual(verifier.stats(), { hits: 0, verified: 2, cacheFailures: 0 });
    await verifier.close();
  });
});
