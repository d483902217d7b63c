// libsodium (sodium-native, prebuilt) for the two Ed25519 hot spots, about 2.5x OpenSSL's
// verification through node:crypto and ~15x @noble/curves' base-point multiplication here (see
// bench/ed25519.bench.ts):
//   - verification. Raw, libsodium refuses S >= L and small-order or non-canonical points, so the
//     chain rule wraps it exactly as it wraps OpenSSL (ed25519.ts); accepting, it has checked the
//     same cofactorless equation with R compared byte for byte;
//   - [n]B, for signing with an expanded key (ed25519InnerSign: chainkd) and for public keys.
// libsodium has no scalar multiplication mod L; that one product per signature is a bigint.
import { createRequire } from 'node:module';
import { numberToBytesLE } from '@noble/curves/utils.js';
import { ED25519_ORDER } from './ed25519-rules.ts';

type Sodium = {
  crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  /** Throws when [n]B is the identity (n = 0 mod L). */
  crypto_scalarmult_ed25519_base_noclamp(point: Uint8Array, scalar: Uint8Array): void;
};

const sodium = createRequire(import.meta.url)('sodium-native') as Sodium;

/** Encoding of the identity point (0, 1). */
const IDENTITY = Uint8Array.of(1, ...new Uint8Array(31));

/** libsodium's verdict; the caller has checked the lengths (32-byte key, 64-byte signature). */
export function ed25519VerifyLibsodium(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  return sodium.crypto_sign_verify_detached(signature, message, publicKey);
}

/** The encoding of [n]B for a scalar n (reduced mod L here; n may be 0). */
export function ed25519BaseMultiply(n: bigint): Uint8Array {
  const reduced = n % ED25519_ORDER;
  if (reduced === 0n) return IDENTITY.slice();
  const point = new Uint8Array(32);
  sodium.crypto_scalarmult_ed25519_base_noclamp(point, numberToBytesLE(reduced, 32));
  return point;
}
