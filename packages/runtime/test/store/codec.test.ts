// The store's own record codec: round trips, and stored bytes that do not decode are typed
// STORE_CORRUPT errors, never crashes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bigintToBytes,
  bytesToBigint,
  chainKey,
  chainOfKey,
  decodeBlockIndexValue,
  decodeDelta,
  decodeTip,
  decodeTxLocation,
  decodeUtxoValue,
  encodeBlockIndexValue,
  encodeDelta,
  encodeTip,
  encodeTxLocation,
  encodeTxLocations,
  encodeUtxoValue,
  encodeUtxoValues,
  heightBytes,
  PROGRAM_KEY_INLINE_MAX,
  prefixEnd,
  programEntryKey,
  programKey,
  storedControlProgram,
} from '../../src/store/codec.ts';
import { isStoreError, StoreErrorCode } from '../../src/store/index.ts';
import { ChainBuilder, hashId } from './fixtures.ts';

test('records round-trip', () => {
  const b = new ChainBuilder('main');
  b.next({ create: 3 });
  const block = b.next({ spend: 2, create: 4, spendOwn: true });
  for (const r of block.created) assert.deepEqual(decodeUtxoValue(r.outputId, encodeUtxoValue(r)), r);
  const max = { ...block.created[0]!, amount: (1n << 64n) - 1n };
  assert.deepEqual(decodeUtxoValue(max.outputId, encodeUtxoValue(max)), max);
  // Side-chain kinds: a vote keeps its candidate key, a cross-chain marker its flag.
  const vote = { ...block.created[1]!, vote: new Uint8Array(64).fill(7) };
  assert.deepEqual(decodeUtxoValue(vote.outputId, encodeUtxoValue(vote)), vote);
  const marker = { ...block.created[2]!, controlProgram: new Uint8Array(0), crossChain: true };
  assert.deepEqual(decodeUtxoValue(marker.outputId, encodeUtxoValue(marker)), marker);
  // Many at once (views of one buffer): the same bytes as one by one.
  const many = [...block.created, max, vote, marker];
  assert.deepEqual(
    encodeUtxoValues(many).map((v) => [...v]),
    many.map((r) => [...encodeUtxoValue(r)]),
  );
  assert.deepEqual(encodeUtxoValues([]), []);
  assert.deepEqual(
    encodeTxLocations(hashId('b'), 7, 3).map((v) => decodeTxLocation(v)),
    [0, 1, 2].map((index) => ({ blockId: hashId('b'), height: 7, index })),
  );
  const plain = encodeUtxoValue({ ...block.created[2]!, coinbase: false });
  assert.equal(plain.at(-1), 0, 'a main-chain output keeps its v1 bytes (kind 0 or 1 last)');
  const entry = {
    blockId: block.blockId,
    parentId: block.parentId,
    height: 1,
    header: block.header,
    work: 2n ** 200n + 7n,
  };
  assert.deepEqual(decodeBlockIndexValue(block.blockId, encodeBlockIndexValue(entry)), entry);
  const genesis = { ...entry, parentId: new Uint8Array(0), height: 0, work: 0n };
  assert.deepEqual(decodeBlockIndexValue(block.blockId, encodeBlockIndexValue(genesis)), genesis);
  const loc = { blockId: block.blockId, height: Number.MAX_SAFE_INTEGER, index: 4_000_000 };
  assert.deepEqual(decodeTxLocation(encodeTxLocation(loc)), loc);
  const tip = { height: 12, blockId: block.blockId };
  assert.deepEqual(decodeTip(encodeTip(tip)), tip);
  const delta = {
    chain: 'main',
    height: 1,
    blockId: block.blockId,
    parentId: block.parentId,
    txIds: block.txIds,
    created: block.created,
    spent: b.blocks[0]!.created.slice(0, 2),
  };
  assert.deepEqual(decodeDelta('main', encodeDelta(delta)), delta);
  for (const v of [0n, 1n, 255n, 256n, 2n ** 64n]) assert.equal(bytesToBigint(bigintToBytes(v)), v);
});

test('keys: heights sort as bytes, chain prefixes do not overlap', () => {
  const cmp = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b);
  assert.ok(cmp(heightBytes(255), heightBytes(256)) < 0);
  assert.ok(cmp(heightBytes(2 ** 40), heightBytes(2 ** 40 + 1)) < 0);
  const a = chainKey('side', hashId('x'));
  const longer = chainKey('side-1', hashId('x'));
  const end = prefixEnd(chainKey('side', new Uint8Array(0)));
  assert.ok(cmp(a, end) < 0);
  assert.ok(
    cmp(longer, chainKey('side', new Uint8Array(0))) < 0 || cmp(longer, end) >= 0,
    "side-1's keys are outside side's range",
  );
  assert.equal(chainOfKey(longer), 'side-1');
});

test("program index keys: chain prefix | programKey | output id; a stored value's program is found without a decode", () => {
  const prefix = chainKey('main', new Uint8Array(0));
  const outputId = hashId('out');
  for (const size of [0, 22, PROGRAM_KEY_INLINE_MAX, PROGRAM_KEY_INLINE_MAX + 1, 300]) {
    const program = new Uint8Array(size).fill(size & 0xff);
    const expected = chainKey('main', Uint8Array.of(...programKey(program), ...outputId));
    assert.deepEqual(programEntryKey(prefix, program, outputId), expected, `program of ${size} bytes`);
  }
  const b = new ChainBuilder('main');
  const vote = { ...b.next().created[0]!, vote: new Uint8Array(64).fill(7) };
  for (const r of [...b.next({ create: 3 }).created, vote]) {
    assert.deepEqual(storedControlProgram(encodeUtxoValue(r)), r.controlProgram);
  }
});

test('bytes that do not decode are STORE_CORRUPT errors', () => {
  const good = encodeUtxoValue(new ChainBuilder('main').next().created[0]!);
  const cases: [string, () => unknown][] = [
    ['empty', () => decodeUtxoValue(hashId('x'), new Uint8Array(0))],
    ['version', () => decodeUtxoValue(hashId('x'), Uint8Array.of(9, ...good.subarray(1)))],
    ['truncated', () => decodeUtxoValue(hashId('x'), good.subarray(0, good.length - 3))],
    ['trailing', () => decodeUtxoValue(hashId('x'), Uint8Array.of(...good, 0))],
    ['kind', () => decodeUtxoValue(hashId('x'), Uint8Array.of(...good.subarray(0, good.length - 1), 4))],
    ['vote key missing', () => decodeUtxoValue(hashId('x'), Uint8Array.of(...good.subarray(0, good.length - 1), 2))],
    ['huge length', () => decodeTip(Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff))],
    [
      'height above 2^53',
      () => decodeTip(Uint8Array.of(1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0)),
    ],
    ['delta', () => decodeDelta('main', Uint8Array.of(1, 0, 0))],
    ['program of an empty value', () => storedControlProgram(new Uint8Array(0))],
    ['program of another version', () => storedControlProgram(Uint8Array.of(9, ...good.subarray(1)))],
    ['program past the end', () => storedControlProgram(good.subarray(0, 1 + 4 + 32 + 8 + 4 + 3))],
  ];
  for (const [what, fn] of cases) {
    assert.throws(fn, (err: unknown) => {
      assert.ok(isStoreError(err, StoreErrorCode.Corrupt), `${what}: ${String(err)}`);
      return true;
    });
  }
});
