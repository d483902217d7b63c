// Single transactions (SubmitTx calls, gossip messages) admitted in batches: what arrives while a
// batch is in flight waits and goes in the next one, so under load the signature checks and the
// hot-tier reads of many single submissions share one verifier call and one Redis round trip,
// while a lone submission goes alone at once.
import type { Admission, AdmitResult } from './admission.ts';
import type { AdmitSource } from './types.ts';

type Waiting = { readonly bytes: Uint8Array; readonly resolve: (r: AdmitResult) => void; reject: (e: unknown) => void };

export type AdmissionQueueOptions = {
  /** Most transactions per batch (default 1024). */
  readonly maxBatch?: number;
  /** Batches in flight at once (default 2). */
  readonly maxInFlight?: number;
};

export class AdmissionQueue {
  readonly #admission: Admission;
  readonly #source: AdmitSource;
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  readonly #waiting: Waiting[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(admission: Admission, source: AdmitSource, opts: AdmissionQueueOptions = {}) {
    this.#admission = admission;
    this.#source = source;
    this.#maxBatch = opts.maxBatch ?? 1024;
    this.#maxInFlight = opts.maxInFlight ?? 2;
  }

  submit(bytes: Uint8Array): Promise<AdmitResult> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ bytes, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#waiting.length === 0 || this.#inFlight >= this.#maxInFlight) return;
    this.#scheduled = true;
    // Let the submissions already received in this turn of the event loop join the batch.
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    if (this.#waiting.length === 0 || this.#inFlight >= this.#maxInFlight) return;
    const batch = this.#waiting.splice(0, this.#maxBatch);
    this.#inFlight++;
    try {
      const results = await this.#admission.admit(
        batch.map((w) => w.bytes),
        this.#source,
      );
      batch.forEach((w, i) => {
        w.resolve(results[i]!);
      });
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      this.#inFlight--;
      this.#schedule();
    }
  }
}
