// Double-sign evidence (Vapor `protocol/bbft.go` checkDoubleSign / ErrDoubleSignBlock: one producer's
// signatures of two different blocks at one height).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  blockSignBytes,
  ConsensusError,
  ConsensusErrorCode,
  DOUBLE_SIGN_EVIDENCE_LENGTH,
  decodeDoubleSignEvidence,
  detectDoubleSign,
  encodeDoubleSignEvidence,
  type ProducerBlockSignature,
  verifyDoubleSignEvidence,
} from '../../src/consensus/index.ts';
import { idOf } from './fixtures.ts';
import { nobleVerify, type TestProducer, testProducer } from './keys.ts';

const alice = testProducer(1);
const bob = testProducer(2);

function signed(p: TestProducer, height: bigint, blockId: Uint8Array): ProducerBlockSignature {
  return { producerKey: p.xpub, height, blockId, signature: p.sign(blockSignBytes(blockId)) };
}

function malformed(fn: () => unknown) {
  assert.throws(fn, (e: unknown) => e instanceof ConsensusError && e.code === ConsensusErrorCode.MalformedEncoding);
}

test('two blocks signed at one height make evidence that verifies, whatever the pair order', () => {
  const a = signed(alice, 42n, idOf(0x0900));
  const b = signed(alice, 42n, idOf(0x0100));
  const e = detectDoubleSign(a, b)!;
  assert.ok(e);
  assert.deepEqual(e.first.blockId, idOf(0x0100), 'lower block id first');
  assert.deepEqual(encodeDoubleSignEvidence(detectDoubleSign(b, a)!), encodeDoubleSignEvidence(e));
  assert.equal(verifyDoubleSignEvidence(e, nobleVerify), true);
  const heights = new Map([
    [Buffer.from(idOf(0x0900)).toString('hex'), 42n],
    [Buffer.from(idOf(0x0100)).toString('hex'), 42n],
  ]);
  const heightOf = (id: Uint8Array) => heights.get(Buffer.from(id).toString('hex'));
  assert.equal(verifyDoubleSignEvidence(e, nobleVerify, heightOf), true);
  // A store that knows one of the blocks at another height refutes the claim.
  heights.set(Buffer.from(idOf(0x0900)).toString('hex'), 43n);
  assert.equal(verifyDoubleSignEvidence(e, nobleVerify, heightOf), false);
  assert.equal(
    verifyDoubleSignEvidence(e, nobleVerify, () => undefined),
    false,
  );
});

test('not a double sign: same block, different heights, different producers', () => {
  const a = signed(alice, 42n, idOf(1));
  assert.equal(detectDoubleSign(a, signed(alice, 42n, idOf(1))), undefined);
  assert.equal(detectDoubleSign(a, signed(alice, 43n, idOf(2))), undefined);
  assert.equal(detectDoubleSign(a, signed(bob, 42n, idOf(2))), undefined);
  assert.throws(
    () => detectDoubleSign(a, { ...a, signature: new Uint8Array(3) }),
    (e: unknown) => e instanceof ConsensusError && e.code === ConsensusErrorCode.InvalidSignature,
  );
});

test('forged evidence does not verify', () => {
  const e = detectDoubleSign(signed(alice, 7n, idOf(1)), signed(alice, 7n, idOf(2)))!;
  // Bob's signature under Alice's name.
  const forged = { ...e, second: { ...e.second, signature: bob.sign(blockSignBytes(e.second.blockId)) } };
  assert.equal(verifyDoubleSignEvidence(forged, nobleVerify), false);
  // Alice's key swapped for Bob's.
  assert.equal(verifyDoubleSignEvidence({ ...e, producerKey: bob.xpub }, nobleVerify), false);
  // A signature moved to the other block.
  assert.equal(
    verifyDoubleSignEvidence({ ...e, second: { ...e.second, signature: e.first.signature } }, nobleVerify),
    false,
  );
  // Same block twice, or out of canonical order.
  assert.equal(verifyDoubleSignEvidence({ ...e, second: e.first }, nobleVerify), false);
  assert.equal(verifyDoubleSignEvidence({ ...e, first: e.second, second: e.first }, nobleVerify), false);
  // A flipped byte at each field's edges is either rejected or fails verification.
  const bytes = encodeDoubleSignEvidence(e);
  for (const i of [0, 1, 32, 33, 64, 65, 72, 73, 104, 105, 168, 169, 200, 201, 264]) {
    const copy = Uint8Array.from(bytes);
    copy[i] = copy[i]! ^ 0x01;
    let decoded: ReturnType<typeof decodeDoubleSignEvidence>;
    try {
      decoded = decodeDoubleSignEvidence(copy);
    } catch (err) {
      assert.ok(err instanceof ConsensusError, `byte ${i}`);
      continue;
    }
    // Signatures cover neither the xpub's chain code (bytes 33..64) nor the height (65..72): the
    // caller binds those by checking the full xpub against the round's producers and the heights.
    const unsigned = i >= 33 && i < 73;
    assert.equal(verifyDoubleSignEvidence(decoded, nobleVerify), unsigned, `byte ${i}`);
  }
});

test('evidence codec: fixed layout and typed decode errors', () => {
  const e = detectDoubleSign(signed(alice, 258n, idOf(5)), signed(alice, 258n, idOf(6)))!;
  const bytes = encodeDoubleSignEvidence(e);
  assert.equal(bytes.length, DOUBLE_SIGN_EVIDENCE_LENGTH);
  assert.equal(bytes[0], 1);
  assert.deepEqual(bytes.subarray(1, 65), alice.xpub);
  assert.deepEqual([...bytes.subarray(65, 73)], [2, 1, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(decodeDoubleSignEvidence(bytes), e);
  malformed(() => decodeDoubleSignEvidence(bytes.subarray(1)));
  malformed(() => decodeDoubleSignEvidence(Uint8Array.of(...bytes, 0)));
  malformed(() => decodeDoubleSignEvidence(Uint8Array.of(2, ...bytes.subarray(1))));
  const same = Uint8Array.from(bytes);
  same.set(bytes.subarray(73, 169), 169);
  malformed(() => decodeDoubleSignEvidence(same));
  const swapped = Uint8Array.from(bytes);
  swapped.set(bytes.subarray(73, 169), 169);
  swapped.set(bytes.subarray(169, 265), 73);
  malformed(() => decodeDoubleSignEvidence(swapped));
  malformed(() => decodeDoubleSignEvidence('nope' as never));
});

test('property: evidence encoding round-trips and is canonical', () => {
  const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
  fc.assert(
    fc.property(
      bytes(64),
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      bytes(32),
      bytes(32),
      bytes(64),
      bytes(64),
      (key, height, id1, id2, s1, s2) => {
        const e = detectDoubleSign(
          { producerKey: key, height, blockId: id1, signature: s1 },
          { producerKey: key, height, blockId: id2, signature: s2 },
        );
        if (Buffer.compare(id1, id2) === 0) {
          assert.equal(e, undefined);
          return;
        }
        const encoded = encodeDoubleSignEvidence(e!);
        assert.deepEqual(decodeDoubleSignEvidence(encoded), e);
        assert.deepEqual(encodeDoubleSignEvidence(decodeDoubleSignEvidence(encoded)), encoded);
      },
    ),
    { numRuns: 200 },
  );
});
