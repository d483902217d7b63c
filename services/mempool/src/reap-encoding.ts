// ReapTxs' answer written in one pass into one buffer of its exact size. A full reap is a block's
// worth of transactions on every slot; the generated encoder copies each transaction's bytes into
// growing chunks, joins the chunks into one array and copies that into a Buffer again. The bytes are
// those of the generated encoder (same fields, same order: `reap-encoding.test.ts`).
import { mempoolV1 } from '@bystack/proto';

/** Tags of the length-delimited fields written here: ReapTxsResponse.txs (1), .tx_ids (5), RawTx.bytes (1). */
const TXS_TAG = 0x0a;
const TX_IDS_TAG = 0x2a;
const RAW_TX_BYTES_TAG = 0x0a;

function varintSize(n: number): number {
  let size = 1;
  for (; n >= 0x80; n = Math.floor(n / 0x80)) size++;
  return size;
}

/** Size of a length-delimited field of `length` bytes with a one-byte tag. */
const fieldSize = (length: number) => 1 + varintSize(length) + length;

/** Size of a RawTx holding `length` bytes (an empty `bytes` is left out, as proto3 does). */
const rawTxSize = (length: number) => (length === 0 ? 0 : fieldSize(length));

class Out {
  readonly buf: Buffer;
  at = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  varint(n: number): void {
    for (; n >= 0x80; n = Math.floor(n / 0x80)) this.buf[this.at++] = (n % 0x80) | 0x80;
    this.buf[this.at++] = n;
  }

  field(tag: number, length: number): void {
    this.buf[this.at++] = tag;
    this.varint(length);
  }

  bytes(bytes: Uint8Array): void {
    this.buf.set(bytes, this.at);
    this.at += bytes.length;
  }
}

/** `mempoolV1.ReapTxsResponse.encode(res)`'s bytes, in one Buffer written once. */
export function encodeReapTxsResponse(res: mempoolV1.ReapTxsResponse): Buffer {
  const rest = mempoolV1.ReapTxsResponse.encode({ ...res, txs: [], txIds: [] }).finish();
  let size = rest.length;
  for (const tx of res.txs) size += fieldSize(rawTxSize(tx.bytes.length));
  for (const id of res.txIds) size += fieldSize(id.length);
  const out = new Out(size);
  for (const { bytes } of res.txs) {
    out.field(TXS_TAG, rawTxSize(bytes.length));
    if (bytes.length === 0) continue;
    out.field(RAW_TX_BYTES_TAG, bytes.length);
    out.bytes(bytes);
  }
  out.bytes(rest);
  for (const id of res.txIds) {
    out.field(TX_IDS_TAG, id.length);
    out.bytes(id);
  }
  if (out.at !== size) throw new Error(`ReapTxsResponse: wrote ${out.at} of ${size} bytes`);
  return out.buf;
}
