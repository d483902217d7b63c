// A SignatureVerifier on a pool of worker threads (threads/worker-pool.ts: back-pressure, CLOSED,
// WORKER_FAILED and replacement of dead workers), each verifying with ed25519Verify. A verifyAll
// call splits its sets into batches (spread over all workers, at most `maxBatchSize` sets each),
// packed into one transferred ArrayBuffer per batch; at most `maxPendingBatches` batches are
// queued or running at once.
import { availableParallelism } from 'node:os';
import { positiveIntegerOption, WorkerPool } from '../threads/worker-pool.ts';
import { SignatureVerifierError } from './errors.ts';
import { isPackableSignatureSet, packSignatureSets } from './signature-batch.ts';
import type { Ed25519SignatureSet, SignatureVerifier } from './signature-set.ts';

export type SignatureVerifierPoolOptions = {
  /** Worker threads; default `os.availableParallelism()`. */
  readonly workers?: number;
  /** Most sets in one batch; default 256. */
  readonly maxBatchSize?: number;
  /** Most batches queued or running at once; default 4 per worker. */
  readonly maxPendingBatches?: number;
};

const WORKER_URL = new URL('./verify-worker.ts', import.meta.url);

const positiveInteger = (value: number, name: string) =>
  positiveIntegerOption(value, name, (message) => new SignatureVerifierError('BAD_OPTIONS', message));

/** Exported for tests, which start it on a misbehaving worker; use createSignatureVerifierPool. */
export class SignatureVerifierPool implements SignatureVerifier {
  readonly #pool: WorkerPool<Uint8Array>;
  readonly #maxBatchSize: number;

  constructor(options: SignatureVerifierPoolOptions, workerUrl: URL = WORKER_URL) {
    const workers = positiveInteger(options.workers ?? availableParallelism(), 'workers');
    this.#maxBatchSize = positiveInteger(options.maxBatchSize ?? 256, 'maxBatchSize');
    this.#pool = new WorkerPool({
      url: workerUrl,
      workers,
      maxPending: positiveInteger(options.maxPendingBatches ?? 4 * workers, 'maxPendingBatches'),
      error: (code, detail) =>
        new SignatureVerifierError(
          code,
          code === 'CLOSED' ? 'signature verifier pool is closed' : 'signature verifier worker exited',
          detail,
        ),
    });
  }

  async verifyAll(sets: readonly Ed25519SignatureSet[]): Promise<boolean[]> {
    this.#pool.assertOpen();
    const verdicts = new Array<boolean>(sets.length).fill(false);
    const packable: number[] = [];
    sets.forEach((set, i) => {
      if (isPackableSignatureSet(set)) packable.push(i);
    });
    const batchSize = Math.min(this.#maxBatchSize, Math.ceil(packable.length / this.#pool.size));
    const batches: Promise<void>[] = [];
    let failure: Error | undefined;
    for (let start = 0; start < packable.length && failure === undefined; start += batchSize) {
      try {
        await this.#pool.acquire();
      } catch (err) {
        failure ??= err as Error;
        break;
      }
      const indexes = packable.slice(start, start + batchSize);
      const buffer = packSignatureSets(sets, indexes);
      // Handled at once, so a batch failing while later ones wait for room is never "unhandled".
      const done = this.#pool.run(buffer, [buffer]).then(
        (bytes) => {
          indexes.forEach((setIndex, j) => {
            verdicts[setIndex] = bytes[j] === 1;
          });
        },
        (err: Error) => {
          failure ??= err;
        },
      );
      batches.push(done);
    }
    await Promise.all(batches);
    if (failure !== undefined) throw failure;
    return verdicts;
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

/** A SignatureVerifier that verifies on worker threads. Call close() when done. */
export function createSignatureVerifierPool(options: SignatureVerifierPoolOptions = {}): SignatureVerifier {
  return new SignatureVerifierPool(options);
}
