// The validator's names for the runtime's byte helpers.
import { bytesEqual } from '@bystack/runtime';

export { asBuffer as buf, bytesToHex as hex, hexToBytes as unhex } from '@bystack/runtime';

/** Equal bytes, where two absent values are equal too (parents of genesis blocks). */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return bytesEqual(a, b);
}
