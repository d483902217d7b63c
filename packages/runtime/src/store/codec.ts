// The store's own binary records (not the protocol's wire format): compact, versioned by a leading
// byte, identical in every backend, so the hot tier holds exactly the bytes the durable tier holds
// and a rebuilt Redis can be compared byte for byte with an incrementally updated one.
//
//   utxo value   v1 | bytes assetId | u64 amount | bytes controlProgram | u64 height | u8 kind
//                [| bytes vote, kind 2 only]  (kind: 0 normal, 1 coinbase, 2 vote, 3 cross-chain marker)
//                (the output id is the key; journal entries carry it in front: bytes outputId | value)
//   index value  v1 | bytes parentId | u64 height | bytes header | bytes work (unsigned big-endian)
//   tx location  v1 | bytes blockId | u64 height | u32 index
//   tip          v1 | u64 height | bytes blockId
//   delta        v1 | u64 height | bytes blockId | bytes parentId | list txIds | list utxo | list utxo
// `bytes` is a u32 length then the bytes; `list` is a u32 count then the items; integers are big-endian.
import { createHash } from 'node:crypto';
import { StoreError, StoreErrorCode } from './errors.ts';
import type { BlockDelta, BlockIndexEntry, ChainTip, TxLocation, UtxoRecord } from './types.ts';

const FORMAT_V1 = 1;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Appends big-endian fields; sized up front where the caller knows the size (no copy at the end). */
class ByteWriter {
  private buf: Uint8Array;
  private pos = 0;

  constructor(size = 256) {
    this.buf = new Uint8Array(size);
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  u8(v: number): void {
    this.reserve(1);
    this.buf[this.pos++] = v;
  }

  u32(v: number): void {
    this.reserve(4);
    const b = this.buf;
    b[this.pos] = v >>> 24;
    b[this.pos + 1] = v >>> 16;
    b[this.pos + 2] = v >>> 8;
    b[this.pos + 3] = v;
    this.pos += 4;
  }

  u64(v: bigint | number): void {
    if (typeof v === 'number') {
      this.u32(Math.floor(v / 0x1_0000_0000));
      this.u32(v >>> 0);
    } else {
      this.u32(Number(v >> 32n));
      this.u32(Number(v & 0xffff_ffffn));
    }
  }

  /** Raw bytes, no length prefix. */
  raw(v: Uint8Array): void {
    this.reserve(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  bytes(v: Uint8Array): void {
    this.u32(v.length);
    this.raw(v);
  }

  get position(): number {
    return this.pos;
  }

  /** Overwrites the u32 at `at` (written before as a placeholder). */
  u32At(at: number, v: number): void {
    const end = this.pos;
    this.pos = at;
    this.u32(v);
    this.pos = end;
  }

  finish(): Uint8Array {
    return this.pos === this.buf.length ? this.buf : this.buf.slice(0, this.pos);
  }
}

class ByteReader {
  private readonly buf: Uint8Array;
  private pos = 0;
  private readonly what: string;

  constructor(buf: Uint8Array, what: string) {
    this.buf = buf;
    this.what = what;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw corrupt(this.what, 'truncated');
  }

  version(): void {
    if (this.u8() !== FORMAT_V1) throw corrupt(this.what, 'unknown format version');
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  u64(): bigint {
    const hi = this.u32();
    return (BigInt(hi) << 32n) | BigInt(this.u32());
  }

  safeInt(): number {
    const hi = this.u32();
    const lo = this.u32();
    if (hi > 0x1f_ffff) throw corrupt(this.what, 'integer above 2^53');
    return hi * 0x1_0000_0000 + lo;
  }

  bytes(): Uint8Array {
    const n = this.u32();
    this.need(n);
    // A plain Uint8Array copy even when the input is a Buffer (whose slice() would be a view).
    const out = new Uint8Array(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /** The next `n` bytes as a view into the input (no copy). */
  view(n: number): Uint8Array {
    this.need(n);
    this.pos += n;
    return this.buf.subarray(this.pos - n, this.pos);
  }

  end(): void {
    if (this.pos !== this.buf.length) throw corrupt(this.what, 'trailing bytes');
  }
}

function corrupt(what: string, why: string): StoreError {
  return new StoreError(StoreErrorCode.Corrupt, `stored ${what} does not decode: ${why}`, { what });
}

// ---- keys -------------------------------------------------------------------------------------

/** Every key of a chain starts with its id and a 0 byte (chain ids never hold a 0 byte). */
export function chainPrefix(chain: string): Uint8Array {
  const name = textEncoder.encode(chain);
  const out = new Uint8Array(name.length + 1);
  out.set(name);
  return out;
}

/** The first key after every key that starts with `prefix` (prefix ends in 0, so bump that byte). */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  const out = prefix.slice();
  out[out.length - 1] = out[out.length - 1]! + 1;
  return out;
}

/** The first key after every key that starts with `prefix`, for any prefix (carries past 0xff bytes). */
export function prefixSuccessor(prefix: Uint8Array): Uint8Array {
  let i = prefix.length - 1;
  while (i >= 0 && prefix[i] === 0xff) i--;
  if (i < 0) throw new StoreError(StoreErrorCode.InvalidArgument, 'a prefix of 0xff bytes only has no successor');
  const out = prefix.slice(0, i + 1);
  out[i] = out[i]! + 1;
  return out;
}

/** A chain's key builder: encodes the prefix once for all the keys of, say, a block commit. */
export function chainKeys(chain: string): (suffix: Uint8Array) => Uint8Array {
  const prefix = chainPrefix(chain);
  return (suffix) => {
    const out = new Uint8Array(prefix.length + suffix.length);
    out.set(prefix);
    out.set(suffix, prefix.length);
    return out;
  };
}

export function chainKey(chain: string, suffix: Uint8Array): Uint8Array {
  return chainKeys(chain)(suffix);
}

/** Programs up to this many bytes (every standard one) are their own program-index key. */
export const PROGRAM_KEY_INLINE_MAX = 64;

/**
 * A program's key in the program index: its length byte then the program itself when it is at
 * most PROGRAM_KEY_INLINE_MAX bytes (no hashing on the commit path), else 0xff then its SHA-256.
 * The leading byte keeps every program's keys a range of their own.
 */
export function programKey(controlProgram: Uint8Array): Uint8Array {
  if (controlProgram.length <= PROGRAM_KEY_INLINE_MAX) {
    const out = new Uint8Array(1 + controlProgram.length);
    out[0] = controlProgram.length;
    out.set(controlProgram, 1);
    return out;
  }
  const out = new Uint8Array(33);
  out[0] = 0xff;
  out.set(createHash('sha256').update(controlProgram).digest(), 1);
  return out;
}

/**
 * An output's program index key, chain prefix | programKey(controlProgram) | outputId, built in one
 * allocation (the commit path files and removes two of them per output).
 */
export function programEntryKey(prefix: Uint8Array, controlProgram: Uint8Array, outputId: Uint8Array): Uint8Array {
  const inline = controlProgram.length <= PROGRAM_KEY_INLINE_MAX;
  const programPart = inline ? controlProgram : createHash('sha256').update(controlProgram).digest();
  const out = new Uint8Array(prefix.length + 1 + programPart.length + outputId.length);
  out.set(prefix);
  out[prefix.length] = inline ? controlProgram.length : 0xff;
  out.set(programPart, prefix.length + 1);
  out.set(outputId, prefix.length + 1 + programPart.length);
  return out;
}

/** Big-endian u64, so heights sort numerically as bytes. */
export function heightBytes(height: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(height));
  return out;
}

/** The chain id a key starts with. */
export function chainOfKey(key: Uint8Array): string {
  const zero = key.indexOf(0);
  return textDecoder.decode(zero < 0 ? key : key.subarray(0, zero));
}

// ---- records ----------------------------------------------------------------------------------

/** The kind byte of a utxo value: 0 and 1 are the main chain's (the old coinbase flag). */
const UtxoKind = { Normal: 0, Coinbase: 1, Vote: 2, CrossChain: 3 } as const;

function writeUtxoValue(w: ByteWriter, r: UtxoRecord): void {
  w.u8(FORMAT_V1);
  w.bytes(r.assetId);
  w.u64(r.amount);
  w.bytes(r.controlProgram);
  w.u64(r.height);
  if (r.vote !== undefined) {
    w.u8(UtxoKind.Vote);
    w.bytes(r.vote);
  } else {
    w.u8(r.crossChain === true ? UtxoKind.CrossChain : r.coinbase ? UtxoKind.Coinbase : UtxoKind.Normal);
  }
}

function readUtxoValue(rd: ByteReader, outputId: Uint8Array): UtxoRecord {
  rd.version();
  const assetId = rd.bytes();
  const amount = rd.u64();
  const controlProgram = rd.bytes();
  const height = rd.safeInt();
  const kind = rd.u8();
  if (kind > UtxoKind.CrossChain) throw corrupt('utxo', `unknown kind ${kind}`);
  const record = { outputId, assetId, amount, controlProgram, height, coinbase: kind === UtxoKind.Coinbase };
  if (kind === UtxoKind.Vote) return { ...record, vote: rd.bytes() };
  if (kind === UtxoKind.CrossChain) return { ...record, crossChain: true };
  return record;
}

function utxoValueSize(r: UtxoRecord): number {
  return 26 + r.assetId.length + r.controlProgram.length + (r.vote ? 4 + r.vote.length : 0);
}

/** The value filed under an output id (the id itself is the key). */
export function encodeUtxoValue(r: UtxoRecord): Uint8Array {
  const w = new ByteWriter(utxoValueSize(r));
  writeUtxoValue(w, r);
  return w.finish();
}

/** An output id with a length that fits the hot change's u8 (the store files ids of at most 64 bytes). */
function hotId(id: Uint8Array): Uint8Array {
  if (id.length > 0xff) {
    throw new StoreError(StoreErrorCode.InvalidArgument, 'an output id of the hot tier has at most 255 bytes', {
      field: 'outputId',
    });
  }
  return id;
}

/**
 * The values of many outputs (encodeUtxoValue each), encoded into one buffer and returned as views
 * of it. The commit path writes ~10,000 of them per block: one allocation instead of one each, and
 * lmdb-js pins one ArrayBuffer for them all instead of one per value.
 */
export function encodeUtxoValues(records: readonly UtxoRecord[]): Uint8Array[] {
  let size = 0;
  for (const r of records) size += utxoValueSize(r);
  const w = new ByteWriter(size);
  const ends: number[] = [];
  for (const r of records) {
    writeUtxoValue(w, r);
    ends.push(w.position);
  }
  return views(w.finish(), ends);
}

/** Views of `buf` ending at `ends`, each starting where the one before ends. */
function views(buf: Uint8Array, ends: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (const end of ends) {
    out.push(buf.subarray(start, end));
    start = end;
  }
  return out;
}

/**
 * A block's change to a hot tier's UTXO hash as one argument (its Lua scripts parse it): u32 count of
 * outputs to set, each `u8 idLength | outputId | u32 valueLength | utxo value`, then the outputs to
 * delete to the end, each `u8 idLength | outputId`. One bulk string instead of two per output: the
 * client builds one buffer, and the values are encoded straight into it.
 */
export function encodeHotChange(set: readonly UtxoRecord[], del: readonly Uint8Array[]): Uint8Array {
  let size = 4;
  for (const r of set) size += 5 + hotId(r.outputId).length + utxoValueSize(r);
  for (const id of del) size += 1 + hotId(id).length;
  const w = new ByteWriter(size);
  w.u32(set.length);
  for (const r of set) {
    w.u8(r.outputId.length);
    w.raw(r.outputId);
    const at = w.position;
    w.u32(0);
    writeUtxoValue(w, r);
    w.u32At(at, w.position - at - 4);
  }
  for (const id of del) {
    w.u8(id.length);
    w.raw(id);
  }
  return w.finish();
}

/**
 * The control program of a stored utxo value, as a view into it (no decode of the rest): what a
 * spend needs to find the output's program index entry.
 */
export function storedControlProgram(value: Uint8Array): Uint8Array {
  const rd = new ByteReader(value, 'utxo');
  rd.version();
  rd.skip(rd.u32() + 8); // assetId, amount
  return rd.view(rd.u32());
}

export function decodeUtxoValue(outputId: Uint8Array, value: Uint8Array): UtxoRecord {
  const rd = new ByteReader(value, 'utxo');
  const r = readUtxoValue(rd, outputId);
  rd.end();
  return r;
}

export function encodeBlockIndexValue(e: BlockIndexEntry): Uint8Array {
  const w = new ByteWriter(64 + e.parentId.length + e.header.length);
  w.u8(FORMAT_V1);
  w.bytes(e.parentId);
  w.u64(e.height);
  w.bytes(e.header);
  w.bytes(bigintToBytes(e.work));
  return w.finish();
}

export function decodeBlockIndexValue(blockId: Uint8Array, value: Uint8Array): BlockIndexEntry {
  const rd = new ByteReader(value, 'block index entry');
  rd.version();
  const parentId = rd.bytes();
  const height = rd.safeInt();
  const header = rd.bytes();
  const work = bytesToBigint(rd.bytes());
  rd.end();
  return { blockId, parentId, height, header, work };
}

function writeTxLocation(w: ByteWriter, l: TxLocation): void {
  w.u8(FORMAT_V1);
  w.bytes(l.blockId);
  w.u64(l.height);
  w.u32(l.index);
}

export function encodeTxLocation(l: TxLocation): Uint8Array {
  const w = new ByteWriter(17 + l.blockId.length);
  writeTxLocation(w, l);
  return w.finish();
}

/** The locations of a block's `count` transactions (encodeTxLocation each), as views of one buffer. */
export function encodeTxLocations(blockId: Uint8Array, height: number, count: number): Uint8Array[] {
  const w = new ByteWriter(count * (17 + blockId.length));
  const ends: number[] = [];
  for (let index = 0; index < count; index++) {
    writeTxLocation(w, { blockId, height, index });
    ends.push(w.position);
  }
  return views(w.finish(), ends);
}

export function decodeTxLocation(value: Uint8Array): TxLocation {
  const rd = new ByteReader(value, 'tx location');
  rd.version();
  const blockId = rd.bytes();
  const height = rd.safeInt();
  const index = rd.u32();
  rd.end();
  return { blockId, height, index };
}

export function encodeTip(t: ChainTip): Uint8Array {
  const w = new ByteWriter(13 + t.blockId.length);
  w.u8(FORMAT_V1);
  w.u64(t.height);
  w.bytes(t.blockId);
  return w.finish();
}

export function decodeTip(value: Uint8Array): ChainTip {
  const rd = new ByteReader(value, 'tip');
  rd.version();
  const height = rd.safeInt();
  const blockId = rd.bytes();
  rd.end();
  return { height, blockId };
}

/** An output id with its encoded utxo value (encodeUtxoValue), as a block commit already has them. */
export type EncodedUtxo = readonly [outputId: Uint8Array, value: Uint8Array];

/**
 * A journal entry from already-encoded outputs: the commit path writes the very values it puts in
 * the UTXO set (and the raw values it read for spent outputs) without decoding or re-encoding them.
 */
export function encodeDeltaEntries(
  head: Pick<BlockDelta, 'height' | 'blockId' | 'parentId' | 'txIds'>,
  created: readonly EncodedUtxo[],
  spent: readonly EncodedUtxo[],
): Uint8Array {
  let size = 29 + head.blockId.length + head.parentId.length;
  for (const id of head.txIds) size += 4 + id.length;
  for (const list of [created, spent]) for (const [id, value] of list) size += 4 + id.length + value.length;
  const w = new ByteWriter(size);
  w.u8(FORMAT_V1);
  w.u64(head.height);
  w.bytes(head.blockId);
  w.bytes(head.parentId);
  w.u32(head.txIds.length);
  for (const id of head.txIds) w.bytes(id);
  for (const list of [created, spent]) {
    w.u32(list.length);
    for (const [id, value] of list) {
      w.bytes(id);
      w.raw(value); // a utxo value is self-delimiting
    }
  }
  return w.finish();
}

export function encodeDelta(d: BlockDelta): Uint8Array {
  const encode = (r: UtxoRecord): EncodedUtxo => [r.outputId, encodeUtxoValue(r)];
  return encodeDeltaEntries(d, d.created.map(encode), d.spent.map(encode));
}

export function decodeDelta(chain: string, value: Uint8Array): BlockDelta {
  const rd = new ByteReader(value, 'block journal entry');
  rd.version();
  const height = rd.safeInt();
  const blockId = rd.bytes();
  const parentId = rd.bytes();
  const txIds: Uint8Array[] = [];
  for (let n = rd.u32(); n > 0; n--) txIds.push(rd.bytes());
  const lists: UtxoRecord[][] = [[], []];
  for (const list of lists) {
    for (let n = rd.u32(); n > 0; n--) {
      const outputId = rd.bytes();
      list.push(readUtxoValue(rd, outputId));
    }
  }
  rd.end();
  return { chain, height, blockId, parentId, txIds, created: lists[0]!, spent: lists[1]! };
}

export function encodeU64(v: number): Uint8Array {
  return heightBytes(v);
}

export function decodeU64(value: Uint8Array, what: string): number {
  if (value.length !== 8) throw corrupt(what, 'not 8 bytes');
  const v = new DataView(value.buffer, value.byteOffset, 8).getBigUint64(0);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(what, 'integer above 2^53');
  return Number(v);
}

// ---- small byte helpers -----------------------------------------------------------------------

export function bigintToBytes(v: bigint): Uint8Array {
  if (v === 0n) return new Uint8Array(0);
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export function bytesToBigint(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')}`);
}

export function bytesEqual(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function tipsEqual(a: ChainTip | undefined, b: ChainTip | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.height === b.height && bytesEqual(a.blockId, b.blockId);
}
