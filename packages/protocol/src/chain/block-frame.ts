// Block wire pieces shared by both chains: Bytom v1.1.1 `protocol/bc/types/block.go`,
// `block_header.go`, `block_commitment.go` (Vapor's header shares the same first fields, then a
// witness string instead of nonce and bits).
//
// Upstream also accepts a header-only serialization (flags 0x01) as a "block" with no transactions;
// here a block is always the full serialization (0x03) and a header alone is always 0x01, so every
// accepted input has exactly one meaning and re-encodes to the same bytes.
import { DecodeError, DecodeErrorCode } from '../encoding/errors.ts';
import type { ByteReader } from '../encoding/reader.ts';
import type { ByteWriter } from '../encoding/writer.ts';

export const BlockSerflags = { header: 0x01, full: 0x03 } as const;
export type BlockSerflags = (typeof BlockSerflags)[keyof typeof BlockSerflags];

/** Header fields common to both chains, up to and including the block commitment. */
export type HeaderPrefix = {
  readonly version: bigint;
  readonly height: bigint;
  readonly previousBlockId: Uint8Array;
  readonly timestamp: bigint;
  readonly transactionsMerkleRoot: Uint8Array;
  readonly transactionStatusHash: Uint8Array;
  readonly commitmentSuffix?: Uint8Array | undefined;
};

export function readHeaderPrefix(r: ByteReader, serflags: BlockSerflags): HeaderPrefix {
  const offset = r.offset;
  const flags = r.readByte();
  if (flags !== serflags) {
    throw new DecodeError(DecodeErrorCode.BAD_SERFLAGS, `block serflags 0x${flags.toString(16)}`, { offset });
  }
  const version = r.readVarint63();
  const height = r.readVarint63();
  const previousBlockId = r.readHash();
  const timestamp = r.readVarint63();
  const end = r.openExtensible();
  const transactionsMerkleRoot = r.readHash();
  const transactionStatusHash = r.readHash();
  const commitmentSuffix = r.closeExtensible(end);
  return {
    version,
    height,
    previousBlockId,
    timestamp,
    transactionsMerkleRoot,
    transactionStatusHash,
    commitmentSuffix,
  };
}

export function writeHeaderPrefix(w: ByteWriter, serflags: BlockSerflags, h: HeaderPrefix): void {
  w.writeByte(serflags);
  w.writeVarint63(h.version);
  w.writeVarint63(h.height);
  w.writeHash(h.previousBlockId);
  w.writeVarint63(h.timestamp);
  const start = w.openExtensible();
  w.writeHash(h.transactionsMerkleRoot);
  w.writeHash(h.transactionStatusHash);
  w.closeExtensible(start, h.commitmentSuffix);
}

export function readTxList<T>(r: ByteReader, readTx: (r: ByteReader) => T): T[] {
  const txs: T[] = [];
  for (let n = r.readCount(); n > 0; n--) txs.push(readTx(r));
  return txs;
}

export function writeTxList<T>(w: ByteWriter, txs: readonly T[], writeTx: (w: ByteWriter, tx: T) => void): void {
  w.writeVarint31(txs.length);
  for (const tx of txs) writeTx(w, tx);
}
