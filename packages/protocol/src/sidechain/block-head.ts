// A side block read only as far as its header. A producer that receives a block needs its header
// (height, parent, timestamp, the witness's signatures) at once, but its transactions only for the
// tally's few facts (consensus/consensus-block-bytes.ts), and only once the node's validator, which
// decodes and checks everything, has accepted the block: until then they stay bytes.
import { BlockSerflags } from '../chain/block-frame.ts';
import { DecodeError } from '../encoding/errors.ts';
import { ByteReader } from '../encoding/reader.ts';
import { readSideBlockHeader } from './block-codec.ts';
import type { SideBlockHeader } from './types.ts';

/** A side block's header, decoded, and its transactions' bytes (the block frame's tx list), unread. */
export type SideBlockHead = {
  readonly header: SideBlockHeader;
  /** Not checked: a block's transactions are the bytes from the end of its header to its end. */
  readonly body: Uint8Array;
};

/**
 * A header is a few hundred bytes; it is read from a copy of the block's first bytes only (the
 * reader copies its input, and the header's fields are views of that copy that may live long).
 */
const HEAD_WINDOW = 2048;

/**
 * The header of the full block `bytes` (flags 0x03), as decodeSideBlock reads it, and the bytes
 * after it. Throws the DecodeError that decodeSideBlock would throw on a bad header.
 */
export function decodeSideBlockHead(bytes: Uint8Array): SideBlockHead {
  if (bytes.length > HEAD_WINDOW) {
    try {
      return headIn(bytes, HEAD_WINDOW);
    } catch (err) {
      // A header longer than the window (or a bad one): read again with the whole block in view.
      if (!(err instanceof DecodeError)) throw err;
    }
  }
  return headIn(bytes, bytes.length);
}

function headIn(bytes: Uint8Array, window: number): SideBlockHead {
  const r = new ByteReader(bytes.subarray(0, window));
  const header = readSideBlockHeader(r, BlockSerflags.full);
  return { header, body: bytes.subarray(r.offset) };
}
