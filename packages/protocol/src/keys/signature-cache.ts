// Signatures are checked once per node: a SignatureVerifier that remembers every (key, message,
// signature) triple it found valid in a cache the node's services share, and skips the triples
// already there. The mempool checks a transaction's signatures when it admits it; the validator,
// given the block that confirms it, finds them in the cache (Vapor checks them three times:
// admission, template, block). Only valid triples are stored, keyed by a digest of all three, so a
// hit can only stand for a check that passed; the cache itself is trusted like the node's UTXO set.
// A cache that fails is skipped: every triple is then verified.
import { sha3 } from '../hash/sha3.ts';
import { ED25519_PUBLIC_KEY_SIZE, ED25519_SIGNATURE_SIZE } from './ed25519-rules.ts';
import type { Ed25519SignatureSet, SignatureVerifier } from './signature-set.ts';

/** Where verified triples are kept (the consumer's interface: the runtime's Redis cache implements it). */
export interface VerifiedSignatureCache {
  /** Per key, whether it is in the cache. */
  has(keys: readonly Uint8Array[]): Promise<boolean[]>;
  /** Adds keys of triples found valid. */
  add(keys: readonly Uint8Array[]): Promise<void>;
}

export type CachingSignatureVerifierStats = {
  /** Triples answered from the cache. */
  readonly hits: number;
  /** Triples handed to the inner verifier. */
  readonly verified: number;
  /** Cache reads or writes that failed (the triples were verified, or not remembered). */
  readonly cacheFailures: number;
};

export interface CachingSignatureVerifier extends SignatureVerifier {
  stats(): CachingSignatureVerifierStats;
}

// One version byte: with it, key, signature and a 32-byte message fill one Keccak block (136 bytes).
const KEY_DOMAIN = Uint8Array.of(1);
const KEY_INPUT_FIXED = KEY_DOMAIN.length + ED25519_PUBLIC_KEY_SIZE + ED25519_SIGNATURE_SIZE;

function hasStandardShape(set: Ed25519SignatureSet): boolean {
  return set.publicKey.length === ED25519_PUBLIC_KEY_SIZE && set.signature.length === ED25519_SIGNATURE_SIZE;
}

/**
 * The cache key of a triple: SHA3-256(0x01 || key || signature || message). Key and signature
 * have fixed sizes (only such triples are ever cached), so the concatenation is unambiguous.
 */
export function signatureCacheKey(set: Ed25519SignatureSet): Uint8Array {
  const input = new Uint8Array(KEY_INPUT_FIXED + set.message.length);
  input.set(KEY_DOMAIN);
  input.set(set.publicKey, KEY_DOMAIN.length);
  input.set(set.signature, KEY_DOMAIN.length + ED25519_PUBLIC_KEY_SIZE);
  input.set(set.message, KEY_INPUT_FIXED);
  return sha3(input);
}

/** `inner`, skipping the triples `cache` holds and adding those it finds valid. */
export function createCachingSignatureVerifier(
  inner: SignatureVerifier,
  cache: VerifiedSignatureCache,
): CachingSignatureVerifier {
  let hits = 0;
  let verified = 0;
  let cacheFailures = 0;
  return {
    async verifyAll(sets) {
      const shaped: number[] = [];
      sets.forEach((set, i) => {
        if (hasStandardShape(set)) shaped.push(i);
      });
      const keys = shaped.map((i) => signatureCacheKey(sets[i]!));
      const cached = await cache.has(keys).catch(() => {
        cacheFailures++;
        return keys.map(() => false);
      });
      const verdicts = new Array<boolean>(sets.length).fill(false);
      const hit = new Uint8Array(sets.length);
      shaped.forEach((setIndex, k) => {
        if (cached[k]) {
          verdicts[setIndex] = true;
          hit[setIndex] = 1;
        }
      });
      const misses: number[] = [];
      sets.forEach((_, i) => {
        if (hit[i] === 0) misses.push(i);
      });
      hits += sets.length - misses.length;
      verified += misses.length;
      if (misses.length === 0) return verdicts;
      const fresh = await inner.verifyAll(misses.map((i) => sets[i]!));
      const keyOf = new Map(shaped.map((setIndex, k) => [setIndex, keys[k]!]));
      const valid: Uint8Array[] = [];
      misses.forEach((setIndex, j) => {
        verdicts[setIndex] = fresh[j]!;
        const key = keyOf.get(setIndex);
        if (fresh[j] && key) valid.push(key);
      });
      if (valid.length > 0) {
        await cache.add(valid).catch(() => {
          cacheFailures++;
        });
      }
      return verdicts;
    },
    close: () => inner.close(),
    stats: () => ({ hits, verified, cacheFailures }),
  };
}
