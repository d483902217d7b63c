// The caching verifier's rules, over an in-memory cache (the Redis one is tested in the runtime):
// only valid triples are remembered, a hit needs the exact key, message and signature, odd-shaped
// sets never reach the cache, and a failing cache costs speed, never a verdict.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createCachingSignatureVerifier,
  createSignatureVerifier,
  ED25519_ORDER,
  type Ed25519SignatureSet,
  ed25519PublicKeyFromSeed,
  ed25519Sign,
  signatureCacheKey,
  type VerifiedSignatureCache,
} from '@bystack/protocol';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { rawSignature } from './ed25519-fixtures.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function memoryCache(): VerifiedSignatureCache & { readonly keys: Set<string> } {
  const keys = new Set<string>();
  return {
    keys,
    has: async (ks) => ks.map((k) => keys.has(hex(k))),
    add: async (ks) => {
      for (const k of ks) keys.add(hex(k));
    },
  };
}

function signedSet(i: number): Ed25519SignatureSet {
  const seed = new Uint8Array(32).fill(i + 1);
  const message = new Uint8Array(32).fill(i);
  return { publicKey: ed25519PublicKeyFromSeed(seed), message, signature: ed25519Sign(seed, message) };
}

test('valid triples are remembered and skipped next time; invalid ones are checked every time', async () => {
  const cache = memoryCache();
  const verifier = createCachingSignatureVerifier(createSignatureVerifier(), cache);
  const good = [signedSet(1), signedSet(2)];
  const bad = { ...signedSet(3), message: new Uint8Array(32) };
  assert.deepEqual(await verifier.verifyAll([good[0]!, bad, good[1]!]), [true, false, true]);
  assert.equal(cache.keys.size, 2);
  assert.ok(!cache.keys.has(hex(signatureCacheKey(bad))));
  assert.deepEqual(await verifier.verifyAll([bad, good[1]!, good[0]!]), [false, true, true]);
  assert.deepEqual(verifier.stats(), { hits: 2, verified: 4, cacheFailures: 0 });
});

test('a hit needs the same key, message and signature: each change is a different key', () => {
  const set = signedSet(4);
  const s = bytesToNumberLE(set.signature.subarray(32));
  const variants: Ed25519SignatureSet[] = [
    { ...set, message: Uint8Array.of(...set.message, 0) },
    { ...set, publicKey: signedSet(5).publicKey },
    { ...set, signature: rawSignature(set.signature.subarray(0, 32), s + ED25519_ORDER) }, // still valid
  ];
  const keys = new Set([set, ...variants].map((v) => hex(signatureCacheKey(v))));
  assert.equal(keys.size, 4);
});

test('sets with a key or signature of the wrong size never reach the cache', async () => {
  const cache = memoryCache();
  let asked = 0;
  const counting: VerifiedSignatureCache = {
    has: async (ks) => {
      asked += ks.length;
      return cache.has(ks);
    },
    add: cache.add,
  };
  const verifier = createCachingSignatureVerifier(createSignatureVerifier(), counting);
  const set = signedSet(6);
  const odd = [
    { ...set, publicKey: set.publicKey.subarray(0, 31) },
    { ...set, signature: Uint8Array.of(...set.signature, 0) },
  ];
  assert.deepEqual(await verifier.verifyAll([...odd, set]), [false, false, true]);
  assert.equal(asked, 1);
  assert.equal(cache.keys.size, 1);
});

test('a cache that fails on read and write: everything is verified, verdicts are right', async () => {
  const broken: VerifiedSignatureCache = {
    has: async () => {
      throw new Error('down');
    },
    add: async () => {
      throw new Error('down');
    },
  };
  const verifier = createCachingSignatureVerifier(createSignatureVerifier(), broken);
  const bad = { ...signedSet(8), message: new Uint8Array(1) };
  assert.deepEqual(await verifier.verifyAll([signedSet(7), bad]), [true, false]);
  assert.deepEqual(verifier.stats(), { hits: 0, verified: 2, cacheFailures: 2 });
});
