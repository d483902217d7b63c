// ByteReader's skips step over exactly what the matching read consumes, with the same checks: a
// varint (canonical, at most 64 bits), a varstr31 (its length against what remains), n bytes, and
// the rest of an extensible string (the input goes on after it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ByteReader, ByteWriter, MAX_VARINT63 } from '../../src/encoding/index.ts';
import { unhex, withCode } from '../chain/builders.ts';

const reader = (h: string) => new ByteReader(unhex(h));

type Field =
  | { kind: 'varint'; value: bigint }
  | { kind: 'varstr'; value: Uint8Array }
  | { kind: 'hash'; value: Uint8Array }
  | { kind: 'extensible'; read: number; value: Uint8Array };

const fieldArb: fc.Arbitrary<Field> = fc.oneof(
  fc.bigInt({ min: 0n, max: MAX_VARINT63 }).map((value) => ({ kind: 'varint' as const, value })),
  fc.uint8Array({ maxLength: 300 }).map((value) => ({ kind: 'varstr' as const, value })),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((value) => ({ kind: 'hash' as const, value })),
  fc
    .uint8Array({ minLength: 1, maxLength: 40 })
    .chain((value) => fc.nat({ max: value.length }).map((read) => ({ kind: 'extensible' as const, read, value }))),
);

function write(w: ByteWriter, f: Field): void {
  if (f.kind === 'varint') w.writeVarint63(f.value);
  else if (f.kind === 'hash') w.writeHash(f.value);
  else w.writeVarstr31(f.value);
}

/** Reads `f` (by the reads) or steps over it (by the skips). */
function consume(r: ByteReader, f: Field, skipping: boolean): void {
  switch (f.kind) {
    case 'varint':
      if (skipping) r.skipVarint();
      else r.readVarint63();
      return;
    case 'hash':
      if (skipping) r.skip(32);
      else r.readHash();
      return;
    case 'varstr':
      if (skipping) r.skipVarstr31();
      else r.readVarstr31();
      return;
  }
  const end = r.openExtensible();
  for (let i = 0; i < f.read; i++) r.readByte();
  if (skipping) r.skipRestOfExtensible(end);
  else r.closeExtensible(end);
}

test('a skip ends where the read ends, on every field and cut of it', () => {
  fc.assert(
    fc.property(fc.array(fieldArb, { minLength: 1, maxLength: 8 }), fc.nat(), (fields, cutAt) => {
      const w = new ByteWriter(64);
      for (const f of fields) write(w, f);
      w.writeByte(0xee);
      const bytes = w.toBytes();
      const [read, skipped] = [new ByteReader(bytes), new ByteReader(bytes)];
      for (const f of fields) {
        consume(read, f, false);
        consume(skipped, f, true);
        assert.equal(skipped.offset, read.offset);
      }
      assert.equal(skipped.readByte(), 0xee);
      // A cut input fails the skip with the read's code.
      const cut = bytes.subarray(0, cutAt % bytes.length);
      const codeOf = (skipping: boolean) => {
        try {
          const r = new ByteReader(cut);
          for (const f of fields) consume(r, f, skipping);
          r.readByte();
        } catch (err) {
          return (err as { code: string }).code;
        }
        return 'none';
      };
      assert.equal(codeOf(true), codeOf(false));
    }),
    { numRuns: 300 },
  );
});

test('skips check what the reads check', () => {
  assert.throws(() => reader('8000').skipVarint(), withCode('VARINT_NON_CANONICAL'));
  assert.throws(() => reader('ffffffffffffffffff02').skipVarint(), withCode('VARINT_OVERFLOW'));
  assert.throws(() => reader('0301').skipVarstr31(), withCode('LENGTH_TOO_LARGE'));
  assert.throws(() => reader('0102').skip(3), withCode('TRUNCATED'));
  // Inside an extensible string a skip cannot run past its end.
  const r = reader('0201020304');
  r.openExtensible();
  assert.throws(() => r.skip(3), withCode('TRUNCATED'));
});
