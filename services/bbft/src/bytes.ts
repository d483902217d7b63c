// Byte helpers of the bbft service (hex keys for maps and logs, equality).
import { Buffer } from 'node:buffer';

/** Lowercase hex of `bytes`: the key of blocks and producers in maps, and what logs show. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** A copy that owns its memory (protobuf decoders hand out views into one big buffer). */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes);
}

/** Short form of an id for log lines: the first 16 hex digits. */
export function shortHex(bytes: Uint8Array): string {
  return toHex(bytes).slice(0, 16);
}
