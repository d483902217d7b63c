// A SignatureVerifier on a pool of worker threads, each verifying with node:crypto. The one part
// of the protocol package that uses threads; it does no network or disk I/O.
//   - a verifyAll call splits its sets into batches (spread over all workers, at most
//     `maxBatchSize` sets each), packed into one transferred ArrayBuffer per batch;
//   - back-pressure: at most `maxPendingBatches` batches are queued or running at any time; a
//     caller with more waits (FIFO) until earlier batches finish;
//   - close() terminates the workers and rejects queued, running and waiting work with CLOSED;
//   - a worker that dies fails its batch with WORKER_FAILED and is replaced; one that dies before
//     finishing any batch (it cannot start) would die again, so the pool shuts down instead and
//     rejects all pending work with WORKER_FAILED.
// Idle workers are unref'ed so that a forgotten pool does not keep the process alive.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
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

type Batch = { buffer: ArrayBuffer; resolve: (verdicts: Uint8Array) => void; reject: (err: Error) => void };
type Slot = { worker: Worker; batch: Batch | undefined; answered: boolean };
type Waiter = { resolve: () => void; reject: (err: Error) => void };

const WORKER_URL = new URL('./verify-worker.ts', import.meta.url);

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new SignatureVerifierError('BAD_OPTIONS', `${name} must be a positive integer, got ${value}`);
  }
  return value;
}

function closedError(): SignatureVerifierError {
  return new SignatureVerifierError('CLOSED', 'signature verifier pool is closed');
}

/** Exported for tests, which start it on a misbehaving worker; use createSignatureVerifierPool. */
export class SignatureVerifierPool implements SignatureVerifier {
  readonly #slots: Slot[] = [];
  readonly #queue: Batch[] = [];
  readonly #waiters: Waiter[] = [];
  readonly #maxBatchSize: number;
  readonly #maxPending: number;
  readonly #workerUrl: URL;
  #pending = 0;
  #closed = false;

  constructor(options: SignatureVerifierPoolOptions, workerUrl: URL = WORKER_URL) {
    this.#workerUrl = workerUrl;
    const workers = positiveInteger(options.workers ?? availableParallelism(), 'workers');
    this.#maxBatchSize = positiveInteger(options.maxBatchSize ?? 256, 'maxBatchSize');
    this.#maxPending = positiveInteger(options.maxPendingBatches ?? 4 * workers, 'maxPendingBatches');
    for (let i = 0; i < workers; i++) this.#slots.push(this.#spawn());
  }

  async verifyAll(sets: readonly Ed25519SignatureSet[]): Promise<boolean[]> {
    if (this.#closed) throw closedError();
    const verdicts = new Array<boolean>(sets.length).fill(false);
    const packable: number[] = [];
    sets.forEach((set, i) => {
      if (isPackableSignatureSet(set)) packable.push(i);
    });
    const batchSize = Math.min(this.#maxBatchSize, Math.ceil(packable.length / this.#slots.length));
    const batches: Promise<void>[] = [];
    let failure: Error | undefined;
    for (let start = 0; start < packable.length && failure === undefined; start += batchSize) {
      try {
        await this.#acquire();
      } catch (err) {
        failure ??= err as Error;
        break;
      }
      const indexes = packable.slice(start, start + batchSize);
      // Handled at once, so a batch failing while later ones wait for room is never "unhandled".
      const done = this.#submit(packSignatureSets(sets, indexes)).then(
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
    return this.#shutdown(closedError);
  }

  async #shutdown(error: () => SignatureVerifierError): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error());
    for (const batch of this.#queue.splice(0)) batch.reject(error());
    for (const slot of this.#slots) {
      slot.batch?.reject(error());
      slot.batch = undefined;
    }
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
  }

  // Waits for room among the pending batches (back-pressure).
  #acquire(): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    if (this.#pending < this.#maxPending) {
      this.#pending++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  // A batch finished: its room goes to the longest waiter, if any.
  #release(): void {
    const waiter = this.#waiters.shift();
    if (waiter === undefined) this.#pending--;
    else waiter.resolve();
  }

  #submit(buffer: ArrayBuffer): Promise<Uint8Array> {
    // close() may have run between #acquire resolving and this call.
    if (this.#closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      const batch: Batch = {
        buffer,
        resolve: (verdicts) => {
          this.#release();
          resolve(verdicts);
        },
        reject: (err) => {
          this.#release();
          reject(err);
        },
      };
      const idle = this.#slots.find((slot) => slot.batch === undefined);
      if (idle === undefined) this.#queue.push(batch);
      else this.#dispatch(idle, batch);
    });
  }

  #dispatch(slot: Slot, batch: Batch): void {
    slot.batch = batch;
    slot.worker.ref();
    slot.worker.postMessage(batch.buffer, [batch.buffer]);
  }

  // The slot finished (or lost) its batch: take the next queued one, or go idle.
  #next(slot: Slot): void {
    slot.batch = undefined;
    const batch = this.#queue.shift();
    if (batch === undefined) slot.worker.unref();
    else this.#dispatch(slot, batch);
  }

  #spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.#workerUrl), batch: undefined, answered: false };
    slot.worker.unref();
    let lastError: unknown;
    slot.worker.on('message', (verdicts: Uint8Array) => {
      const batch = slot.batch;
      slot.answered = true;
      this.#next(slot);
      batch?.resolve(verdicts);
    });
    slot.worker.on('error', (err) => {
      lastError = err;
    });
    slot.worker.on('exit', (exitCode) => {
      if (this.#closed) return;
      const failed = () =>
        new SignatureVerifierError('WORKER_FAILED', 'signature verifier worker exited', { exitCode, cause: lastError });
      if (!slot.answered) {
        void this.#shutdown(failed);
        return;
      }
      slot.batch?.reject(failed());
      const replacement = this.#spawn();
      this.#slots[this.#slots.indexOf(slot)] = replacement;
      this.#next(replacement);
    });
    return slot;
  }
}

/** A SignatureVerifier that verifies on worker threads. Call close() when done. */
export function createSignatureVerifierPool(options: SignatureVerifierPoolOptions = {}): SignatureVerifier {
  return new SignatureVerifierPool(options);
}
