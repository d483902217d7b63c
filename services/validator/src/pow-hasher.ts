// Tensority off the event loop: a block's proof-of-work hash (~110 ms here) runs on a worker
// thread while this thread checks the block's transactions, so neither waits for the other and
// gRPC calls are not held up behind it. One thread: blocks come one at a time.
// A worker that dies fails what it had and is replaced at the next hash.
import { Worker } from 'node:worker_threads';
import type { PowReply, PowRequest } from './pow-thread.ts';

const THREAD_URL = new URL('./pow-thread.ts', import.meta.url);

type Pending = { resolve: (hash: Uint8Array) => void; reject: (err: Error) => void };

export class TensorityHasher {
  readonly #threadUrl: URL;
  #worker: Worker | undefined;
  readonly #pending = new Map<number, Pending>();
  #seq = 0;
  #closed = false;

  /** `threadUrl` is for tests, which start it on a thread that dies. */
  constructor(threadUrl: URL = THREAD_URL) {
    this.#threadUrl = threadUrl;
  }

  /** The Tensority hash of `blockId` under `seed`. */
  hash(seed: Uint8Array, blockId: Uint8Array): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(new Error('the Tensority hasher is closed'));
    const worker = this.#ensureWorker();
    const seq = ++this.#seq;
    return new Promise((resolve, reject) => {
      this.#pending.set(seq, { resolve, reject });
      if (this.#pending.size === 1) worker.ref();
      const request: PowRequest = { seq, seed, blockId };
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    this.#failAll(new Error('the Tensority hasher is closed'));
    await worker?.terminate();
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(this.#threadUrl);
    worker.unref();
    worker.on('message', (reply: PowReply) => {
      const pending = this.#pending.get(reply.seq);
      if (!pending) return;
      this.#pending.delete(reply.seq);
      if (this.#pending.size === 0) worker.unref();
      if ('hash' in reply) pending.resolve(reply.hash);
      else pending.reject(new Error(`Tensority failed: ${reply.error}`));
    });
    const lost = (err: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#failAll(err);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the Tensority thread exited (code ${code})`)));
    this.#worker = worker;
    return worker;
  }

  #failAll(err: Error): void {
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
  }
}
