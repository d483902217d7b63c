import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asBuffer, bytesEqual, bytesToHex, hexToBytes } from '../src/bytes.ts';

test('hex round-trips a view into a larger buffer without reading past it', () => {
  const backing = new Uint8Array([0xff, 0x01, 0xab, 0x00, 0xee]);
  const view = backing.subarray(1, 4);
  assert.equal(bytesToHex(view), '01ab00');
  assert.deepEqual(hexToBytes('01ab00'), new Uint8Array([1, 0xab, 0]));
});

test('equality compares contents and lengths', () => {
  assert.equal(bytesEqual(new Uint8Array([1, 2]), Buffer.from([1, 2])), true);
  assert.equal(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3])), false);
  assert.equal(bytesEqual(new Uint8Array([1]), new Uint8Array([1, 0])), false);
});

test('asBuffer shares memory with the bytes it views', () => {
  const bytes = new Uint8Array([5, 6, 7]).subarray(1);
  const buf = asBuffer(bytes);
  bytes[0] = 9;
  assert.equal(buf[0], 9);
  assert.equal(buf.length, 2);
});
