// Byte helpers every service needs at its edges: hex for map keys, logs and config, equality,
// and Buffer views for the generated proto messages (ts-proto types bytes fields as Buffer).
import { Buffer } from 'node:buffer';

/** Lowercase hex of `bytes`, without copying them. */
export function bytesToHex(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('hex');
}

const latin1Slice = Buffer.prototype.latin1Slice as (this: Uint8Array, start: number, end: number) => string;

/**
 * A map key for `bytes`: one char per byte, equal exactly when the bytes are. Half as long as hex and
 * no Buffer object per call, for keys made by the thousand (ids of a block's outputs).
 */
export function bytesKey(bytes: Uint8Array): string {
  return latin1Slice.call(bytes, 0, bytes.byteLength);
}

/** Bytes of a hex string from a trusted source (stops at the first non-hex digit, as Buffer does). */
export function hexToBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** A Buffer view of `bytes` (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
