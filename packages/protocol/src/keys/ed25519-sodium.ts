// libsodium's Ed25519 verification (sodium-native, prebuilt), about twice as fast as OpenSSL's
// through node:crypto on this machine (see bench/ed25519.bench.ts). Raw: it refuses S >= L and
// small-order or non-canonical points, so the chain rule wraps it exactly as it wraps OpenSSL
// (ed25519.ts). Accepting, it has checked the same cofactorless equation with R compared byte for byte.
import { createRequire } from 'node:module';

type Sodium = {
  crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
};

const sodium = createRequire(import.meta.url)('sodium-native') as Sodium;

/** libsodium's verdict; the caller has checked the lengths (32-byte key, 64-byte signature). */
export function ed25519VerifyLibsodium(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  return sodium.crypto_sign_verify_detached(signature, message, publicKey);
}
