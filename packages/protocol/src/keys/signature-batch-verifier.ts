// A SignatureVerifier that holds the sets of every verifyAll call until flush(), then hands them to
// the inner verifier in one call and gives each caller its own verdicts. A PSWV window's stage 1
// checks many blocks one after the other; batching their signatures makes one dispatch to the
// worker pool instead of one per block (lodestar batches its BLS signature sets the same way).
import { SignatureVerifierError } from './errors.ts';
import type { Ed25519SignatureSet, SignatureVerifier } from './signature-set.ts';

type Held = {
  readonly sets: readonly Ed25519SignatureSet[];
  readonly resolve: (verdicts: boolean[]) => void;
  readonly reject: (err: Error) => void;
};

export interface BatchingSignatureVerifier extends SignatureVerifier {
  /** Sends every held set to the inner verifier in one call; resolves when their callers have their verdicts. */
  flush(): Promise<void>;
}

/** Batches `inner`'s calls until flush(); close() rejects what is held and does not close `inner`. */
export function createBatchingSignatureVerifier(inner: SignatureVerifier): BatchingSignatureVerifier {
  let held: Held[] = [];
  let closed = false;
  return {
    verifyAll(sets) {
      if (closed) return Promise.reject(new SignatureVerifierError('CLOSED', 'signature batch is closed'));
      return new Promise((resolve, reject) => held.push({ sets, resolve, reject }));
    },
    async flush() {
      const batch = held;
      held = [];
      if (batch.length === 0) return;
      let verdicts: boolean[];
      try {
        verdicts = await inner.verifyAll(batch.flatMap((h) => h.sets));
      } catch (err) {
        for (const h of batch) h.reject(err as Error);
        return;
      }
      let at = 0;
      for (const h of batch) {
        h.resolve(verdicts.slice(at, at + h.sets.length));
        at += h.sets.length;
      }
    },
    async close() {
      closed = true;
      const batch = held;
      held = [];
      for (const h of batch) h.reject(new SignatureVerifierError('CLOSED', 'signature batch is closed'));
    },
  };
}
