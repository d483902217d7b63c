// Typed errors of the wire codecs. Decoders read untrusted bytes: every way they can fail has a
// stable code here, so a caller (mempool, p2p, API) can branch on `err.code` and never sees a crash.
import { ProtocolError } from '../errors.ts';

export const DecodeErrorCode = {
  /** The input is not a Uint8Array (a Node Buffer is fine). */
  NOT_BYTES: 'NOT_BYTES',
  /** A fixed-size field (byte, hash, flag) runs past the end of the input. */
  TRUNCATED: 'TRUNCATED',
  /** A varint is longer than 10 bytes or its value needs more than 64 bits. */
  VARINT_OVERFLOW: 'VARINT_OVERFLOW',
  /** A varint has redundant trailing zero groups (e.g. `80 00` for 0): one value, one encoding. */
  VARINT_NON_CANONICAL: 'VARINT_NON_CANONICAL',
  /** A varint31 above 2^31-1 or a varint63 above 2^63-1 (upstream `ErrRange`). */
  VALUE_OUT_OF_RANGE: 'VALUE_OUT_OF_RANGE',
  /** A length prefix or element count is larger than the bytes that remain. */
  LENGTH_TOO_LARGE: 'LENGTH_TOO_LARGE',
  /** Bytes remain after the last field of a top-level object. */
  TRAILING_BYTES: 'TRAILING_BYTES',
  /** Unknown serialization flags byte for a transaction or block. */
  BAD_SERFLAGS: 'BAD_SERFLAGS',
  /** Unknown input or output type byte. */
  UNKNOWN_TYPE: 'UNKNOWN_TYPE',
  /** Asset version other than 1: no such input or output can ever be valid, so it is refused here. */
  UNKNOWN_ASSET_VERSION: 'UNKNOWN_ASSET_VERSION',
  /** VM version other than 1 inside a spend or output commitment (upstream refuses it while decoding). */
  UNKNOWN_VM_VERSION: 'UNKNOWN_VM_VERSION',
  /** An issuance's committed asset id differs from the one its witness computes (upstream `errBadAssetID`). */
  ASSET_ID_MISMATCH: 'ASSET_ID_MISMATCH',
  /** A main-chain coinbase input in a transaction without outputs (upstream mapping would panic). */
  COINBASE_WITHOUT_OUTPUT: 'COINBASE_WITHOUT_OUTPUT',
} as const;
export type DecodeErrorCode = (typeof DecodeErrorCode)[keyof typeof DecodeErrorCode];

export class DecodeError extends ProtocolError<DecodeErrorCode> {}

export const EncodeErrorCode = {
  /** An integer field is negative, fractional or above its wire range (varint31 / varint63 / uint64). */
  VALUE_OUT_OF_RANGE: 'VALUE_OUT_OF_RANGE',
  /** A hash or asset id field is not exactly 32 bytes. */
  BAD_HASH_LENGTH: 'BAD_HASH_LENGTH',
  /** A byte string or list is longer than a varint31 length prefix can say. */
  LENGTH_TOO_LARGE: 'LENGTH_TOO_LARGE',
  /** A main-chain coinbase transaction without outputs has no entry graph (upstream would panic). */
  COINBASE_WITHOUT_OUTPUT: 'COINBASE_WITHOUT_OUTPUT',
} as const;
export type EncodeErrorCode = (typeof EncodeErrorCode)[keyof typeof EncodeErrorCode];

/** Thrown when a hand-built object cannot be serialized or hashed (decoded objects always can). */
export class EncodeError extends ProtocolError<EncodeErrorCode> {}

export function isDecodeError(err: unknown): err is DecodeError {
  return err instanceof DecodeError;
}
