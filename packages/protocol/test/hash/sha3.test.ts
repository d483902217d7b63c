// SHA3-256: FIPS 202 example digests, and agreement of the WebAssembly, node:crypto and
// @noble/hashes implementations on every length around the rate (136) and the path switch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sha3 } from '@bystack/protocol';
import { sha3_256 } from '@noble/hashes/sha3.js';
import fc from 'fast-check';
import { entryIdSha3, SHA3_WASM_MAX_INPUT, sha3OpenSsl, sha3Wasm } from '../../src/hash/sha3.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('FIPS 202 example digests on both paths', () => {
  const cases: [Uint8Array, string][] = [
    [new Uint8Array(0), 'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a'],
    [new TextEncoder().encode('abc'), '3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532'],
    [new Uint8Array(200).fill(0xa3), '79f38adec5c20307a98ef76e8324afbfd46cfd81b22e3973c65fa1bd9de31787'],
  ];
  for (const [data, digest] of cases) {
    assert.equal(hex(sha3Wasm(data)), digest);
    assert.equal(hex(sha3OpenSsl(data)), digest);
    assert.equal(hex(sha3(data)), digest);
  }
});

test('every length 0..700: WebAssembly, node:crypto and noble agree', () => {
  for (let n = 0; n <= 700; n++) {
    const data = new Uint8Array(n).map((_, i) => (i * 31 + n) & 0xff);
    const expected = hex(sha3_256(data));
    assert.equal(hex(sha3OpenSsl(data)), expected, `node:crypto, length ${n}`);
    if (n <= SHA3_WASM_MAX_INPUT) assert.equal(hex(sha3Wasm(data)), expected, `wasm, length ${n}`);
    assert.equal(hex(sha3(data)), expected, `sha3, length ${n}`);
  }
});

test('property: random messages agree with noble, and digests are not views of shared memory', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2 * SHA3_WASM_MAX_INPUT }), fc.uint8Array({ maxLength: 64 }), (a, b) => {
      const da = sha3(a);
      const db = sha3(b);
      assert.deepEqual(da, sha3_256(a));
      assert.deepEqual(db, sha3_256(b));
    }),
    { numRuns: 300 },
  );
});

test('entryIdSha3 is SHA3(prefix || SHA3(body)), short bodies (WebAssembly) and long (node:crypto)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.uint8Array({ maxLength: 1200 }), (prefix, body) => {
      const outer = new Uint8Array(prefix.length + 32);
      outer.set(prefix);
      outer.set(sha3OpenSsl(body), prefix.length);
      assert.deepEqual(entryIdSha3(prefix, body), sha3OpenSsl(outer));
    }),
    { numRuns: 300 },
  );
});
