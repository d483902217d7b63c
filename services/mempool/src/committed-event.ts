// A committed event (`chainV1.BlockCommitted`) read as the follower needs it, straight from the
// message's bytes: the generated decoder copies the block (most of the message, unused when the
// event carries the block's effects) and every id into a Buffer of its own, which the follower then
// only turns into hex keys. Here each id's hex key is read from its place in the message, the block
// stays a view, and the ref's few bytes go through the generated decoder.
import { chainV1 } from '@bystack/proto';
import type { ChainTip } from '@bystack/runtime';
import { asBuffer } from './hex.ts';
import type { BlockEffects } from './pool-chain.ts';

export type CommittedEvent = {
  /** The committed block, when the event's ref names one. */
  readonly tip: ChainTip | undefined;
  /** The block's wire bytes, a view into the message (empty when absent). */
  readonly block: Uint8Array;
  /** What the block's transactions did, when the validator said. */
  readonly effects: BlockEffects | undefined;
};

/** Protobuf wire types (groups, 3 and 4, are not used by these messages). */
const WireType = { Varint: 0, Fixed64: 1, Bytes: 2, Fixed32: 5 } as const;

/** A field of a protobuf message: its number, and where a length-delimited value lies. */
type Field = { number: number; wireType: number; start: number; end: number };

/** Walks the fields of the message in `buf[start..end)`, last occurrence of a field winning. */
class Fields {
  readonly #buf: Uint8Array;
  readonly #end: number;
  #pos: number;
  /** Reused for every field: the walk allocates nothing per field. */
  readonly field: Field = { number: 0, wireType: 0, start: 0, end: 0 };

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.#buf = buf;
    this.#pos = start;
    this.#end = end;
  }

  /** Moves to the next field (false at the end); throws on a malformed message. */
  next(): boolean {
    if (this.#pos >= this.#end) return false;
    const tag = this.#varint();
    const f = this.field;
    f.number = Math.floor(tag / 8);
    f.wireType = tag % 8;
    if (f.number === 0) throw new Error('protobuf field number 0');
    switch (f.wireType) {
      case WireType.Varint:
        this.#varint();
        break;
      case WireType.Fixed64:
        this.#skip(8);
        break;
      case WireType.Fixed32:
        this.#skip(4);
        break;
      case WireType.Bytes: {
        const length = this.#varint();
        f.start = this.#pos;
        this.#skip(length);
        f.end = this.#pos;
        break;
      }
      default:
        throw new Error(`protobuf wire type ${f.wireType} not supported`);
    }
    return true;
  }

  #skip(n: number): void {
    this.#pos += n;
    if (this.#pos > this.#end) throw new Error('truncated protobuf message');
  }

  #varint(): number {
    let value = 0;
    for (let scale = 1; scale < 2 ** 64; scale *= 128) {
      if (this.#pos >= this.#end) throw new Error('truncated protobuf varint');
      const byte = this.#buf[this.#pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
    }
    throw new Error('protobuf varint too long');
  }
}

/** The hex keys of the ids at `spans` (start, end pairs) of `buf`. */
function hexKeysAt(buf: Buffer, spans: readonly number[]): string[] {
  const keys: string[] = new Array(spans.length / 2);
  for (let i = 0; i < keys.length; i++) keys[i] = buf.toString('hex', spans[2 * i], spans[2 * i + 1]);
  return keys;
}

/** `BlockTxEffects` at `buf[start..end)`; the created outputs' keys are made on first use (seldom). */
function readEffects(buf: Buffer, start: number, end: number): BlockEffects {
  const spans: [number[], number[], number[]] = [[], [], []];
  const fields = new Fields(buf, start, end);
  const { field } = fields;
  while (fields.next()) {
    if (field.wireType === WireType.Bytes && field.number >= 1 && field.number <= 3) {
      spans[field.number - 1]!.push(field.start, field.end);
    }
  }
  let created: Set<string> | undefined;
  return {
    txKeys: hexKeysAt(buf, spans[0]),
    consumes: hexKeysAt(buf, spans[1]),
    leavesUnspent: (out) => {
      created ??= new Set(hexKeysAt(buf, spans[2]));
      return created.has(out);
    },
  };
}

/** Reads `data`, a `chainV1.BlockCommitted`; throws on a malformed message. */
export function readCommittedEvent(data: Uint8Array): CommittedEvent {
  const buf = asBuffer(data);
  let ref: chainV1.BlockRef | undefined;
  let block: Uint8Array = new Uint8Array(0);
  let effects: { start: number; end: number } | undefined;
  const fields = new Fields(buf);
  const { field } = fields;
  while (fields.next()) {
    if (field.wireType !== WireType.Bytes) continue;
    if (field.number === 1) ref = chainV1.BlockRef.decode(buf.subarray(field.start, field.end));
    else if (field.number === 2) block = rawBlockBytes(buf, field.start, field.end);
    else if (field.number === 3) effects = { start: field.start, end: field.end };
  }
  return {
    tip: ref?.blockId.length ? { height: Number(ref.height), blockId: ref.blockId } : undefined,
    block,
    effects: effects === undefined ? undefined : readEffects(buf, effects.start, effects.end),
  };
}

/** The `bytes` of the `RawBlock` at `buf[start..end)`, a view. */
function rawBlockBytes(buf: Buffer, start: number, end: number): Uint8Array {
  let bytes: Uint8Array = new Uint8Array(0);
  const fields = new Fields(buf, start, end);
  const { field } = fields;
  while (fields.next()) {
    if (field.number === 1 && field.wireType === WireType.Bytes) bytes = buf.subarray(field.start, field.end);
  }
  return bytes;
}
