// A pool of worker threads running one kind of job, the protocol package's only use of threads
// (signature verification, a block's transaction checks); it does no network or disk I/O.
//   - a job is one message to a worker and one answer back; its buffers are transferred, not copied;
//   - back-pressure: at most `maxPending` jobs are queued or running at any time; a caller with
//     more waits (FIFO) in `acquire()` until earlier jobs finish;
//   - close() terminates the workers and rejects queued, running and waiting work with CLOSED;
//   - a worker that dies fails its job with WORKER_FAILED and is replaced; one that dies before
//     answering any job (it cannot start) would die again, so the pool shuts down instead and
//     rejects all pending work with WORKER_FAILED.
// Idle workers are unref'ed so that a forgotten pool does not keep the process alive.
import { Worker } from 'node:worker_threads';

export type WorkerPoolOptions = {
  /** The worker's module. */
  readonly url: URL;
  readonly workers: number;
  /** Most jobs queued or running at once. */
  readonly maxPending: number;
  /** The pool's error for a closed pool (`CLOSED`) and a dead worker (`WORKER_FAILED`). */
  readonly error: (code: 'CLOSED' | 'WORKER_FAILED', detail?: Record<string, unknown>) => Error;
};

/** `value` if it is a positive integer, else the pool's BAD_OPTIONS error (`badOptions`) naming `name`. */
export function positiveIntegerOption(value: number, name: string, badOptions: (message: string) => Error): number {
  if (!Number.isSafeInteger(value) || value < 1) throw badOptions(`${name} must be a positive integer, got ${value}`);
  return value;
}

type Job<Res> = {
  readonly message: unknown;
  readonly transfer: readonly ArrayBuffer[];
  resolve: (answer: Res) => void;
  reject: (err: Error) => void;
};
type Slot<Res> = { worker: Worker; job: Job<Res> | undefined; answered: boolean };
type Waiter = { resolve: () => void; reject: (err: Error) => void };

export class WorkerPool<Res> {
  readonly #slots: Slot<Res>[] = [];
  readonly #queue: Job<Res>[] = [];
  readonly #waiters: Waiter[] = [];
  readonly #opts: WorkerPoolOptions;
  #pending = 0;
  #closed = false;

  constructor(opts: WorkerPoolOptions) {
    this.#opts = opts;
    for (let i = 0; i < opts.workers; i++) this.#slots.push(this.#spawn());
  }

  get size(): number {
    return this.#slots.length;
  }

  /** Throws CLOSED once the pool is closed. */
  assertOpen(): void {
    if (this.#closed) throw this.#opts.error('CLOSED');
  }

  /** Waits for room among the pending jobs (back-pressure); each acquire is followed by one `run`. */
  acquire(): Promise<void> {
    if (this.#closed) return Promise.reject(this.#opts.error('CLOSED'));
    if (this.#pending < this.#opts.maxPending) {
      this.#pending++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Runs one job on the first idle worker (or queues it); call after `acquire()`. */
  run(message: unknown, transfer: readonly ArrayBuffer[] = []): Promise<Res> {
    // close() may have run between acquire() resolving and this call.
    if (this.#closed) return Promise.reject(this.#opts.error('CLOSED'));
    return new Promise((resolve, reject) => {
      const job: Job<Res> = {
        message,
        transfer,
        resolve: (answer) => {
          this.#release();
          resolve(answer);
        },
        reject: (err) => {
          this.#release();
          reject(err);
        },
      };
      const idle = this.#slots.find((slot) => slot.job === undefined);
      if (idle === undefined) this.#queue.push(job);
      else this.#dispatch(idle, job);
    });
  }

  close(): Promise<void> {
    return this.#shutdown(() => this.#opts.error('CLOSED'));
  }

  async #shutdown(error: () => Error): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error());
    for (const job of this.#queue.splice(0)) job.reject(error());
    for (const slot of this.#slots) {
      slot.job?.reject(error());
      slot.job = undefined;
    }
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
  }

  // A job finished: its room goes to the longest waiter, if any.
  #release(): void {
    const waiter = this.#waiters.shift();
    if (waiter === undefined) this.#pending--;
    else waiter.resolve();
  }

  #dispatch(slot: Slot<Res>, job: Job<Res>): void {
    slot.job = job;
    slot.worker.ref();
    slot.worker.postMessage(job.message, [...job.transfer]);
  }

  // The slot finished (or lost) its job: take the next queued one, or go idle.
  #next(slot: Slot<Res>): void {
    slot.job = undefined;
    const job = this.#queue.shift();
    if (job === undefined) slot.worker.unref();
    else this.#dispatch(slot, job);
  }

  #spawn(): Slot<Res> {
    const slot: Slot<Res> = { worker: new Worker(this.#opts.url), job: undefined, answered: false };
    slot.worker.unref();
    let lastError: unknown;
    slot.worker.on('message', (answer: Res) => {
      const job = slot.job;
      slot.answered = true;
      this.#next(slot);
      job?.resolve(answer);
    });
    slot.worker.on('error', (err) => {
      lastError = err;
    });
    slot.worker.on('exit', (exitCode) => {
      if (this.#closed) return;
      const failed = () => this.#opts.error('WORKER_FAILED', { exitCode, cause: lastError });
      if (!slot.answered) {
        void this.#shutdown(failed);
        return;
      }
      slot.job?.reject(failed());
      const replacement = this.#spawn();
      this.#slots[this.#slots.indexOf(slot)] = replacement;
      this.#next(replacement);
    });
    return slot;
  }
}
