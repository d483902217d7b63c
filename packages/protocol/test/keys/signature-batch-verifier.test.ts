// The batching verifier: nothing reaches the inner verifier before flush(), then one call carries
// every held set and each caller gets its own verdicts; an inner failure rejects every caller; close()
// rejects what is held.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createBatchingSignatureVerifier,
  createSignatureVerifier,
  type Ed25519SignatureSet,
  ed25519PublicKeyFromSeed,
  ed25519Sign,
  type SignatureVerifier,
} from '@bystack/protocol';

function signedSet(i: number, valid = true): Ed25519SignatureSet {
  const seed = new Uint8Array(32).fill(i + 1);
  const message = new Uint8Array(32).fill(i);
  const signature = ed25519Sign(seed, message);
  if (!valid) signature[3]! ^= 1;
  return { publicKey: ed25519PublicKeyFromSeed(seed), message, signature };
}

function counting(inner: SignatureVerifier) {
  const calls: number[] = [];
  const verifier: SignatureVerifier = {
    verifyAll: (sets) => {
      calls.push(sets.length);
      return inner.verifyAll(sets);
    },
    close: () => inner.close(),
  };
  return { verifier, calls };
}

test('holds every call until flush, then one inner call; each caller gets its own verdicts', async () => {
  const { verifier, calls } = counting(createSignatureVerifier());
  const batch = createBatchingSignatureVerifier(verifier);
  const a = batch.verifyAll([signedSet(1), signedSet(2, false)]);
  const b = batch.verifyAll([]);
  const c = batch.verifyAll([signedSet(3, false), signedSet(4), signedSet(5)]);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(calls, []);
  await batch.flush();
  assert.deepEqual(calls, [5]);
  assert.deepEqual(await a, [true, false]);
  assert.deepEqual(await b, []);
  assert.deepEqual(await c, [false, true, true]);
  await batch.flush();
  assert.deepEqual(calls, [5], 'an empty flush calls nothing');
});

test('an inner failure rejects every held call; close rejects held and later calls', async () => {
  const failing: SignatureVerifier = {
    verifyAll: async () => {
      throw new Error('pool died');
    },
    close: async () => {},
  };
  const batch = createBatchingSignatureVerifier(failing);
  const held = [batch.verifyAll([signedSet(1)]), batch.verifyAll([signedSet(2)])];
  await batch.flush();
  for (const h of held) await assert.rejects(h, /pool died/);

  const closing = createBatchingSignatureVerifier(createSignatureVerifier());
  const pending = assert.rejects(closing.verifyAll([signedSet(1)]), (e: { code?: string }) => e.code === 'CLOSED');
  await closing.close();
  await pending;
  await assert.rejects(closing.verifyAll([signedSet(2)]), (e: { code?: string }) => e.code === 'CLOSED');
});
