// RIPEMD-160 on node:crypto gives @noble/hashes' digests (the reference), and the published vectors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ripemd160 as nobleRipemd160 } from '@noble/hashes/legacy.js';
import fc from 'fast-check';
import { ripemd160 } from '../../src/hash/ripemd160.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('RIPEMD-160 vectors (Dobbertin, Bosselaers, Preneel)', () => {
  assert.equal(hex(ripemd160(new Uint8Array(0))), '9c1185a5c5e9fc54612808977ee8f548b2258d31');
  assert.equal(hex(ripemd160(new TextEncoder().encode('abc'))), '8eb208f7e05d987a9b044a8e98c6b087f15a0bfc');
  assert.equal(hex(ripemd160(new TextEncoder().encode('message digest'))), '5d0689ef49d2fae572b881b123a85ffa21595f36');
});

test('node:crypto and @noble/hashes agree', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
      assert.deepEqual(ripemd160(data), nobleRipemd160(data));
    }),
    { numRuns: 300 },
  );
});
