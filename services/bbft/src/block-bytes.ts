// Side blocks' bytes, kept by their transactions. The blocks bbft sends (to its validator, on
// net.block) differ from one it decoded or encoded a moment before only in their witness: its own
// block is checked, then submitted signed and announced; a peer's block is read from net.block,
// then submitted with its owner's signature. Their transactions are not encoded again: the header
// is, in front of the kept bytes (@bystack/protocol withHeader). An own block's transactions are not
// encoded even once: their bytes are the coinbase's and the mempool's wire bytes (keepTxBytes). A
// peer's block is not even decoded: it is read to its header (a `SideBlockHead`), its transactions'
// bytes go to the validator as they came, and the tally reads its few facts from them.
import {
  ByteWriter,
  bodyOf,
  decodeSideBlock,
  decodeSideBlockHeader,
  encodeSideBlock,
  encodeSideBlockHeader,
  type SideBlock,
  type SideBlockHead,
  type SideTx,
  withHeader,
} from '@bystack/protocol';

/** A block bbft holds: decoded (its own, the validator's), or read to its header (a peer's, from net.block). */
export type BbftBlock = SideBlock | SideBlockHead;

const codec = { encodeHeader: encodeSideBlockHeader, decodeHeader: decodeSideBlockHeader };
/** The transactions' bytes of the blocks decoded or encoded here, by their (never changed) array. */
const bodies = new WeakMap<readonly SideTx[], Uint8Array>();

/** decodeSideBlock, keeping the transactions' bytes for encodeBlock. */
export function decodeBlock(bytes: Uint8Array): SideBlock {
  const block = decodeSideBlock(bytes);
  bodies.set(block.transactions, bodyOf(codec, bytes, block.header));
  return block;
}

/** encodeSideBlock, with the transactions' bytes taken from the block's head or from a block with the same ones. */
export function encodeBlock(block: BbftBlock): Uint8Array {
  if ('body' in block) return withHeader(codec, block.header, block.body);
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
