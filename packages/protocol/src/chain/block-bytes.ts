// A block's bytes are its header, then its transactions (Bytom/Vapor wire format, block-frame.ts: a
// full block starts with the serialization flags 0x03, a header alone with 0x01, and the header's
// fields are written the same way in both; every accepted input is canonical). Two
// blocks that differ only in their header (a side block's witness: its producers' signatures, outside
// the block id) share the bytes of their transactions: these helpers compare and splice those bytes
// instead of decoding or encoding the whole body again.
import { BlockSerflags } from './block-frame.ts';

/** How a chain encodes a header alone. */
export type HeaderCodec<H> = {
  encodeHeader(header: H): Uint8Array;
  decodeHeader(bytes: Uint8Array): H;
};

/** The transactions' bytes of `bytes`, the canonical encoding of a block whose header is `header`. */
export function bodyOf<H>(codec: HeaderCodec<H>, bytes: Uint8Array, header: H): Uint8Array {
  return bytes.subarray(codec.encodeHeader(header).length);
}

/**
 * The header of the block `bytes` when its transactions are byte for byte `body`; undefined when they
 * are not, or the rest is not exactly one header (the caller decodes the whole block then). The block
 * `bytes` is then that header with the transactions `body` was decoded into: reading a header consumes
 * exactly its bytes, and `body` decoded to its end.
 */
export function headerBefore<H>(codec: HeaderCodec<H>, bytes: Uint8Array, body: Uint8Array): H | undefined {
  const at = bytes.length - body.length;
  if (at <= 1 || bytes[0] !== BlockSerflags.full) return undefined;
  if (Buffer.compare(bytes.subarray(at), body) !== 0) return undefined;
  const header = bytes.slice(0, at);
  header[0] = BlockSerflags.header;
  try {
    return codec.decodeHeader(header);
  } catch {
    return undefined;
  }
}

/** The bytes of the block whose header is `header` and whose transactions' bytes are `body`. */
export function withHeader<H>(codec: HeaderCodec<H>, header: H, body: Uint8Array): Uint8Array {
  const head = codec.encodeHeader(header);
  const bytes = new Uint8Array(head.length + body.length);
  bytes.set(head);
  bytes[0] = BlockSerflags.full;
  bytes.set(body, head.length);
  return bytes;
}
