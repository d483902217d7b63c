// The nonce search on worker threads. One job at a time: `search` splits the nonce space into one
// disjoint range per thread and starts them all; the first thread to find a nonce wins, and the
// others stop. Staleness is a shared generation counter: `search` and `abandon` bump it, and every
// thread checks it before each hash, so abandoned work stops within one hash. Hashes are counted
// per thread in shared memory (hashrate without messages). `check` verifies one nonce on a
// separate thread (outside miners' SubmitWork), so the service's event loop never runs Tensority.
import { randomInt } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { type BlockHeader, encodeBlockHeader } from '@bystack/protocol';
import type { Logger } from '@bystack/runtime';
import type { WorkerData, WorkerReply, WorkerRequest } from './search-protocol.ts';
import type { FoundNonce } from './types.ts';

const WORKER_URL = new URL('./search-worker.ts', import.meta.url);

/** Nonces are varint63 on the wire: 0 .. 2^63 - 1. */
export const NONCE_LIMIT = 1n << 63n;

export type SearchPoolOptions = {
  /** Search threads (0: none; `check` still works, on its own thread). */
  readonly threads: number;
  /** The worker script (tests). */
  readonly workerUrl?: URL;
};

type Slot = { worker: Worker; ready: boolean; readonly index: number };

type Job = {
  readonly gen: number;
  readonly header: Uint8Array;
  readonly seed: Uint8Array;
  readonly bits: bigint;
  readonly onFound: (found: FoundNonce) => void;
};

type PendingCheck = { resolve: (r: { blockId: Uint8Array; hash: Uint8Array }) => void; reject: (e: Error) => void };

export class SearchPoolClosedError extends Error {
  constructor() {
    super('search pool closed');
    this.name = 'SearchPoolClosedError';
  }
}

export class SearchPool {
  readonly threads: number;
  readonly #log: Logger;
  readonly #workerUrl: URL;
  readonly #control: SharedArrayBuffer;
  readonly #generation: Int32Array;
  readonly #counters: BigInt64Array;
  readonly #slots: Slot[] = [];
  readonly #stoppedWaiters: { gen: number; remaining: Set<number>; resolve: () => void }[] = [];
  #job: Job | undefined;
  #checker: Slot | undefined;
  #checkId = 0;
  readonly #checks = new Map<number, PendingCheck>();
  /** Thread index -> generation of the job it holds (until it reports found, stopped or exhausted). */
  readonly #busy = new Map<number, number>();
  #closed = false;

  constructor(opts: SearchPoolOptions, log: Logger) {
    if (!Number.isSafeInteger(opts.threads) || opts.threads < 0) {
      throw new RangeError(`threads must be a non-negative integer, got ${opts.threads}`);
    }
    this.threads = opts.threads;
    this.#log = log.child({ module: 'search-pool' });
    this.#workerUrl = opts.workerUrl ?? WORKER_URL;
    // Slot `threads` is the checker's; its hashes are not mining and are not counted.
    this.#control = new SharedArrayBuffer(8 + 8 * (opts.threads + 1));
    this.#generation = new Int32Array(this.#control, 0, 1);
    this.#counters = new BigInt64Array(this.#control, 8, opts.threads + 1);
    for (let i = 0; i < opts.threads; i++) this.#slots.push(this.#spawn(i));
  }

  /** True while a job runs (no thread has found its nonce and it was not abandoned). */
  get searching(): boolean {
    return this.#job !== undefined;
  }

  /** Hashes the search threads computed since the pool started. */
  hashes(): bigint {
    let total = 0n;
    for (let i = 0; i < this.threads; i++) total += Atomics.load(this.#counters, i);
    return total;
  }

  /**
   * Starts searching nonces of `header` (its own nonce is ignored) for a Tensority hash under
   * `seed` that meets `bits`, dropping any job still running. `onFound` is called at most once,
   * and never after this job was replaced or abandoned. Returns the job's generation.
   */
  search(header: BlockHeader, seed: Uint8Array, bits: bigint, onFound: (found: FoundNonce) => void): number {
    if (this.#closed) throw new SearchPoolClosedError();
    const gen = this.#bump();
    if (this.threads === 0) return gen;
    const job: Job = { gen, header: encodeBlockHeader({ ...header, nonce: 0n }), seed, bits, onFound };
    this.#job = job;
    for (const slot of this.#slots) this.#post(slot, job);
    return gen;
  }

  /** Stops the running job at once (each thread finishes at most the hash it is in). */
  abandon(): void {
    if (this.#job === undefined) return;
    this.#job = undefined;
    this.#bump();
  }

  /**
   * Resolves once every thread has dropped the jobs of generations before the current one (each
   * acknowledges as it notices), for tests and shutdown.
   */
  idle(): Promise<void> {
    const gen = Atomics.load(this.#generation, 0);
    const remaining = new Set<number>();
    for (const [index, jobGen] of this.#busy) if (jobGen < gen) remaining.add(index);
    if (remaining.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#stoppedWaiters.push({ gen, remaining, resolve }));
  }

  /** Block id and Tensority hash of an encoded-able header (with its nonce) under `seed`, on the checker thread. */
  check(header: BlockHeader, seed: Uint8Array): Promise<{ blockId: Uint8Array; hash: Uint8Array }> {
    if (this.#closed) return Promise.reject(new SearchPoolClosedError());
    this.#checker ??= this.#spawn(this.threads);
    const id = ++this.#checkId;
    const request: WorkerRequest = { type: 'check', id, header: encodeBlockHeader(header), seed };
    return new Promise((resolve, reject) => {
      this.#checks.set(id, { resolve, reject });
      this.#checker!.worker.postMessage(request);
    });
  }

  /** Stops every thread. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.abandon();
    for (const pending of this.#checks.values()) pending.reject(new SearchPoolClosedError());
    this.#checks.clear();
    for (const w of this.#stoppedWaiters.splice(0)) w.resolve();
    const all = [...this.#slots, ...(this.#checker ? [this.#checker] : [])];
    await Promise.all(all.map((s) => s.worker.terminate()));
  }

  #bump(): number {
    return Atomics.add(this.#generation, 0, 1) + 1;
  }

  #post(slot: Slot, job: Job): void {
    const span = NONCE_LIMIT / BigInt(this.threads);
    const rangeStart = span * BigInt(slot.index);
    const end = slot.index === this.threads - 1 ? NONCE_LIMIT : rangeStart + span;
    // A random start within the first half of the range: two miners on equal templates do not
    // search the same nonces.
    const start = rangeStart + (span > 1n << 40n ? BigInt(randomInt(2 ** 40)) : 0n);
    const request: WorkerRequest = {
      type: 'search',
      gen: job.gen,
      header: job.header,
      seed: job.seed,
      bits: job.bits,
      start,
      end,
    };
    this.#busy.set(slot.index, job.gen);
    slot.worker.postMessage(request);
  }

  #spawn(index: number): Slot {
    const data: WorkerData = { index, control: this.#control };
    const worker = new Worker(this.#workerUrl, { workerData: data });
    const slot: Slot = { worker, ready: false, index };
    let lastError: unknown;
    worker.on('message', (reply: WorkerReply) => this.#onReply(slot, reply));
    worker.on('error', (err) => {
      lastError = err;
      this.#log.error('search thread failed', { thread: index, err });
    });
    worker.on('exit', (code) => {
      this.#busy.delete(index);
      this.#settleStopped(index);
      if (this.#closed) return;
      if (index === this.threads) {
        this.#checker = undefined;
        for (const pending of this.#checks.values()) {
          pending.reject(new Error(`pow check thread exited (${code})`, { cause: lastError }));
        }
        this.#checks.clear();
        return;
      }
      if (!slot.ready) {
        this.#log.error('search thread could not start; not replacing it', { thread: index, code });
        return;
      }
      this.#log.warn('search thread exited; replacing it', { thread: index, code });
      const replacement = this.#spawn(index);
      this.#slots[index] = replacement;
    });
    return slot;
  }

  #onReply(slot: Slot, reply: WorkerReply): void {
    switch (reply.type) {
      case 'ready':
        slot.ready = true;
        // A replacement thread joins the running job.
        if (slot.index < this.threads && this.#job !== undefined && !this.#busy.has(slot.index)) {
          this.#post(slot, this.#job);
        }
        return;
      case 'checked': {
        const pending = this.#checks.get(reply.id);
        this.#checks.delete(reply.id);
        pending?.resolve({ blockId: reply.blockId, hash: reply.hash });
        return;
      }
      case 'stopped':
      case 'exhausted':
        if (this.#busy.get(slot.index) === reply.gen) this.#busy.delete(slot.index);
        this.#settleStopped(slot.index);
        if (reply.type === 'exhausted') this.#log.warn('search thread exhausted its nonces', { thread: slot.index });
        return;
      case 'found': {
        if (this.#busy.get(slot.index) === reply.gen) this.#busy.delete(slot.index);
        this.#settleStopped(slot.index);
        const job = this.#job;
        if (job === undefined || job.gen !== reply.gen) return; // stale: replaced or abandoned meanwhile
        this.#job = undefined;
        this.#bump();
        job.onFound({ nonce: reply.nonce, blockId: reply.blockId, hash: reply.hash });
        return;
      }
    }
  }

  #settleStopped(index: number): void {
    for (let i = this.#stoppedWaiters.length - 1; i >= 0; i--) {
      const waiter = this.#stoppedWaiters[i]!;
      const jobGen = this.#busy.get(index);
      if (jobGen !== undefined && jobGen < waiter.gen) continue;
      waiter.remaining.delete(index);
      if (waiter.remaining.size === 0) {
        this.#stoppedWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}
