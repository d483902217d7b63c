// The Ed25519 verification rule of the chain: Bytom v1.1.1 `crypto/ed25519/ed25519.go` Verify, a
// port of SUPERCOP ref10 (the old golang.org/x/crypto semantics). Both verification paths
// (node:crypto in ed25519.ts, @noble/curves in ed25519-noble.ts) implement exactly this rule:
//   - public key 32 bytes and signature 64 bytes, else invalid;
//   - S only needs its top 3 bits clear (S < 2^253), NOT S < L: S and S + L both verify, so
//     signatures are malleable (no tx or block id covers a signature);
//   - A is decoded leniently: y >= p (non-canonical) and "x = -0" encodings are accepted, and
//     small-order or mixed-order keys are not refused;
//   - cofactorless equation, R compared byte for byte with the encoding of [S]B - [k]A, so a
//     non-canonical R never verifies; k = SHA-512(R || A bytes as given || M) mod L.
// OpenSSL (node:crypto) differs in two ways, measured on Node 24's OpenSSL 3.5 with the 914
// C2SP/CCTV edge-case vectors: it requires S < L, and it refuses small-order A and small-order R. The fast path
// therefore reduces S modulo L first ([S]B = [S - L]B) and leaves small-order or non-canonical
// points to the noble path. Stock `ed25519.verify` of noble is not used: it is cofactored (ZIP-215).
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, hexToBytes, numberToBytesLE } from '@noble/curves/utils.js';

export const ED25519_PUBLIC_KEY_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;

/** Order of the prime subgroup, L = 2^252 + 27742317777372353535851937790883648493. */
export const ED25519_ORDER = (1n << 252n) + 27742317777372353535851937790883648493n;

/** Lengths are right and S < 2^253 (upstream `sig[63]&224 != 0` check). */
export function hasEd25519SignatureShape(publicKey: Uint8Array, signature: Uint8Array): boolean {
  return (
    publicKey.length === ED25519_PUBLIC_KEY_SIZE &&
    signature.length === ED25519_SIGNATURE_SIZE &&
    (signature[63]! & 0xe0) === 0
  );
}

// The eight points of order dividing 8, plus the "x = -0" forms of the two with x = 0 (identity
// and order 2), which ref10 decodes to the same points. The y >= p forms of low-order points are
// caught by `isNonCanonicalEncoding` instead.
const SMALL_ORDER_ENCODINGS: readonly Uint8Array[] = [
  ...ED25519_TORSION_SUBGROUP,
  '0100000000000000000000000000000000000000000000000000000000000080',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
].map((h) => hexToBytes(h));

function equal32(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One of the encodings of a point of order 1, 2, 4 or 8. `point` is 32 bytes. */
export function isSmallOrderEncoding(point: Uint8Array): boolean {
  for (const e of SMALL_ORDER_ENCODINGS) if (e[0] === point[0] && equal32(e, point)) return true;
  return false;
}

/** The y coordinate (low 255 bits) is >= p = 2^255 - 19. `point` is 32 bytes. */
export function isNonCanonicalEncoding(point: Uint8Array): boolean {
  if ((point[31]! & 0x7f) !== 0x7f || point[0]! < 0xed) return false;
  for (let i = 1; i < 31; i++) if (point[i] !== 0xff) return false;
  return true;
}

/**
 * Where OpenSSL's verdict may differ from the chain rule for reasons other than S: a small-order or
 * non-canonical public key, or a small-order R. Honest keys and signatures never hit this.
 */
export function needsEd25519ReferencePath(publicKey: Uint8Array, signature: Uint8Array): boolean {
  return (
    isSmallOrderEncoding(publicKey) ||
    isNonCanonicalEncoding(publicKey) ||
    isSmallOrderEncoding(signature.subarray(0, 32))
  );
}

/**
 * The signature with S replaced by S mod L (same array when S < L already). Only for signatures
 * that passed `hasEd25519SignatureShape`: S < 2^253 < 2L, so one subtraction suffices.
 */
export function reduceEd25519SignatureScalar(signature: Uint8Array): Uint8Array {
  if (signature[63]! < 0x10) return signature; // S < 2^252 < L
  const s = bytesToNumberLE(signature.subarray(32, 64));
  if (s < ED25519_ORDER) return signature;
  const reduced = signature.slice();
  reduced.set(numberToBytesLE(s - ED25519_ORDER, 32), 32);
  return reduced;
}
