// The readable reference implementation, and the arithmetic fact the fast one rests on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { tensorityReference } from '../../src/pow/tensority-reference.ts';
import { fromHex, tensorityVectors, toHex } from './tensority-vectors.ts';

// All 11 vectors run in tensority-naive.hostile.ts: the reference takes seconds per hash.
test('tensorityReference matches case 1 of Bytom algorithm_test.go', () => {
  const v = tensorityVectors[0]!;
  assert.equal(toHex(tensorityReference(fromHex(v.blockHash), fromHex(v.seed))), v.result);
});

const fold = (v: number): number => (((v & 0xff) + ((v >> 8) & 0xff)) << 24) >> 24;
const toInt16 = (v: number): number => (v << 16) >> 16;

test('folding a dot product of int8 vectors needs only its value mod 2^16 (int16 lanes suffice)', () => {
  const int8s = fc.array(fc.integer({ min: -128, max: 127 }), { minLength: 256, maxLength: 256 });
  fc.assert(
    fc.property(int8s, int8s, (a, b) => {
      let exact = 0;
      let wrapped = 0;
      for (let k = 0; k < 256; k++) {
        exact += a[k]! * b[k]!;
        // What an int16 lane computes: the low 16 bits of the product, added with wrap-around.
        const lane = toInt16(a[k]! * b[k]!);
        wrapped = toInt16(wrapped + lane);
      }
      return fold(exact) === fold(wrapped);
    }),
  );
  // The largest dot product (all -128), and a negative one: the fold is not the identity on int8.
  assert.equal(fold(256 * 128 * 128), fold(toInt16(256 * 128 * 128)));
  assert.equal(fold(-1), -2);
});
