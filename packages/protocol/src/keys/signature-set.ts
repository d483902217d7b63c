// Signature checks as data (the lodestar pattern): validation collects (key, message, signature)
// triples instead of verifying inline, then hands them all to a verifier, which may batch them or
// spread them over threads. Results come back per set, in order, so the caller knows which failed.
import { ed25519Verify } from './ed25519.ts';
import { SignatureVerifierError } from './errors.ts';

export type Ed25519SignatureSet = {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
};

export interface SignatureVerifier {
  /**
   * One verdict per set, same order: true when the signature is valid under the chain rule
   * (`ed25519Verify`). Malformed sets are simply false. Rejects with SignatureVerifierError only
   * when the verifier is closed or a worker died.
   */
  verifyAll(sets: readonly Ed25519SignatureSet[]): Promise<boolean[]>;
  /** Refuses further work and rejects pending work with CLOSED. Idempotent. */
  close(): Promise<void>;
}

/** Verifies on the calling thread with node:crypto. */
export function createSignatureVerifier(): SignatureVerifier {
  let closed = false;
  return {
    async verifyAll(sets) {
      if (closed) throw new SignatureVerifierError('CLOSED', 'signature verifier is closed');
      return sets.map((set) => ed25519Verify(set.publicKey, set.message, set.signature));
    },
    async close() {
      closed = true;
    },
  };
}
