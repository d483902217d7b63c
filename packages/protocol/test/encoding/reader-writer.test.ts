// Byte reader and writer: varint31 / varint63 ranges as Bytom v1.1.1 `encoding/blockchain/
// blockchain.go` (ReadVarint31, ReadVarint63 over Go's binary.ReadUvarint), varstrs, lists,
// extensible strings with suffixes, and the typed errors for every malformed input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ByteReader, ByteWriter, MAX_VARINT31, MAX_VARINT63, uvarintLength } from '../../src/encoding/index.ts';
import { hex, unhex, withCode } from '../chain/builders.ts';

const reader = (h: string) => new ByteReader(unhex(h));

test('varint63: boundaries and Go-compatible overflow rules', () => {
  assert.equal(reader('00').readVarint63(), 0n);
  assert.equal(reader('7f').readVarint63(), 127n);
  assert.equal(reader('8001').readVarint63(), 128n);
  assert.equal(reader('ffffffffffffffff7f').readVarint63(), MAX_VARINT63);
  // 2^63: a canonical 10-byte varint, out of the varint63 range (upstream ErrRange).
  assert.throws(() => reader('80808080808080808001').readVarint63(), withCode('VALUE_OUT_OF_RANGE'));
  assert.throws(() => reader('ffffffffffffffffff01').readVarint63(), withCode('VALUE_OUT_OF_RANGE'));
  // A 10th byte above 1, or an 11th byte, overflows 64 bits (Go: "varint overflows a 64-bit integer").
  assert.throws(() => reader('ffffffffffffffffff02').readVarint63(), withCode('VARINT_OVERFLOW'));
  assert.throws(() => reader('ffffffffffffffffff80').readVarint63(), withCode('VARINT_OVERFLOW'));
  assert.throws(() => reader('ffffffffffffffffffff01').readVarint63(), withCode('VARINT_OVERFLOW'));
  assert.throws(() => reader('').readVarint63(), withCode('TRUNCATED'));
  assert.throws(() => reader('ffff').readVarint63(), withCode('TRUNCATED'));
});

test('varints have one encoding: redundant zero groups are refused', () => {
  for (const h of ['8000', 'ff00', '808000', 'ffffffffffffffff00', '80808080808080808000']) {
    assert.throws(() => reader(h).readVarint63(), withCode('VARINT_NON_CANONICAL'), h);
  }
});

test('varint31: at most 2^31-1', () => {
  assert.equal(reader('ffffffff07').readVarint31(), MAX_VARINT31);
  assert.throws(() => reader('8080808008').readVarint31(), withCode('VALUE_OUT_OF_RANGE'));
  assert.throws(() => reader('ffffffffffffffff7f').readVarint31(), withCode('VALUE_OUT_OF_RANGE'));
  const w = new ByteWriter();
  assert.throws(() => w.writeVarint31(MAX_VARINT31 + 1), withCode('VALUE_OUT_OF_RANGE'));
  assert.throws(() => w.writeVarint31(-1), withCode('VALUE_OUT_OF_RANGE'));
  assert.throws(() => w.writeVarint31(1.5), withCode('VALUE_OUT_OF_RANGE'));
});

test('writer refuses values outside the wire ranges', () => {
  const w = new ByteWriter();
  assert.throws(() => w.writeVarint63(-1n), withCode('VALUE_OUT_OF_RANGE'));
  assert.throws(() => w.writeVarint63(MAX_VARINT63 + 1n), withCode('VALUE_OUT_OF_RANGE'));
  assert.throws(() => w.writeVarint63(5 as unknown as bigint), withCode('VALUE_OUT_OF_RANGE'));
  assert.throws(() => w.writeUint64LE(1n << 64n), withCode('VALUE_OUT_OF_RANGE'));
  assert.throws(() => w.writeHash(new Uint8Array(31)), withCode('BAD_HASH_LENGTH'));
});

test('varint round trips (property)', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: MAX_VARINT63 }), (v) => {
      const w = new ByteWriter(1);
      w.writeVarint63(v);
      const bytes = w.toBytes();
      const r = new ByteReader(bytes);
      assert.equal(r.readVarint63(), v);
      r.expectEnd();
      const bits = v === 0n ? 1 : v.toString(2).length;
      assert.equal(bytes.length, Math.ceil(bits / 7));
      if (v < 2n ** 53n) assert.equal(uvarintLength(Number(v)), bytes.length);
    }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: MAX_VARINT31 }), (v) => {
      const w = new ByteWriter(1);
      w.writeVarint31(v);
      assert.equal(new ByteReader(w.toBytes()).readVarint31(), v);
    }),
  );
});

test('lengths and counts are checked against the remaining bytes before anything is allocated', () => {
  assert.throws(() => reader('ffffffff07').readVarstr31(), withCode('LENGTH_TOO_LARGE'));
  assert.throws(() => reader('0301').readVarstr31(), withCode('LENGTH_TOO_LARGE'));
  assert.throws(() => reader('ffffffff07').readVarstrList(), withCode('LENGTH_TOO_LARGE'));
  assert.throws(() => reader('020100').readVarstrList(), withCode('TRUNCATED'));
  assert.throws(() => reader('ffffffff0700').openExtensible(), withCode('LENGTH_TOO_LARGE'));
  assert.deepEqual(reader('00').readVarstr31(), new Uint8Array(0));
  assert.deepEqual(reader('0201aa00').readVarstrList(), [new Uint8Array([0xaa]), new Uint8Array(0)]);
});

test('extensible strings confine reads and hand back their unread suffix', () => {
  const r = reader('0401020304ff');
  const end = r.openExtensible();
  assert.equal(r.readByte(), 1);
  assert.equal(r.remaining, 3);
  // Reads cannot run past the string even though the input goes on.
  assert.throws(() => {
    const r2 = reader('0101ff');
    r2.openExtensible();
    r2.readByte();
    r2.readByte();
  }, withCode('TRUNCATED'));
  assert.deepEqual(r.closeExtensible(end), new Uint8Array([2, 3, 4]));
  assert.equal(r.readByte(), 0xff);
  r.expectEnd();

  const empty = reader('0107');
  const e = empty.openExtensible();
  empty.readByte();
  assert.equal(empty.closeExtensible(e), undefined);
});

test('writer: extensible strings get their prefix, nested and longer than 127 bytes', () => {
  const w = new ByteWriter(4);
  const outer = w.openExtensible();
  w.writeByte(0xaa);
  const inner = w.openExtensible();
  w.writeBytes(new Uint8Array(200).fill(7));
  w.closeExtensible(inner, new Uint8Array([9]));
  w.closeExtensible(outer);
  const bytes = w.toBytes();
  // outer: 2-byte prefix (204), 0xaa, inner: 2-byte prefix (201), 200 x 7, suffix 9
  assert.equal(bytes.length, 2 + 1 + 2 + 201);
  assert.equal(hex(bytes.subarray(0, 5)), 'cc01aac901');
  const r = new ByteReader(bytes);
  const o = r.openExtensible();
  assert.equal(r.readByte(), 0xaa);
  const i = r.openExtensible();
  assert.equal(r.remaining, 201);
  r.closeExtensible(i);
  assert.equal(r.closeExtensible(o), undefined);
  r.expectEnd();
});

test('decoded byte strings are copies, not views of the input', () => {
  const input = unhex('02abcd');
  const s = new ByteReader(input).readVarstr31();
  input[1] = 0;
  assert.equal(hex(s), 'abcd');
});

test('a Node Buffer input gives plain Uint8Array fields; a non-byte input a typed error', () => {
  const input = Buffer.from('02abcd', 'hex');
  const s = new ByteReader(input).readVarstr31();
  input[1] = 0;
  assert.equal(Object.getPrototypeOf(s), Uint8Array.prototype);
  assert.equal(hex(s), 'abcd');
  assert.throws(() => new ByteReader('02abcd' as unknown as Uint8Array), withCode('NOT_BYTES'));
});

test('trailing bytes are reported', () => {
  const r = reader('0000');
  r.readByte();
  assert.throws(() => r.expectEnd(), withCode('TRAILING_BYTES'));
});

test('uint64 little-endian for hashing', () => {
  const w = new ByteWriter();
  w.writeUint64LE(0x0102030405060708n);
  w.writeUint64LE(0xffffffffffffffffn);
  assert.equal(hex(w.toBytes()), '0807060504030201ffffffffffffffff');
  // Across the buffer growing (and a reset): the values land after what was written before.
  const small = new ByteWriter(4);
  small.writeByte(0xaa);
  small.writeUint64LE(1n);
  small.writeBytes(new Uint8Array(20));
  small.writeUint64LE(0x8000000000000000n);
  assert.equal(hex(small.toBytes()), `aa0100000000000000${'00'.repeat(20)}0000000000000080`);
  small.reset();
  small.writeUint64LE(2n);
  assert.equal(hex(small.toBytes()), '0200000000000000');
});
