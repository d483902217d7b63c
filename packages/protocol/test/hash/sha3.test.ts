import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sha3 } from '@bystack/protocol';
import { sha3_256 } from '@noble/hashes/sha3.js';

test('sha3 (node:crypto) agrees with @noble/hashes', () => {
  for (let n = 0; n < 300; n += 7) {
    const data = new Uint8Array(n).map((_, i) => (i * 31 + n) & 0xff);
    assert.deepEqual(sha3(data), sha3_256(data));
  }
});
