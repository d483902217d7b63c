// Shared by ed25519.test.ts and ed25519.hostile.ts: the three-path check, hostile encodings, arbitraries.
import assert from 'node:assert/strict';
import { ED25519_ORDER, ed25519Verify, ed25519VerifyNoble, ed25519VerifyOpenSsl } from '@bystack/protocol';
import { ED25519_TORSION_SUBGROUP, ed25519 } from '@noble/curves/ed25519.js';
import { concatBytes, numberToBytesLE } from '@noble/curves/utils.js';
import fc from 'fast-check';

export const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
export const Point = ed25519.Point;

/** Verifies on the libsodium, OpenSSL and noble paths, asserts they agree, returns the verdict. */
export function allPathsVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const fast = ed25519Verify(publicKey, message, signature);
  const what = `A=${Buffer.from(publicKey).toString('hex')} sig=${Buffer.from(signature).toString('hex')}`;
  assert.equal(fast, ed25519VerifyNoble(publicKey, message, signature), `libsodium and noble disagree: ${what}`);
  assert.equal(fast, ed25519VerifyOpenSsl(publicKey, message, signature), `libsodium and OpenSSL disagree: ${what}`);
  return fast;
}

/** A signature from a chosen R encoding and scalar S (no private key needed for edge cases). */
export function rawSignature(r: Uint8Array, s: bigint): Uint8Array {
  return concatBytes(r, numberToBytesLE(s, 32));
}

// Every encoding ref10 decodes to a point of small order (C2SP/CCTV ed25519 README lists them):
// the eight torsion points, "x = -0" twins of the two with x = 0, and y >= p forms of y = 0 and 1.
export const SMALL_ORDER_KEYS = [
  ...ED25519_TORSION_SUBGROUP,
  '0100000000000000000000000000000000000000000000000000000000000080',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
].map(hex);

export const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
export const messageArb = fc.uint8Array({ maxLength: 200 });

// Arbitrary bytes where a key or R is expected, biased towards the encodings where the rules of
// OpenSSL and ref10 part ways.
export const pointBytesArb = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }),
  fc.constantFrom(...SMALL_ORDER_KEYS),
  fc.integer({ min: 0, max: 18 }).map((d) => numberToBytesLE((1n << 255n) - 19n + BigInt(d), 32)),
  fc.bigInt({ min: 1n, max: ED25519_ORDER - 1n }).map((n) => Point.BASE.multiply(n).toBytes()),
);
