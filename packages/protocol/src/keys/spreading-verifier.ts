// A SignatureVerifier that spreads one verifyAll call over several verifiers (lanes): the local
// worker pool and remote ones (PSWV stage 1 on validator replicas). The sets are cut into chunks;
// each lane takes the next chunk whenever it has room (up to its concurrency), so a faster or idle
// lane takes more. A chunk a lane fails on (a replica gone, a timeout) goes back to the queue for
// the first lane, which must be the local, reliable one; only its failure fails the call.
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
  if (lanes.length === 0 || !Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new SignatureVerifierError('BAD_OPTIONS', 'a spreading verifier needs lanes and a positive chunk size');
  }
  for (const lane of lanes) {
    if (!Number.isSafeInteger(lane.concurrency) || lane.concurrency < 1) {
      throw new SignatureVerifierError(
        'BAD_OPTIONS',
        `lane concurrency must be a positive integer, got ${lane.concurrency}`,
      );
    }
  }
  const verifiedBy = lanes.map(() => 0);
  let retried = 0;
  return {
    async verifyAll(sets) {
      const verdicts = new Array<boolean>(sets.length);
      const queue: number[] = [];
      for (let start = 0; start < sets.length; start += chunkSize) queue.push(start);
      const retry: number[] = [];
      const chunk = (start: number): readonly Ed25519SignatureSet[] => sets.slice(start, start + chunkSize);
      const settle = (start: number, result: readonly boolean[]) => {
        result.forEach((v, i) => {
          verdicts[start + i] = v;
        });
      };
      const runLane = async (laneIndex: number): Promise<void> => {
        const lane = lanes[laneIndex]!;
        for (;;) {
          const start = laneIndex === 0 ? (retry.shift() ?? queue.shift()) : queue.shift();
          if (start === undefined) return;
          const part = chunk(start);
          try {
            settle(start, await lane.verifier.verifyAll(part));
            verifiedBy[laneIndex]! += part.length;
          } catch (err) {
            if (laneIndex === 0) throw err;
            retried++;
            retry.push(start);
            return; // this worker of the lane stops; the local lane finishes the retried chunks
          }
        }
      };
      const workers: Promise<void>[] = [];
      lanes.forEach((lane, laneIndex) => {
        for (let k = 0; k < lane.concurrency; k++) workers.push(runLane(laneIndex));
      });
      await Promise.all(workers);
      // Chunks given back after the local lane's workers had run out of work.
      while (retry.length > 0) {
        const start = retry.shift()!;
        const part = chunk(start);
        settle(start, await lanes[0]!.verifier.verifyAll(part));
        verifiedBy[0]! += part.length;
      }
      return verdicts;
    },
    close: () => lanes[0]!.verifier.close(),
    stats: () => ({ verified: [...verifiedBy], retried }),
  };
}
