// Typed errors of the keys area: key material, bech32 strings and addresses, signature verifiers.
// Verification itself never throws (a bad signature is `false`); these are for malformed inputs
// to key derivation and encoding, and for the lifecycle of a verifier pool.
import { ProtocolError } from '../errors.ts';

export const KeysErrorCode = {
  /** A seed, key, selector or signature has the wrong number of bytes. */
  BAD_LENGTH: 'BAD_LENGTH',
  /** The first 32 bytes of an xpub do not decode to a curve point (upstream would panic). */
  BAD_PUBLIC_KEY: 'BAD_PUBLIC_KEY',
  /**
   * An xprv scalar has its top bit set, or a non-hardened child would overflow it. chainkd never
   * makes such keys (root scalars are < 2^255 and children add < 2^234); upstream's base-point
   * multiplication gives wrong results for them and its child derivation panics.
   */
  BAD_SCALAR: 'BAD_SCALAR',
  /** A derivation-path index is outside its unsigned range. */
  BAD_PATH_INDEX: 'BAD_PATH_INDEX',
} as const;
export type KeysErrorCode = (typeof KeysErrorCode)[keyof typeof KeysErrorCode];

export class KeysError extends ProtocolError<KeysErrorCode> {}

export const Bech32ErrorCode = {
  /** Shorter than 8 or longer than 90 characters (BIP-173). */
  BAD_LENGTH: 'BAD_LENGTH',
  /** A character outside ASCII 33..126, or a data character outside the bech32 charset. */
  BAD_CHARACTER: 'BAD_CHARACTER',
  /** Upper and lower case letters mixed. */
  MIXED_CASE: 'MIXED_CASE',
  /** No '1' separator, an empty human-readable part, or fewer than 6 checksum characters. */
  BAD_SEPARATOR: 'BAD_SEPARATOR',
  BAD_CHECKSUM: 'BAD_CHECKSUM',
  /** Regrouping 5-bit words into bytes left more than 4 bits, or non-zero padding bits. */
  BAD_PADDING: 'BAD_PADDING',
  /** The address does not start with the network's human-readable part (upstream `ErrUnknownAddressType`). */
  WRONG_NETWORK: 'WRONG_NETWORK',
  /** Witness version above 16, or missing. */
  BAD_WITNESS_VERSION: 'BAD_WITNESS_VERSION',
  /** A valid witness version other than 0 (upstream `ErrUnsupportedWitnessVer`). */
  UNSUPPORTED_WITNESS_VERSION: 'UNSUPPORTED_WITNESS_VERSION',
  /** A witness program that is not 2..40 bytes, or, for version 0, not 20 or 32 bytes. */
  BAD_PROGRAM_LENGTH: 'BAD_PROGRAM_LENGTH',
} as const;
export type Bech32ErrorCode = (typeof Bech32ErrorCode)[keyof typeof Bech32ErrorCode];

export class Bech32Error extends ProtocolError<Bech32ErrorCode> {}

export const SignatureVerifierErrorCode = {
  /** The verifier was closed: new work is refused and pending work is rejected. */
  CLOSED: 'CLOSED',
  /** A worker thread died while verifying a batch; the batch's result is unknown. */
  WORKER_FAILED: 'WORKER_FAILED',
  /** Pool options out of range (worker count, batch size, queue bound). */
  BAD_OPTIONS: 'BAD_OPTIONS',
  /** A packed signature batch whose layout does not add up (e.g. one a replica received). */
  BAD_BATCH: 'BAD_BATCH',
} as const;
export type SignatureVerifierErrorCode = (typeof SignatureVerifierErrorCode)[keyof typeof SignatureVerifierErrorCode];

export class SignatureVerifierError extends ProtocolError<SignatureVerifierErrorCode> {}
