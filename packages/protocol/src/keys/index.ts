// Keys: Ed25519 (libsodium fast path, node:crypto signing and cross-check, @noble/curves reference path), chainkd hierarchical keys,
// bech32 segwit addresses, and signature sets with their verifiers. This file only re-exports.
export * from './address.ts';
export * from './bech32.ts';
export * from './chainkd.ts';
export * from './derivation-path.ts';
export {
  ED25519_SEED_SIZE,
  ed25519InnerSign,
  ed25519PublicKeyFromSeed,
  ed25519Sign,
  ed25519Verify,
  ed25519VerifyOpenSsl,
} from './ed25519.ts';
export { ED25519_EXPANDED_KEY_SIZE, ed25519InnerSignNoble, ed25519VerifyNoble } from './ed25519-noble.ts';
export { ED25519_ORDER, ED25519_PUBLIC_KEY_SIZE, ED25519_SIGNATURE_SIZE } from './ed25519-rules.ts';
export * from './errors.ts';
export * from './program-hash.ts';
export { packSignatureSets, unpackSignatureSets } from './signature-batch.ts';
export { type BatchingSignatureVerifier, createBatchingSignatureVerifier } from './signature-batch-verifier.ts';
export {
  type CachingSignatureVerifier,
  type CachingSignatureVerifierStats,
  createCachingSignatureVerifier,
  signatureCacheKey,
  type VerifiedSignatureCache,
} from './signature-cache.ts';
export type { Ed25519SignatureSet, SignatureVerifier } from './signature-set.ts';
export { createSignatureVerifier } from './signature-set.ts';
export {
  createSpreadingSignatureVerifier,
  type SpreadingSignatureVerifier,
  type SpreadingVerifierOptions,
  type SpreadingVerifierStats,
  type VerifierLane,
} from './spreading-verifier.ts';
export type { SignatureVerifierPoolOptions } from './verifier-pool.ts';
export { createSignatureVerifierPool } from './verifier-pool.ts';
