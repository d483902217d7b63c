// Growable byte writer: the encoding half of Bytom v1.1.1 `encoding/blockchain/blockchain.go`, plus
// the little-endian uint64 that entry hashing uses (`protocol/bc/entry.go` writeForHash).
// Inputs are checked here, at the boundary: a hand-built object with an out-of-range integer or a
// short hash gets a typed EncodeError, never silently wrong bytes.
import { EncodeError, EncodeErrorCode } from './errors.ts';
import { HASH_LENGTH, MAX_VARINT31, MAX_VARINT63 } from './reader.ts';

const MAX_UINT64 = 0xffffffffffffffffn;
const TWO_POW_53 = 2 ** 53;

export class ByteWriter {
  #buf: Uint8Array;
  #len = 0;
  /** A view of #buf, made on first use and dropped when #buf grows. */
  #view: DataView | undefined;

  constructor(initialCapacity = 256) {
    this.#buf = new Uint8Array(initialCapacity);
  }

  get length(): number {
    return this.#len;
  }

  /** Forgets the content and keeps the buffer, for reuse in hot loops. */
  reset(): void {
    this.#len = 0;
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }

  /** A view of the bytes written so far; valid only until the next write or reset. */
  view(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }

  writeByte(b: number): void {
    this.#reserve(1);
    this.#buf[this.#len++] = b;
  }

  writeBytes(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
  }

  /** A raw 32-byte hash or asset id. */
  writeHash(hash: Uint8Array): void {
    if (!(hash instanceof Uint8Array) || hash.length !== HASH_LENGTH) {
      throw new EncodeError(EncodeErrorCode.BAD_HASH_LENGTH, `expected ${HASH_LENGTH} bytes`);
    }
    this.writeBytes(hash);
  }

  writeVarint31(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > MAX_VARINT31) {
      throw new EncodeError(EncodeErrorCode.VALUE_OUT_OF_RANGE, `varint31 out of range: ${value}`);
    }
    this.#writeSmallUvarint(value);
  }

  writeVarint63(value: bigint): void {
    if (typeof value !== 'bigint' || value < 0n || value > MAX_VARINT63) {
      throw new EncodeError(EncodeErrorCode.VALUE_OUT_OF_RANGE, `varint63 out of range: ${value}`);
    }
    if (value < TWO_POW_53) {
      this.#writeSmallUvarint(Number(value));
      return;
    }
    this.#reserve(10);
    let v = value;
    while (v >= 0x80n) {
      this.#buf[this.#len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.#buf[this.#len++] = Number(v);
  }

  writeVarstr31(bytes: Uint8Array): void {
    this.#writeLength(bytes.length);
    this.writeBytes(bytes);
  }

  writeVarstrList(list: readonly Uint8Array[]): void {
    this.#writeLength(list.length);
    for (const item of list) this.writeVarstr31(item);
  }

  /** Starts an extensible string; returns the token for `closeExtensible`. */
  openExtensible(): number {
    return this.#len;
  }

  /**
   * Ends an extensible string begun at `start`: appends the suffix (unparsed bytes kept from
   * decoding, written back verbatim), then inserts the varint31 length prefix before the content.
   */
  closeExtensible(start: number, suffix?: Uint8Array): void {
    if (suffix !== undefined) this.writeBytes(suffix);
    const contentLength = this.#len - start;
    if (contentLength > MAX_VARINT31) {
      throw new EncodeError(EncodeErrorCode.LENGTH_TOO_LARGE, 'extensible string too long');
    }
    const prefixLength = uvarintLength(contentLength);
    this.#reserve(prefixLength);
    this.#buf.copyWithin(start + prefixLength, start, this.#len);
    const end = this.#len + prefixLength;
    this.#len = start;
    this.#writeSmallUvarint(contentLength);
    this.#len = end;
  }

  /** Fixed 8-byte little-endian uint64 (entry hashing only; never on the wire). */
  writeUint64LE(value: bigint): void {
    if (typeof value !== 'bigint' || value < 0n || value > MAX_UINT64) {
      throw new EncodeError(EncodeErrorCode.VALUE_OUT_OF_RANGE, `uint64 out of range: ${value}`);
    }
    this.#reserve(8);
    // A DataView store: no intermediate BigInts (this runs for every amount of every entry hashed).
    this.#view ??= new DataView(this.#buf.buffer, this.#buf.byteOffset, this.#buf.byteLength);
    this.#view.setBigUint64(this.#len, value, true);
    this.#len += 8;
  }

  #writeLength(length: number): void {
    if (length > MAX_VARINT31) throw new EncodeError(EncodeErrorCode.LENGTH_TOO_LARGE, `length ${length} too large`);
    this.#writeSmallUvarint(length);
  }

  // value: a non-negative integer below 2^53.
  #writeSmallUvarint(value: number): void {
    this.#reserve(8);
    let v = value;
    while (v >= 0x80) {
      this.#buf[this.#len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.#buf[this.#len++] = v;
  }

  #reserve(extra: number): void {
    const needed = this.#len + extra;
    if (needed <= this.#buf.length) return;
    let capacity = this.#buf.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.#buf.subarray(0, this.#len));
    this.#buf = grown;
    this.#view = undefined;
  }
}

/** Bytes that the unsigned LEB128 encoding of `value` (a non-negative safe integer) takes. */
export function uvarintLength(value: number): number {
  let n = 1;
  let v = value;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}
