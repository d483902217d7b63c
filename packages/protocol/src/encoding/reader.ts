// Bounded reader over untrusted bytes, following Bytom v1.1.1 `encoding/blockchain/blockchain.go`
// (varint31 / varint63, varstr31, varstr lists, extensible strings).
//
// Every length or count read from the input is checked against the bytes that actually remain
// BEFORE anything is sliced or allocated, so a hostile prefix can never make us allocate more than
// the input's own size.
//
// The reader first copies its input once; every byte string it returns is a view into that private
// copy. Decoded objects therefore never alias the caller's buffer, and decoding a block allocates
// one buffer instead of one per field (copies per field made decoding 2x slower, mostly in GC).
// The price: a field kept alive keeps the whole copy alive; slice() fields stored long-term.
//
// Deliberate difference from upstream: a varint with redundant trailing zero groups (`80 00`) is
// refused (Go's binary.ReadUvarint accepts it). Upstream writers never produce one, and accepting it
// would let anyone change a transaction's bytes (and size) without changing its id.
import { DecodeError, DecodeErrorCode } from './errors.ts';

export const MAX_VARINT31 = 0x7fffffff;
export const MAX_VARINT63 = 0x7fffffffffffffffn;
export const HASH_LENGTH = 32;

export class ByteReader {
  readonly #bytes: Uint8Array;
  #pos: number;
  #end: number;

  constructor(bytes: Uint8Array) {
    if (!(bytes instanceof Uint8Array)) throw new DecodeError(DecodeErrorCode.NOT_BYTES, 'input is not a Uint8Array');
    // `new Uint8Array(...)`, not `slice()`: a Node Buffer's slice() is a view, and its fields would be Buffers.
    this.#bytes = new Uint8Array(bytes);
    this.#pos = 0;
    this.#end = bytes.length;
  }

  /** Offset of the next unread byte, from the start of the input. */
  get offset(): number {
    return this.#pos;
  }

  /** Unread bytes in the current scope (the innermost open extensible string, or the input). */
  get remaining(): number {
    return this.#end - this.#pos;
  }

  readByte(): number {
    if (this.#pos >= this.#end) throw this.#error(DecodeErrorCode.TRUNCATED, 'unexpected end of input');
    return this.#bytes[this.#pos++]!;
  }

  /** A raw 32-byte hash or asset id. */
  readHash(): Uint8Array {
    return this.#take(HASH_LENGTH, DecodeErrorCode.TRUNCATED);
  }

  /** An unsigned varint that must fit in 31 bits (lengths, counts). */
  readVarint31(): number {
    const start = this.#pos;
    const v = this.#readUvarint();
    if (typeof v === 'bigint' || v > MAX_VARINT31) {
      throw this.#error(DecodeErrorCode.VALUE_OUT_OF_RANGE, `varint31 out of range: ${v}`, start);
    }
    return v;
  }

  /** An unsigned varint that must fit in 63 bits (versions, amounts, positions, heights...). */
  readVarint63(): bigint {
    const start = this.#pos;
    const v = this.#readUvarint();
    if (typeof v === 'number') return BigInt(v);
    if (v > MAX_VARINT63) throw this.#error(DecodeErrorCode.VALUE_OUT_OF_RANGE, `varint63 out of range: ${v}`, start);
    return v;
  }

  /** A varint31 length prefix, then that many bytes. */
  readVarstr31(): Uint8Array {
    const length = this.readVarint31();
    return this.#take(length, DecodeErrorCode.LENGTH_TOO_LARGE);
  }

  /** A varint31 count, then that many varstr31 items. */
  readVarstrList(): Uint8Array[] {
    const count = this.readCount();
    const list: Uint8Array[] = [];
    for (let i = 0; i < count; i++) list.push(this.readVarstr31());
    return list;
  }

  /**
   * A varint31 element count. Each element takes at least one byte, so a count above the
   * remaining bytes is refused before any loop or allocation runs.
   */
  readCount(): number {
    const start = this.#pos;
    const count = this.readVarint31();
    if (count > this.remaining) {
      throw this.#error(DecodeErrorCode.LENGTH_TOO_LARGE, `count ${count} exceeds ${this.remaining} bytes left`, start);
    }
    return count;
  }

  /**
   * Opens an extensible string (varint31 length, then content): until the matching
   * `closeExtensible`, reads are confined to its content. Returns the token to close it with.
   */
  openExtensible(): number {
    const length = this.readVarint31();
    if (length > this.remaining) {
      throw this.#error(DecodeErrorCode.LENGTH_TOO_LARGE, `extensible string of ${length} bytes exceeds input`);
    }
    const outerEnd = this.#end;
    this.#end = this.#pos + length;
    return outerEnd;
  }

  /**
   * Closes the innermost extensible string. Its unread content is the "suffix" that upstream
   * keeps for forward compatibility: returned (a copy) so the encoder can write it back,
   * or undefined when there is none.
   */
  closeExtensible(outerEnd: number): Uint8Array | undefined {
    const suffix = this.#pos < this.#end ? this.#take(this.#end - this.#pos, DecodeErrorCode.TRUNCATED) : undefined;
    this.#end = outerEnd;
    return suffix;
  }

  // Skipping: for readers that want a few fields of a large input (a block's transactions for the
  // tally) and step over the rest without a view or a bigint per field. Lengths are checked as the
  // reads check them.

  /** Steps over `length` bytes (a hash the caller does not need). */
  skip(length: number): void {
    if (length > this.#end - this.#pos) {
      throw this.#error(DecodeErrorCode.TRUNCATED, `need ${length} bytes, ${this.#end - this.#pos} left`);
    }
    this.#pos += length;
  }

  /** Steps over a varint as #readUvarint reads it (canonical, at most 64 bits); its value is not range-checked. */
  skipVarint(): void {
    this.#readUvarint();
  }

  /** Steps over a varstr31 (what readVarstr31 would return). */
  skipVarstr31(): void {
    const length = this.readVarint31();
    if (length > this.#end - this.#pos) {
      throw this.#error(DecodeErrorCode.LENGTH_TOO_LARGE, `need ${length} bytes, ${this.#end - this.#pos} left`);
    }
    this.#pos += length;
  }

  /** closeExtensible, stepping over the unread content instead of returning it. */
  skipRestOfExtensible(outerEnd: number): void {
    this.#pos = this.#end;
    this.#end = outerEnd;
  }

  /** Top-level objects must consume their whole input (upstream: "trailing garbage"). */
  expectEnd(): void {
    if (this.#pos !== this.#bytes.length) {
      throw this.#error(DecodeErrorCode.TRAILING_BYTES, `${this.#bytes.length - this.#pos} trailing bytes`);
    }
  }

  #take(length: number, code: DecodeErrorCode): Uint8Array {
    if (length > this.#end - this.#pos) {
      throw this.#error(code, `need ${length} bytes, ${this.#end - this.#pos} left`);
    }
    const start = this.#pos;
    this.#pos += length;
    return this.#bytes.subarray(start, this.#pos);
  }

  // LEB128 as Go's binary.ReadUvarint: at most 10 bytes, the 10th at most 1. Values below 2^49
  // (7 bytes) are accumulated exactly in a double; longer ones continue as a bigint.
  #readUvarint(): number | bigint {
    const start = this.#pos;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      const b = this.#varintByte(start);
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (b === 0 && i > 0) throw this.#error(DecodeErrorCode.VARINT_NON_CANONICAL, 'non-minimal varint', start);
        return value;
      }
      scale *= 128;
    }
    let big = BigInt(value);
    for (let i = 7; i < 10; i++) {
      const b = this.#varintByte(start);
      if (i === 9 && b > 1) throw this.#error(DecodeErrorCode.VARINT_OVERFLOW, 'varint overflows 64 bits', start);
      big |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) {
        if (b === 0) throw this.#error(DecodeErrorCode.VARINT_NON_CANONICAL, 'non-minimal varint', start);
        return big;
      }
    }
    throw this.#error(DecodeErrorCode.VARINT_OVERFLOW, 'varint longer than 10 bytes', start);
  }

  #varintByte(start: number): number {
    if (this.#pos >= this.#end) throw this.#error(DecodeErrorCode.TRUNCATED, 'varint runs past end of input', start);
    return this.#bytes[this.#pos++]!;
  }

  #error(code: DecodeErrorCode, message: string, offset = this.#pos): DecodeError {
    return new DecodeError(code, message, { offset });
  }
}
