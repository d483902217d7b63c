// Boundary checks and byte helpers shared by the consensus rules (not exported from the package).
import { Buffer } from 'node:buffer';
import type { ConsensusResult } from './consensus-result.ts';
import { ConsensusError, ConsensusErrorCode } from './errors.ts';

export const MAX_UINT64 = (1n << 64n) - 1n;
export const PRODUCER_KEY_LENGTH = 64;
export const BLOCK_ID_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;

export function isUint64(value: unknown): value is bigint {
  return typeof value === 'bigint' && value >= 0n && value <= MAX_UINT64;
}

export function assertAmount(value: unknown, what: string): bigint {
  if (!isUint64(value)) {
    throw new ConsensusError(ConsensusErrorCode.InvalidAmount, `${what} must be a uint64 bigint`, { value });
  }
  return value;
}

export function assertHeight(value: unknown, what: string): bigint {
  if (!isUint64(value)) {
    throw new ConsensusError(ConsensusErrorCode.InvalidHeight, `${what} must be a uint64 bigint`, { value });
  }
  return value;
}

function assertBytes(value: unknown, length: number, code: ConsensusErrorCode, what: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    const got = value instanceof Uint8Array ? value.length : typeof value;
    throw new ConsensusError(code, `${what} must be ${length} bytes`, { got });
  }
  return value;
}

export function assertProducerKey(value: unknown, what = 'producer key'): Uint8Array {
  return assertBytes(value, PRODUCER_KEY_LENGTH, ConsensusErrorCode.InvalidProducerKey, what);
}

export function assertBlockId(value: unknown, what = 'block id'): Uint8Array {
  return assertBytes(value, BLOCK_ID_LENGTH, ConsensusErrorCode.InvalidBlockId, what);
}

export function assertSignature(value: unknown, what = 'signature'): Uint8Array {
  return assertBytes(value, SIGNATURE_LENGTH, ConsensusErrorCode.InvalidSignature, what);
}

export function assertProgram(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new ConsensusError(ConsensusErrorCode.InvalidInput, `${what} must be a Uint8Array`);
  }
  return value;
}

/** Lexicographic byte order; a proper prefix sorts first. Equals Go's order on lowercase hex strings. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && compareBytes(a, b) === 0;
}

/** Internal map key of a byte string (lowercase hex, as Vapor keys its maps); node's encoder is native. */
export function keyOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Shape check of a tally handed in by a caller (values made by this module always pass). */
export function assertConsensusResult(result: ConsensusResult): ConsensusResult {
  if (
    typeof result !== 'object' ||
    result === null ||
    !(result.stakes instanceof Map) ||
    !(result.rewards instanceof Map)
  ) {
    throw new ConsensusError(ConsensusErrorCode.InvalidInput, 'tally must have stakes and rewards maps');
  }
  assertHeight(result.blockHeight, 'tally height');
  assertBlockId(result.blockId, 'tally block id');
  return result;
}
