// Signature verifiers: the worker pool gives exactly the single-thread verdicts, in order; close(),
// back-pressure and dying workers behave.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  createSignatureVerifier,
  createSignatureVerifierPool,
  ED25519_ORDER,
  type Ed25519SignatureSet,
  ed25519PublicKeyFromSeed,
  ed25519Sign,
  isProtocolError,
  type SignatureVerifier,
} from '@bystack/protocol';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { packSignatureSets, verifyPackedSignatureSets } from '../../src/keys/signature-batch.ts';
import { SignatureVerifierPool } from '../../src/keys/verifier-pool.ts';

const isClosed = (e: unknown) => isProtocolError(e) && e.code === 'CLOSED';

// A deterministic mix: valid, corrupted, malleated (S + L, valid), malformed and small-order cases.
function mixedSets(count: number): Ed25519SignatureSet[] {
  const seeds = Array.from({ length: 8 }, (_, i) => new Uint8Array(32).fill(i + 1));
  const keys = seeds.map(ed25519PublicKeyFromSeed);
  const identity = new Uint8Array(32);
  identity[0] = 1;
  return Array.from({ length: count }, (_, i) => {
    const k = i % seeds.length;
    const message = Uint8Array.from({ length: i % 97 }, (_, j) => (i * 7 + j) & 0xff);
    const signature = ed25519Sign(seeds[k]!, message);
    const publicKey = keys[k]!;
    switch (i % 9) {
      case 1:
        signature[i % 64]! ^= 1 << (i % 8);
        return { publicKey, message, signature };
      case 2:
        return { publicKey: keys[(k + 1) % keys.length]!, message, signature };
      case 3: {
        const s = bytesToNumberLE(signature.subarray(32)) + ED25519_ORDER;
        signature.set(numberToBytesLE(s, 32), 32);
        return { publicKey, message, signature };
      }
      case 4:
        return { publicKey, message, signature: signature.subarray(0, 63 - (i % 3)) };
      case 5:
        return { publicKey: publicKey.subarray(1), message, signature };
      case 6:
        return { publicKey: identity, message, signature };
      default:
        return { publicKey, message, signature };
    }
  });
}

const SETS = mixedSets(2000);
let expected: boolean[];
let pool: SignatureVerifier;

before(async () => {
  expected = await createSignatureVerifier().verifyAll(SETS);
  pool = createSignatureVerifierPool({ workers: 2, maxBatchSize: 200 });
});

after(() => pool.close());

test('the mixed set has both verdicts', () => {
  const valid = expected.filter(Boolean).length;
  assert.ok(valid > 600 && valid < 1600, `${valid} valid`);
  assert.equal(expected[3], true); // malleated S + L is valid under the chain rule
  assert.equal(expected[1], false);
});

test('packing round-trips: verdicts of a packed batch equal the single-thread ones', () => {
  const indexes = [0, 1, 2, 3, 6, 7, 8, 9, 10];
  const verdicts = verifyPackedSignatureSets(packSignatureSets(SETS, indexes));
  assert.deepEqual(
    Array.from(verdicts, (v) => v === 1),
    indexes.map((i) => expected[i]),
  );
  assert.deepEqual(verifyPackedSignatureSets(packSignatureSets(SETS, [])), new Uint8Array(0));
});

test('pool verdicts equal the single-thread verifier, set by set', async () => {
  assert.deepEqual(await pool.verifyAll(SETS), expected);
  assert.deepEqual(await pool.verifyAll([]), []);
  assert.deepEqual(await pool.verifyAll(SETS.slice(4, 6)), expected.slice(4, 6));
});

test('back-pressure: many concurrent callers on a tiny queue all get their own verdicts', async () => {
  const tight = createSignatureVerifierPool({ workers: 2, maxBatchSize: 16, maxPendingBatches: 2 });
  try {
    const slices = Array.from({ length: 24 }, (_, i) => [i * 40, i * 40 + 30 + (i % 5) * 10] as const);
    const results = await Promise.all(slices.map(([from, to]) => tight.verifyAll(SETS.slice(from, to))));
    results.forEach((verdicts, i) => {
      const [from, to] = slices[i]!;
      assert.deepEqual(verdicts, expected.slice(from, to));
    });
  } finally {
    await tight.close();
  }
});

test('close(): pending and waiting work is rejected with CLOSED, later calls too', async () => {
  const closing = createSignatureVerifierPool({ workers: 1, maxBatchSize: 50, maxPendingBatches: 1 });
  const settled = Promise.allSettled([closing.verifyAll(SETS.slice(0, 600)), closing.verifyAll(SETS.slice(600, 900))]);
  await closing.close();
  for (const result of await settled) {
    assert.equal(result.status, 'rejected');
    assert.ok(isClosed(result.status === 'rejected' ? result.reason : undefined));
  }
  await assert.rejects(closing.verifyAll(SETS.slice(0, 1)), isClosed);
  await closing.close(); // idempotent
  const single = createSignatureVerifier();
  await single.close();
  await assert.rejects(single.verifyAll([]), isClosed);
});

test('bad pool options are typed errors', () => {
  for (const options of [{ workers: 0 }, { maxBatchSize: 1.5 }, { maxPendingBatches: -1 }]) {
    assert.throws(
      () => createSignatureVerifierPool(options),
      (e) => isProtocolError(e) && e.code === 'BAD_OPTIONS',
    );
  }
});

const isWorkerFailed = (e: unknown) => isProtocolError(e) && e.code === 'WORKER_FAILED';

test('a worker that dies mid-batch fails that batch with WORKER_FAILED and is replaced', async () => {
  const crashing = new SignatureVerifierPool(
    { workers: 1, maxBatchSize: 100 },
    new URL('./crashing-worker.ts', import.meta.url),
  );
  try {
    assert.deepEqual(await crashing.verifyAll(SETS.slice(0, 50)), expected.slice(0, 50)); // first batch: answered
    await assert.rejects(crashing.verifyAll(SETS.slice(0, 50)), isWorkerFailed); // second: the worker exits
    assert.deepEqual(await crashing.verifyAll(SETS.slice(50, 90)), expected.slice(50, 90)); // the replacement
  } finally {
    await crashing.close();
  }
});

test('a worker that cannot start shuts the pool down with WORKER_FAILED', async () => {
  const broken = new SignatureVerifierPool({ workers: 2 }, new URL('./no-such-worker.ts', import.meta.url));
  await assert.rejects(broken.verifyAll(SETS.slice(0, 10)), isWorkerFailed);
  await assert.rejects(broken.verifyAll(SETS.slice(0, 10)), isClosed);
  await broken.close();
});
