// Ed25519 for the chain. Verification follows the chain rule of ed25519-rules.ts (Bytom v1.1.1
// `crypto/ed25519/ed25519.go`): S is reduced mod L before a fast library sees it, and the rare inputs
// where the libraries' extra checks would change the verdict (small-order or non-canonical points)
// go to the noble path. The fast library is libsodium (ed25519-sodium.ts); OpenSSL through
// node:crypto is the second one, kept to cross-check libsodium in tests and benches. Signing is
// RFC 8032 from a 32-byte seed on node:crypto (upstream `ed25519.Sign` with a `NewKeyFromSeed` key),
// or with a 64-byte expanded key (chainkd) on libsodium's base-point multiplication.
import { createPrivateKey, createPublicKey, hash, sign, verify } from 'node:crypto';
import { numberToBytesLE } from '@noble/curves/utils.js';
import { checkExpandedKey, ed25519VerifyNoble, scalarFromBytes } from './ed25519-noble.ts';
import {
  ED25519_ORDER,
  ED25519_PUBLIC_KEY_SIZE,
  ED25519_SIGNATURE_SIZE,
  hasEd25519SignatureShape,
  needsEd25519ReferencePath,
  reduceEd25519SignatureScalar,
} from './ed25519-rules.ts';
import { ed25519BaseMultiply, ed25519VerifyLibsodium } from './ed25519-sodium.ts';
import { KeysError } from './errors.ts';

export const ED25519_SEED_SIZE = 32;

// DER header of PKCS#8 for id-Ed25519 (RFC 8410); the raw 32-byte seed follows.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

type Ed25519VerifyFn = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;

/** The chain rule around a library that wants S < L and refuses small-order or non-canonical points. */
function withChainRule(strictVerify: Ed25519VerifyFn): Ed25519VerifyFn {
  return (publicKey, message, signature) => {
    if (!hasEd25519SignatureShape(publicKey, signature)) return false;
    if (needsEd25519ReferencePath(publicKey, signature)) return ed25519VerifyNoble(publicKey, message, signature);
    return strictVerify(publicKey, message, reduceEd25519SignatureScalar(signature));
  };
}

/** Verifies with the chain rule on libsodium. Never throws: malformed input is `false`. */
export const ed25519Verify: Ed25519VerifyFn = withChainRule(ed25519VerifyLibsodium);

/**
 * The same rule on OpenSSL (node:crypto), about half the speed of `ed25519Verify` here: the
 * cross-check of libsodium. A KeyObject is made from the raw key each call (see the bench).
 */
export const ed25519VerifyOpenSsl: Ed25519VerifyFn = withChainRule((publicKey, message, signature) => {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKey), format: 'raw-public', asymmetricKeyType: 'ed25519' });
    return verify(null, message, key, signature);
  } catch {
    // OpenSSL refused the key itself; the chain rule still decides.
    return ed25519VerifyNoble(publicKey, message, signature);
  }
});

function privateKeyFromSeed(seed: Uint8Array) {
  if (seed.length !== ED25519_SEED_SIZE) {
    throw new KeysError('BAD_LENGTH', `ed25519 seed must be 32 bytes, got ${seed.length}`);
  }
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** RFC 8032 signature of `message` by the key of a 32-byte seed. */
export function ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, privateKeyFromSeed(seed)));
}

/** The 32-byte public key of a 32-byte seed. */
export function ed25519PublicKeyFromSeed(seed: Uint8Array): Uint8Array {
  const der = createPublicKey(privateKeyFromSeed(seed)).export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - ED25519_PUBLIC_KEY_SIZE));
}

const sha512 = (...parts: Uint8Array[]) => new Uint8Array(hash('sha512', Buffer.concat(parts), 'buffer'));

/**
 * Signs with a 64-byte expanded key: a scalar (used as is, not clamped or hashed) and a 32-byte
 * nonce prefix (Bytom v1.1.1 `crypto/ed25519/chainkd/expanded_key.go` Ed25519InnerSign). For an
 * RFC 8032 key expanded by SHA-512 and clamping this equals plain Ed25519 signing; chainkd uses it
 * with its own expansion (chainkd.ts). Same bytes as `ed25519InnerSignNoble`, several times faster.
 */
export function ed25519InnerSign(expandedKey: Uint8Array, message: Uint8Array): Uint8Array {
  checkExpandedKey(expandedKey);
  const a = scalarFromBytes(expandedKey.subarray(0, 32));
  const publicKey = ed25519BaseMultiply(a);
  const nonce = scalarFromBytes(sha512(expandedKey.subarray(32, 64), message));
  const r = ed25519BaseMultiply(nonce);
  const k = scalarFromBytes(sha512(r, publicKey, message));
  const signature = new Uint8Array(ED25519_SIGNATURE_SIZE);
  signature.set(r, 0);
  signature.set(numberToBytesLE((k * a + nonce) % ED25519_ORDER, 32), 32);
  return signature;
}
