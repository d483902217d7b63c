// BBFT signatures and irreversibility (Vapor `protocol/bbft.go` isIrreversible: signCount > N*2/3 in
// integers; signBlockHeader signs the block hash; block_witness.go slots by producer order).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  addBlockSignature,
  blockSignBytes,
  ConsensusError,
  ConsensusErrorCode,
  createBlockSignatureSet,
  isBlockIrreversible,
  isIrreversible,
  removeBlockSignature,
  signedProducerOrders,
  verifyBlockSignature,
} from '../../src/consensus/index.ts';
import { idOf } from './fixtures.ts';
import { nobleVerify, testProducer } from './keys.ts';

function rejects(fn: () => unknown, code: ConsensusErrorCode) {
  assert.throws(fn, (err: unknown) => err instanceof ConsensusError && err.code === code);
}

test('threshold boundaries: more than 2/3 of the producers', () => {
  const table: [number, number, number][] = [
    // producers, most signatures that are not enough, fewest that are
    [1, 0, 1],
    [2, 1, 2],
    [3, 2, 3],
    [4, 2, 3],
    [5, 3, 4],
    [6, 4, 5],
    [7, 4, 5],
    [10, 6, 7],
    [21, 14, 15],
  ];
  for (const [n, no, yes] of table) {
    assert.equal(isIrreversible(no, n), false, `${no}/${n}`);
    assert.equal(isIrreversible(yes, n), true, `${yes}/${n}`);
  }
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 10_000 }), fc.nat(), (n, k0) => {
      const k = k0 % (n + 1);
      // Vapor's integer form, and the exact rational one.
      assert.equal(isIrreversible(k, n), k > Math.floor((n * 2) / 3));
      assert.equal(isIrreversible(k, n), 3 * k > 2 * n);
    }),
  );
  rejects(() => isIrreversible(5, 4), ConsensusErrorCode.InvalidInput);
  rejects(() => isIrreversible(0, 0), ConsensusErrorCode.InvalidInput);
  rejects(() => isIrreversible(-1, 4), ConsensusErrorCode.InvalidInput);
  rejects(() => isIrreversible(1.5, 4), ConsensusErrorCode.InvalidInput);
});

test('a producer signs exactly the 32-byte block id', () => {
  const id = idOf(0x1234);
  const bytes = blockSignBytes(id);
  assert.deepEqual(bytes, id);
  bytes[0] = bytes[0]! ^ 1;
  assert.deepEqual(blockSignBytes(id), idOf(0x1234), 'a copy, not the caller buffer');
  rejects(() => blockSignBytes(new Uint8Array(33)), ConsensusErrorCode.InvalidBlockId);
});

test('signature verification with an injected Ed25519 verifier', () => {
  const p = testProducer(7);
  const q = testProducer(8);
  const id = idOf(1);
  const sig = p.sign(blockSignBytes(id));
  assert.equal(verifyBlockSignature(p.xpub, id, sig, nobleVerify), true);
  assert.equal(verifyBlockSignature(q.xpub, id, sig, nobleVerify), false);
  assert.equal(verifyBlockSignature(p.xpub, idOf(2), sig, nobleVerify), false);
  const bad = Uint8Array.from(sig);
  bad[10] = bad[10]! ^ 0x40;
  assert.equal(verifyBlockSignature(p.xpub, id, bad, nobleVerify), false);
  // The chain code half of the xpub does not take part in verification.
  const otherChainCode = Uint8Array.from(p.xpub).fill(0, 32);
  assert.equal(verifyBlockSignature(otherChainCode, id, sig, nobleVerify), true);
  assert.equal(
    verifyBlockSignature(p.xpub, id, sig, () => {
      throw new Error('boom');
    }),
    false,
  );
  rejects(() => verifyBlockSignature(p.xpub, id, sig.subarray(1), nobleVerify), ConsensusErrorCode.InvalidSignature);
  rejects(
    () => verifyBlockSignature(p.xpub.subarray(0, 32), id, sig, nobleVerify),
    ConsensusErrorCode.InvalidProducerKey,
  );
});

test('signature sets by witness slot', () => {
  const id = idOf(3);
  const sig = (b: number) => new Uint8Array(64).fill(b);
  let set = createBlockSignatureSet(id, 4);
  assert.deepEqual(signedProducerOrders(set), []);
  set = addBlockSignature(set, 2, sig(2));
  set = addBlockSignature(set, 0, sig(1));
  assert.deepEqual(signedProducerOrders(set), [0, 2]);
  assert.equal(isBlockIrreversible(set), false);
  assert.equal(addBlockSignature(set, 2, sig(9)), set, 'a filled slot keeps its first signature');
  set = addBlockSignature(set, 3, sig(3));
  assert.equal(isBlockIrreversible(set), true);
  const dropped = removeBlockSignature(set, 3);
  assert.equal(isBlockIrreversible(dropped), false);
  assert.equal(isBlockIrreversible(set), true, 'updates return new sets');
  rejects(() => addBlockSignature(set, 4, sig(4)), ConsensusErrorCode.ProducerOrderOutOfRange);
  rejects(() => addBlockSignature(set, -1, sig(4)), ConsensusErrorCode.ProducerOrderOutOfRange);
  rejects(() => addBlockSignature(set, 1, sig(4).subarray(1)), ConsensusErrorCode.InvalidSignature);
  // From a block's witness list: empty entries are unsigned, slots past N do not count.
  const fromWitness = createBlockSignatureSet(id, 4, [
    sig(1),
    new Uint8Array(0),
    sig(3),
    new Uint8Array(0),
    sig(5),
    sig(6),
  ]);
  assert.deepEqual(signedProducerOrders(fromWitness), [0, 2]);
  assert.equal(fromWitness.signatures.length, 4);
  rejects(() => createBlockSignatureSet(id, 4, [new Uint8Array(10)]), ConsensusErrorCode.InvalidSignature);
  rejects(() => createBlockSignatureSet(id, 0), ConsensusErrorCode.InvalidInput);
});
