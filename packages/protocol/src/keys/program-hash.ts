// The hashes inside standard programs and addresses (Bytom v1.1.1 `account/accounts.go`
// createP2PKH / createP2SH, `crypto/crypto.go`): pay-to-public-key-hash commits to
// RIPEMD160(public key) — plain RIPEMD-160 of the 32 key bytes, no SHA first, unlike Bitcoin's
// HASH160 — and pay-to-script-hash to SHA3-256(script).
import { ripemd160 } from '../hash/ripemd160.ts';
import { sha3 } from '../hash/sha3.ts';
import { ED25519_PUBLIC_KEY_SIZE } from './ed25519-rules.ts';
import { KeysError } from './errors.ts';

export { ripemd160 };

/** The 20-byte program hash of a pay-to-public-key-hash output for a 32-byte Ed25519 key. */
export function publicKeyToHash160(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== ED25519_PUBLIC_KEY_SIZE) {
    throw new KeysError('BAD_LENGTH', `public key must be 32 bytes, got ${publicKey.length}`);
  }
  return ripemd160(publicKey);
}

/** The 32-byte program hash of a pay-to-script-hash output. */
export function scriptToWitnessHash(script: Uint8Array): Uint8Array {
  return sha3(script);
}
