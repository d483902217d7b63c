// Main-chain block and header wire format and block id, Bytom v1.1.1 `protocol/bc/types/block.go`,
// `block_header.go` (after the commitment: nonce, bits) and `map.go` (mapBlockHeader).
import { ByteReader } from '../encoding/reader.ts';
import { ByteWriter } from '../encoding/writer.ts';
import { BlockSerflags, readHeaderPrefix, readTxList, writeHeaderPrefix, writeTxList } from './block-frame.ts';
import { blockHeaderEntryId } from './entry-id.ts';
import { readTx, writeTx } from './tx-codec.ts';
import type { Block, BlockHeader } from './types.ts';

export function decodeBlock(bytes: Uint8Array): Block {
  const r = new ByteReader(bytes);
  const header = readBlockHeader(r, BlockSerflags.full);
  const transactions = readTxList(r, readTx);
  r.expectEnd();
  return { header, transactions };
}

export function encodeBlock(block: Block): Uint8Array {
  const w = new ByteWriter(4096);
  writeBlockHeader(w, BlockSerflags.full, block.header);
  writeTxList(w, block.transactions, writeTx);
  return w.toBytes();
}

/** A header alone (serialization flags 0x01), as upstream's BlockHeader.MarshalText writes it. */
export function decodeBlockHeader(bytes: Uint8Array): BlockHeader {
  const r = new ByteReader(bytes);
  const header = readBlockHeader(r, BlockSerflags.header);
  r.expectEnd();
  return header;
}

export function encodeBlockHeader(header: BlockHeader): Uint8Array {
  const w = new ByteWriter(128);
  writeBlockHeader(w, BlockSerflags.header, header);
  return w.toBytes();
}

/** The block id: the "blockheader" entry id of every header field (the suffix is not covered). */
export function blockId(header: BlockHeader): Uint8Array {
  return blockHeaderEntryId(header);
}

function readBlockHeader(r: ByteReader, serflags: BlockSerflags): BlockHeader {
  const prefix = readHeaderPrefix(r, serflags);
  const nonce = r.readVarint63();
  const bits = r.readVarint63();
  return {
    version: prefix.version,
    height: prefix.height,
    previousBlockId: prefix.previousBlockId,
    timestamp: prefix.timestamp,
    transactionsMerkleRoot: prefix.transactionsMerkleRoot,
    transactionStatusHash: prefix.transactionStatusHash,
    nonce,
    bits,
    commitmentSuffix: prefix.commitmentSuffix,
  };
}

function writeBlockHeader(w: ByteWriter, serflags: BlockSerflags, header: BlockHeader): void {
  writeHeaderPrefix(w, serflags, header);
  w.writeVarint63(header.nonce);
  w.writeVarint63(header.bits);
}
