// Byte helpers of the bbft service (hex keys for maps and logs, equality).
import { bytesToHex } from '@bystack/runtime';

export { bytesEqual as sameBytes, bytesToHex as toHex, hexToBytes as fromHex } from '@bystack/runtime';

/** A copy that owns its memory (protobuf decoders hand out views into one big buffer). */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes);
}

/** Short form of an id for log lines: the first 16 hex digits. */
export function shortHex(bytes: Uint8Array): string {
  return bytesToHex(bytes).slice(0, 16);
}
