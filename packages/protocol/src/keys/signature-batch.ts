// Packs many signature sets into one ArrayBuffer, so that a batch crosses to a worker thread as a
// single transferred buffer instead of thousands of structured-cloned objects. Layout (uint32 in
// platform order: both ends are the same process):
//   count n | n + 1 message offsets (relative to the message area) | n x (key 32 | signature 64) | messages
// Only sets with a 32-byte key and 64-byte signature are packed; the others are false anyway.

import { ed25519Verify } from './ed25519.ts';
import { ED25519_PUBLIC_KEY_SIZE, ED25519_SIGNATURE_SIZE } from './ed25519-rules.ts';
import { SignatureVerifierError } from './errors.ts';
import type { Ed25519SignatureSet } from './signature-set.ts';

const FIXED_SIZE = ED25519_PUBLIC_KEY_SIZE + ED25519_SIGNATURE_SIZE;

export function isPackableSignatureSet(set: Ed25519SignatureSet): boolean {
  return set.publicKey.length === ED25519_PUBLIC_KEY_SIZE && set.signature.length === ED25519_SIGNATURE_SIZE;
}

/** Packs `sets[i]` for each i of `indexes` (all packable), in that order. */
export function packSignatureSets(sets: readonly Ed25519SignatureSet[], indexes: readonly number[]): ArrayBuffer {
  const n = indexes.length;
  const headerSize = 4 * (n + 2);
  let messageBytes = 0;
  for (const i of indexes) messageBytes += sets[i]!.message.length;
  const buffer = new ArrayBuffer(headerSize + n * FIXED_SIZE + messageBytes);
  const header = new Uint32Array(buffer, 0, n + 2);
  const bytes = new Uint8Array(buffer);
  const messageStart = headerSize + n * FIXED_SIZE;
  header[0] = n;
  let offset = 0;
  indexes.forEach((setIndex, j) => {
    const set = sets[setIndex]!;
    bytes.set(set.publicKey, headerSize + j * FIXED_SIZE);
    bytes.set(set.signature, headerSize + j * FIXED_SIZE + ED25519_PUBLIC_KEY_SIZE);
    header[1 + j] = offset;
    bytes.set(set.message, messageStart + offset);
    offset += set.message.length;
  });
  header[1 + n] = offset;
  return buffer;
}

/** The sets of a packed batch (views into `buffer`), e.g. as a replica received them. Throws on a malformed buffer. */
export function unpackSignatureSets(buffer: ArrayBuffer): Ed25519SignatureSet[] {
  const view = layoutOf(buffer);
  return Array.from({ length: view.n }, (_, j) => view.set(j));
}

/** Reads a packed batch's layout, checking every offset against the buffer's length. */
function layoutOf(buffer: ArrayBuffer) {
  const fail = () => new SignatureVerifierError('BAD_BATCH', 'malformed packed signature batch');
  if (buffer.byteLength < 8) throw fail();
  const n = new Uint32Array(buffer, 0, 1)[0]!;
  const headerSize = 4 * (n + 2);
  const messageStart = headerSize + n * FIXED_SIZE;
  if (n > buffer.byteLength / FIXED_SIZE || messageStart > buffer.byteLength) throw fail();
  const offsets = new Uint32Array(buffer, 4, n + 1);
  if (offsets[0] !== 0 || messageStart + offsets[n]! !== buffer.byteLength) throw fail();
  for (let j = 0; j < n; j++) if (offsets[j + 1]! < offsets[j]!) throw fail();
  const bytes = new Uint8Array(buffer);
  return {
    n,
    set(j: number): Ed25519SignatureSet {
      const keyAt = headerSize + j * FIXED_SIZE;
      return {
        publicKey: bytes.subarray(keyAt, keyAt + ED25519_PUBLIC_KEY_SIZE),
        signature: bytes.subarray(keyAt + ED25519_PUBLIC_KEY_SIZE, keyAt + FIXED_SIZE),
        message: bytes.subarray(messageStart + offsets[j]!, messageStart + offsets[j + 1]!),
      };
    },
  };
}

/** Verifies a packed batch: one byte per set, 1 when valid. Runs inside the worker. */
export function verifyPackedSignatureSets(buffer: ArrayBuffer): Uint8Array<ArrayBuffer> {
  const view = layoutOf(buffer);
  const verdicts = new Uint8Array(view.n);
  for (let j = 0; j < view.n; j++) {
    const { publicKey, message, signature } = view.set(j);
    verdicts[j] = ed25519Verify(publicKey, message, signature) ? 1 : 0;
  }
  return verdicts;
}
