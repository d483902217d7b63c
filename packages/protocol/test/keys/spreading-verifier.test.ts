// The spreading verifier: verdicts come back in order whichever lane checked a chunk, every lane
// takes work, a lane that fails hands its chunk back to the first (local) lane, and only the local
// lane's failure fails the call. Packed batches (what replicas receive) unpack to the same sets and
// a malformed one is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createSignatureVerifier,
  createSpreadingSignatureVerifier,
  type Ed25519SignatureSet,
  ed25519PublicKeyFromSeed,
  ed25519Sign,
  packSignatureSets,
  type SignatureVerifier,
  unpackSignatureSets,
} from '@bystack/protocol';

function signedSet(i: number): Ed25519SignatureSet {
  const seed = new Uint8Array(32).fill((i % 250) + 1);
  const message = new TextEncoder().encode(`message ${i}`);
  const signature = ed25519Sign(seed, message);
  if (i % 7 === 3) signature[10]! ^= 1; // every seventh set is invalid
  return { publicKey: ed25519PublicKeyFromSeed(seed), message, signature };
}
const sets = Array.from({ length: 100 }, (_, i) => signedSet(i));
const expected = sets.map((_, i) => i % 7 !== 3);

const slow = (inner: SignatureVerifier, ms: number): SignatureVerifier => ({
  verifyAll: async (s) => {
    await new Promise((r) => setTimeout(r, ms));
    return inner.verifyAll(s);
  },
  close: async () => {},
});
const failing: SignatureVerifier = {
  verifyAll: async () => {
    throw new Error('replica gone');
  },
  close: async () => {},
};

test('verdicts in order across lanes; every lane takes chunks', async () => {
  const spreading = createSpreadingSignatureVerifier(
    [
      { verifier: slow(createSignatureVerifier(), 2), concurrency: 1 },
      { verifier: slow(createSignatureVerifier(), 2), concurrency: 2 },
    ],
    { chunkSize: 10 },
  );
  assert.deepEqual(await spreading.verifyAll(sets), expected);
  const { verified, retried } = spreading.stats();
  assert.equal(verified[0]! + verified[1]!, 100);
  assert.ok(verified[0]! > 0 && verified[1]! > 0, `both lanes worked: ${verified}`);
  assert.equal(retried, 0);
  assert.deepEqual(await spreading.verifyAll([]), []);
});

test('a failing lane hands its chunks back to the local lane; the verdicts are the same', async () => {
  const spreading = createSpreadingSignatureVerifier(
    [
      { verifier: slow(createSignatureVerifier(), 5), concurrency: 1 },
      { verifier: failing, concurrency: 3 },
    ],
    { chunkSize: 10 },
  );
  assert.deepEqual(await spreading.verifyAll(sets), expected);
  assert.equal(spreading.stats().retried, 3);
  assert.deepEqual(spreading.stats().verified, [100, 0]);
});

test('the local lane failing fails the call; bad options are refused', async () => {
  const spreading = createSpreadingSignatureVerifier([{ verifier: failing, concurrency: 1 }]);
  await assert.rejects(spreading.verifyAll(sets), /replica gone/);
  assert.throws(
    () => createSpreadingSignatureVerifier([]),
    (e: { code?: string }) => e.code === 'BAD_OPTIONS',
  );
  assert.throws(
    () => createSpreadingSignatureVerifier([{ verifier: failing, concurrency: 0 }]),
    (e: { code?: string }) => e.code === 'BAD_OPTIONS',
  );
});

test('a packed batch unpacks to the same sets; a malformed one is BAD_BATCH', () => {
  const indexes = [0, 5, 9, 42];
  const buffer = packSignatureSets(sets, indexes);
  const unpacked = unpackSignatureSets(buffer);
  assert.equal(unpacked.length, 4);
  unpacked.forEach((u, j) => {
    const s = sets[indexes[j]!]!;
    assert.deepEqual([...u.publicKey, ...u.signature, ...u.message], [...s.publicKey, ...s.signature, ...s.message]);
  });
  const isBadBatch = (e: unknown) => (e as { code?: string }).code === 'BAD_BATCH';
  assert.throws(() => unpackSignatureSets(buffer.slice(0, buffer.byteLength - 1)), isBadBatch);
  assert.throws(() => unpackSignatureSets(new ArrayBuffer(3)), isBadBatch);
  const lying = buffer.slice(0);
  new Uint32Array(lying, 0, 1)[0] = 1_000_000;
  assert.throws(() => unpackSignatureSets(lying), isBadBatch);
});
