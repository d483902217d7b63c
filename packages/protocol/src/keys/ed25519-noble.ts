// Ed25519 on @noble/curves point math: the reference path of the chain's verification rule (see
// ed25519-rules.ts), and the reference for signing with an expanded private key (the fast one is
// ed25519InnerSign in ed25519.ts, on libsodium).
// Follows Bytom v1.1.1 `crypto/ed25519/ed25519.go` (Verify) and
// `crypto/ed25519/chainkd/expanded_key.go` (Ed25519InnerSign).
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, concatBytes, equalBytes, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { ED25519_ORDER, ED25519_SIGNATURE_SIZE, hasEd25519SignatureShape } from './ed25519-rules.ts';
import { KeysError } from './errors.ts';

const Point = ed25519.Point;
type Point = InstanceType<typeof Point>;

export const ED25519_EXPANDED_KEY_SIZE = 64;

/** A 256-bit little-endian scalar reduced mod L. */
export function scalarFromBytes(bytes: Uint8Array): bigint {
  return bytesToNumberLE(bytes) % ED25519_ORDER;
}

/** [n]B for a secret n (constant time); n is reduced mod L and may be 0. */
export function multiplyBase(n: bigint): Point {
  const r = n % ED25519_ORDER;
  return r === 0n ? Point.ZERO : Point.BASE.multiply(r);
}

/** [n]B for a public n in [0, L), variable time. */
export function multiplyBaseVartime(n: bigint): Point {
  return Point.BASE.multiplyUnsafe(n);
}

/** ref10's lenient point decoding (y >= p and x = -0 allowed), or undefined when not on the curve. */
export function decodePoint(bytes: Uint8Array): Point | undefined {
  try {
    return Point.fromBytes(bytes, true);
  } catch {
    return undefined;
  }
}

/** Verifies with the chain rule (ref10, cofactorless, S < 2^253). Never throws. */
export function ed25519VerifyNoble(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!hasEd25519SignatureShape(publicKey, signature)) return false;
  const a = decodePoint(publicKey);
  if (a === undefined) return false;
  const r = signature.subarray(0, 32);
  const k = scalarFromBytes(sha512(concatBytes(r, publicKey, message)));
  const s = scalarFromBytes(signature.subarray(32, 64));
  const check = Point.BASE.multiplyUnsafe(s).subtract(a.multiplyUnsafe(k));
  return equalBytes(check.toBytes(), r);
}

/** Throws unless `expandedKey` is 64 bytes with a scalar below 2^255. */
export function checkExpandedKey(expandedKey: Uint8Array): void {
  if (expandedKey.length !== ED25519_EXPANDED_KEY_SIZE) {
    throw new KeysError('BAD_LENGTH', `expanded key must be 64 bytes, got ${expandedKey.length}`);
  }
  // ref10's base-point multiplication is only defined for scalars below 2^255.
  if (expandedKey[31]! >= 0x80) throw new KeysError('BAD_SCALAR', 'expanded key scalar has its top bit set');
}

/** The reference of `ed25519InnerSign` (ed25519.ts), on noble's point math. */
export function ed25519InnerSignNoble(expandedKey: Uint8Array, message: Uint8Array): Uint8Array {
  checkExpandedKey(expandedKey);
  const a = scalarFromBytes(expandedKey.subarray(0, 32));
  const publicKey = multiplyBase(a).toBytes();
  const nonce = scalarFromBytes(sha512(concatBytes(expandedKey.subarray(32, 64), message)));
  const r = multiplyBase(nonce).toBytes();
  const k = scalarFromBytes(sha512(concatBytes(r, publicKey, message)));
  const signature = new Uint8Array(ED25519_SIGNATURE_SIZE);
  signature.set(r, 0);
  signature.set(numberToBytesLE((k * a + nonce) % ED25519_ORDER, 32), 32);
  return signature;
}
