// Side-chain block and header wire format and block id, Vapor `protocol/bc/types/block.go`,
// `block_header.go` (after the commitment: the block witness string), `block_witness.go`, `map.go`.
import { BlockSerflags, readHeaderPrefix, readTxList, writeHeaderPrefix, writeTxList } from '../chain/block-frame.ts';
import { ByteReader } from '../encoding/reader.ts';
import { ByteWriter } from '../encoding/writer.ts';
import { sideBlockHeaderEntryId } from './entry-id.ts';
import { readSideTx, writeSideTx } from './tx-codec.ts';
import type { SideBlock, SideBlockHeader } from './types.ts';

export function decodeSideBlock(bytes: Uint8Array): SideBlock {
  const r = new ByteReader(bytes);
  const header = readSideBlockHeader(r, BlockSerflags.full);
  const transactions = readTxList(r, readSideTx);
  r.expectEnd();
  return { header, transactions };
}

export function encodeSideBlock(block: SideBlock): Uint8Array {
  const w = new ByteWriter(4096);
  writeSideBlockHeader(w, BlockSerflags.full, block.header);
  writeTxList(w, block.transactions, writeSideTx);
  return w.toBytes();
}

/** A header alone (serialization flags 0x01). */
export function decodeSideBlockHeader(bytes: Uint8Array): SideBlockHeader {
  const r = new ByteReader(bytes);
  const header = readSideBlockHeader(r, BlockSerflags.header);
  r.expectEnd();
  return header;
}

export function encodeSideBlockHeader(header: SideBlockHeader): Uint8Array {
  const w = new ByteWriter(256);
  writeSideBlockHeader(w, BlockSerflags.header, header);
  return w.toBytes();
}

/** The block id covers every header field but the witness (producer signatures). */
export function sideBlockId(header: SideBlockHeader): Uint8Array {
  return sideBlockHeaderEntryId(header);
}

/** The header at `r` (serialization flags `serflags`), read to its end. */
export function readSideBlockHeader(r: ByteReader, serflags: BlockSerflags): SideBlockHeader {
  const prefix = readHeaderPrefix(r, serflags);
  const end = r.openExtensible();
  const witness = r.readVarstrList();
  const witnessSuffix = r.closeExtensible(end);
  return { ...prefix, witness, witnessSuffix };
}

function writeSideBlockHeader(w: ByteWriter, serflags: BlockSerflags, header: SideBlockHeader): void {
  writeHeaderPrefix(w, serflags, header);
  const start = w.openExtensible();
  w.writeVarstrList(header.witness);
  w.closeExtensible(start, header.witnessSuffix);
}
