// A SignatureVerifier that spreads verifyAll calls over several verifiers (lanes): the local worker
// pool and remote ones (PSWV stage 1 on validator replicas). The sets are cut into chunks that
// ../threads/spreader.ts hands to the least-loaded lane with room; a chunk a replica fails on is
// verified by the first lane, the local one, so only its failure fails the call.
import { Spreader } from '../threads/spreader.ts';
import { SignatureVerifierError } from './errors.ts';
import type { Ed25519SignatureSet, SignatureVerifier } from './signature-set.ts';

export type VerifierLane = {
  readonly verifier: SignatureVerifier;
  /** Chunks this lane verifies at once. */
  readonly concurrency: number;
};

export type SpreadingVerifierOptions = {
  /** Sets per chunk (default 256). */
  readonly chunkSize?: number;
};

export type SpreadingVerifierStats = {
  /** Sets verified by each lane, in lane order. */
  readonly verified: readonly number[];
  /** Chunks a lane other than the first failed on and the first lane took again. */
  readonly retried: number;
};

export interface SpreadingSignatureVerifier extends SignatureVerifier {
  stats(): SpreadingVerifierStats;
}

/** `lanes[0]` is the local verifier (it takes back what the others fail on); close() closes only it. */
export function createSpreadingSignatureVerifier(
  lanes: readonly VerifierLane[],
  opts: SpreadingVerifierOptions = {},
): SpreadingSignatureVerifier {
  const chunkSize = opts.chunkSize ?? 256;
  const badOptions = (message: string) => new SignatureVerifierError('BAD_OPTIONS', message);
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) throw badOptions('chunk size must be a positive integer');
  const spreader = new Spreader<readonly Ed25519SignatureSet[], readonly boolean[]>(
    lanes.map(({ verifier, concurrency }) => ({ run: (chunk) => verifier.verifyAll(chunk), concurrency })),
    (chunk) => chunk.length,
    badOptions,
  );
  return {
    async verifyAll(sets) {
      const chunks: (readonly Ed25519SignatureSet[])[] = [];
      for (let start = 0; start < sets.length; start += chunkSize) chunks.push(sets.slice(start, start + chunkSize));
      return (await spreader.runAll(chunks)).flat();
    },
    close: () => lanes[0]!.verifier.close(),
    stats: () => {
      const { done, retried } = spreader.stats();
      return { verified: done, retried };
    },
  };
}
