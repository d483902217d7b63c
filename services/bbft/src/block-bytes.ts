// Side blocks' bytes, kept by their transactions. The blocks bbft sends (to its validator, on
// net.block) differ from one it decoded or encoded a moment before only in their witness: its own
// block is checked, then submitted signed and announced; a peer's block is decoded from net.block,
// then submitted with its owner's signature. Their transactions are not encoded again: the header
// is, in front of the kept bytes (@bystack/protocol withHeader). An own block's transactions are not
// encoded even once: their bytes are the coinbase's and the mempool's wire bytes (keepTxBytes).
import {
  ByteWriter,
  bodyOf,
  decodeSideBlock,
  decodeSideBlockHeader,
  encodeSideBlock,
  encodeSideBlockHeader,
  type SideBlock,
  type SideTx,
  withHeader,
} from '@bystack/protocol';

const codec = { encodeHeader: encodeSideBlockHeader, decodeHeader: decodeSideBlockHeader };
/** The transactions' bytes of the blocks decoded or encoded here, by their (never changed) array. */
const bodies = new WeakMap<readonly SideTx[], Uint8Array>();

/** decodeSideBlock, keeping the transactions' bytes for encodeBlock. */
export function decodeBlock(bytes: Uint8Array): SideBlock {
  const block = decodeSideBlock(bytes);
  bodies.set(block.transactions, bodyOf(codec, bytes, block.header));
  return block;
}

/** encodeSideBlock, with the transactions' bytes taken from a block with the same ones when known. */
export function encodeBlock(block: SideBlock): Uint8Array {
  const body = bodies.get(block.transactions);
  if (body !== undefined) return withHeader(codec, block.header, body);
  const bytes = encodeSideBlock(block);
  bodies.set(block.transactions, bodyOf(codec, bytes, block.header));
  return bytes;
}

/**
 * Keeps `txBytes`, the wire bytes of `block`'s transactions in order, as its body (the block frame's
 * tx list: the count, then each tx), so that encodeBlock does not encode them. Wire bytes that decode
 * are the canonical encoding (the codec accepts no other), so the block's bytes are the same.
 */
export function keepTxBytes(block: SideBlock, txBytes: readonly Uint8Array[]): void {
  const w = new ByteWriter(txBytes.reduce((n, b) => n + b.length, 8));
  w.writeVarint31(txBytes.length);
  for (const b of txBytes) w.writeBytes(b);
  bodies.set(block.transactions, w.toBytes());
}
