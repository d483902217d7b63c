// Merkle root of Bytom v1.1.1 `protocol/bc/types/merkle.go`: checked against a direct transcription
// of its definition, plus merkle_test.go TestDuplicateLeaves / TestAllDuplicateLeaves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { merkleLeafHash, merkleRoot, uniformMerkleRoot } from '../../src/hash/merkle.ts';
import { sha3 } from '../../src/hash/sha3.ts';

// The definition, written the slow and obvious way: split at the largest power of two below n.
function referenceRoot(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha3(new Uint8Array(0));
  if (leaves.length === 1) return sha3(new Uint8Array([0, ...leaves[0]!]));
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha3(new Uint8Array([1, ...referenceRoot(leaves.slice(0, k)), ...referenceRoot(leaves.slice(k))]));
}

const leaf = (i: number) => sha3(new Uint8Array([i, i >> 8]));

test('empty tree is SHA3(""), one leaf is SHA3(0x00 || leaf)', () => {
  assert.deepEqual(merkleRoot([]), sha3(new Uint8Array(0)));
  assert.deepEqual(merkleRoot([leaf(1)]), merkleLeafHash(leaf(1)));
  assert.deepEqual(
    merkleRoot([leaf(1), leaf(2)]),
    sha3(new Uint8Array([1, ...merkleLeafHash(leaf(1)), ...merkleLeafHash(leaf(2))])),
  );
});

test('agrees with the definition for every size up to 70 and random leaves', () => {
  for (let n = 0; n <= 70; n++) {
    const leaves = Array.from({ length: n }, (_, i) => leaf(i));
    assert.deepEqual(merkleRoot(leaves), referenceRoot(leaves), `n=${n}`);
  }
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 20 }), (leaves) => {
      assert.deepEqual(merkleRoot(leaves), referenceRoot(leaves));
    }),
    { numRuns: 50 },
  );
});

// merkle_test.go, TestDuplicateLeaves and TestAllDuplicateLeaves: padding a tree by repeating
// leaves (Bitcoin's CVE-2012-2459) must change the root.
test('duplicated leaves do not forge a root (TestDuplicateLeaves, TestAllDuplicateLeaves)', () => {
  const t = [5, 4, 3, 2, 1, 0].map(leaf);
  assert.notDeepEqual(merkleRoot(t), merkleRoot([...t, leaf(1), leaf(0)]));
  const same = leaf(9);
  const six = [same, same, same, same, same, same];
  assert.notDeepEqual(merkleRoot(six), merkleRoot([...six, same, same]));
});

test('uniformMerkleRoot is merkleRoot of n copies of the leaf', () => {
  const leaf = new TextEncoder().encode('{}');
  for (let n = 0; n <= 70; n++)
    assert.deepEqual(uniformMerkleRoot(leaf, n), merkleRoot(Array(n).fill(leaf)), `n = ${n}`);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 1, max: 3000 }), (data, n) => {
      assert.deepEqual(uniformMerkleRoot(data, n), merkleRoot(Array(n).fill(data)));
    }),
    { numRuns: 40 },
  );
});
