// Typed errors of the proof-of-work area (Tensority, difficulty, seed schedule).
import { ProtocolError } from '../errors.ts';

export const PowErrorCode = {
  /** A hash, seed or block id is not exactly 32 bytes. */
  BadLength: 'POW_BAD_LENGTH',
  /** A compact `bits`, timestamp, height or interval is outside its range. */
  OutOfRange: 'POW_OUT_OF_RANGE',
  /** The seed schedule needs the id of an ancestor block that was not given. */
  MissingSeedBlock: 'POW_MISSING_SEED_BLOCK',
  /** tensorityWithCache was given something createTensorityCache did not make. */
  BadCache: 'POW_BAD_CACHE',
  /** The Tensority WebAssembly module cannot run here (no WebAssembly SIMD). */
  WasmUnavailable: 'POW_WASM_UNAVAILABLE',
} as const;
export type PowErrorCode = (typeof PowErrorCode)[keyof typeof PowErrorCode];

export class PowError extends ProtocolError<PowErrorCode> {}

export function assertHash32(value: Uint8Array, what: string): void {
  if (!(value instanceof Uint8Array) || value.length !== 32) {
    throw new PowError(PowErrorCode.BadLength, `${what} must be 32 bytes`, {
      length: value instanceof Uint8Array ? value.length : undefined,
    });
  }
}
