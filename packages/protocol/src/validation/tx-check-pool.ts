// PSWV stage 1 on threads: a block's per-transaction checks (tx-checks.ts) in slices across a pool
// of worker threads, merged in order into the TxChecks that validateBlockStateless /
// validateSideBlockStateless fold exactly as if one thread had checked them. The thread that asks
// only slices the block's bytes and unpacks the answers; decoding, entry ids, the VM and the
// garbage they make happen on the workers. Signatures stay sets for the signature verifier.
import { availableParallelism } from 'node:os';
import { ProtocolError } from '../errors.ts';
import { positiveIntegerOption, WorkerPool } from '../threads/worker-pool.ts';
import { ValidationError } from './errors.ts';
import type { TxCheckAnswer } from './tx-check-worker.ts';
import type { TxChecks, TxRangeJob } from './tx-checks.ts';
import { unpackTxChecks } from './tx-checks-pack.ts';

export const TxCheckPoolErrorCode = {
  CLOSED: 'CLOSED',
  /** A worker died during a job; the block's verdict is unknown (nothing was decided). */
  WORKER_FAILED: 'WORKER_FAILED',
  /** A worker threw something other than a validation failure (a bug, never a verdict). */
  WORKER_ERROR: 'WORKER_ERROR',
  BAD_OPTIONS: 'BAD_OPTIONS',
  /** The block's transaction sizes do not fit its bytes. */
  BAD_ARGUMENT: 'BAD_ARGUMENT',
} as const;
export type TxCheckPoolErrorCode = (typeof TxCheckPoolErrorCode)[keyof typeof TxCheckPoolErrorCode];

export class TxCheckPoolError extends ProtocolError<TxCheckPoolErrorCode> {}

export type TxCheckPoolOptions = {
  /** Worker threads; default `os.availableParallelism()`. */
  readonly workers?: number;
  /** Fewest transactions in one slice; default 128 (smaller slices cost more in messages than they save). */
  readonly minSlice?: number;
  /** Most slices queued or running at once; default 8 per worker. */
  readonly maxPendingSlices?: number;
};

/** A block's transactions to check: the block's bytes end with them, back to back. */
export type BlockTxsJob = Omit<TxRangeJob, 'bytes' | 'count' | 'firstIndex'> & {
  readonly blockBytes: Uint8Array;
  /** Each transaction's serialized size, in block order (the decoder's `serializedSize`). */
  readonly txSizes: readonly number[];
};

/** Checks one slice of a block's transactions somewhere (this process's workers, a replica...). */
export interface TxRangeChecker {
  checkTxRange(job: TxRangeJob): Promise<TxChecks>;
  close(): Promise<void>;
}

export interface TxCheckPool extends TxRangeChecker {
  /** Every transaction of the block checked, in slices across the workers. */
  checkBlockTxs(job: BlockTxsJob): Promise<TxChecks>;
}

const WORKER_URL = new URL('./tx-check-worker.ts', import.meta.url);

const positiveInteger = (value: number, name: string) =>
  positiveIntegerOption(value, name, (message) => new TxCheckPoolError('BAD_OPTIONS', message));

class WorkerTxCheckPool implements TxCheckPool {
  readonly #pool: WorkerPool<TxCheckAnswer>;
  readonly #minSlice: number;

  constructor(options: TxCheckPoolOptions) {
    const workers = positiveInteger(options.workers ?? availableParallelism(), 'workers');
    this.#minSlice = positiveInteger(options.minSlice ?? 128, 'minSlice');
    this.#pool = new WorkerPool({
      url: WORKER_URL,
      workers,
      maxPending: positiveInteger(options.maxPendingSlices ?? 8 * workers, 'maxPendingSlices'),
      error: (code, detail) =>
        new TxCheckPoolError(code, code === 'CLOSED' ? 'tx check pool is closed' : 'tx check worker exited', detail),
    });
  }

  async checkBlockTxs(job: BlockTxsJob): Promise<TxChecks> {
    this.#pool.assertOpen();
    // About two slices per worker: one straggler (a worker sharing its core) holds up less.
    const perSlice = Math.max(this.#minSlice, Math.ceil(job.txSizes.length / (2 * this.#pool.size)));
    return checkBlockTxsOn(this, job, perSlice);
  }

  async checkTxRange(job: TxRangeJob): Promise<TxChecks> {
    // The bytes' buffer is transferred: a view into a bigger one is copied first.
    const { bytes } = job;
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    await this.#pool.acquire();
    return checksOf(await this.#pool.run({ ...job, bytes: own }, [own.buffer as ArrayBuffer]));
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

function checksOf(answer: TxCheckAnswer): TxChecks {
  if ('error' in answer) throw new TxCheckPoolError('WORKER_ERROR', answer.error);
  const f = answer.failure;
  const failure = f && new ValidationError(f.code, f.message.slice(f.code.length + 2), f.detail);
  return unpackTxChecks(answer.buffer, failure);
}

/**
 * A block's transactions in slices of `perSlice` on `checker` (all dispatched at once; the checker
 * applies its own back-pressure), merged in block order.
 */
export async function checkBlockTxsOn(checker: TxRangeChecker, job: BlockTxsJob, perSlice: number): Promise<TxChecks> {
  const slices = sliceBlockTxs(job, perSlice).map((slice) => {
    const answer = checker.checkTxRange(slice);
    answer.catch(() => {}); // awaited below, in order
    return answer;
  });
  return mergeTxChecks(await Promise.all(slices));
}

/** A block's transactions as jobs of `perSlice` transactions (the last may have fewer), in block order. */
export function sliceBlockTxs(job: BlockTxsJob, perSlice: number): TxRangeJob[] {
  const { blockBytes, txSizes, ...placement } = job;
  let total = 0;
  for (const size of txSizes) total += size;
  if (total > blockBytes.length) {
    throw new TxCheckPoolError('BAD_ARGUMENT', `transactions of ${total} bytes in a block of ${blockBytes.length}`);
  }
  const slices: TxRangeJob[] = [];
  let offset = blockBytes.length - total;
  for (let first = 0; first < txSizes.length; first += perSlice) {
    const count = Math.min(perSlice, txSizes.length - first);
    let length = 0;
    for (let i = first; i < first + count; i++) length += txSizes[i]!;
    // A copy (a Node Buffer's slice would be a view of a shared pool): the checker may transfer it.
    const bytes = new Uint8Array(blockBytes.subarray(offset, offset + length));
    offset += length;
    slices.push({ ...placement, firstIndex: first, bytes, count });
  }
  return slices;
}

/** Consecutive slices' checks as one, up to the first failure. */
export function mergeTxChecks(slices: readonly TxChecks[]): TxChecks {
  const entries: TxChecks['entries'][number][] = [];
  const results: TxChecks['results'][number][] = [];
  for (const s of slices) {
    for (const e of s.entries) entries.push(e);
    for (const r of s.results) results.push(r);
    if (s.failure) return { entries, results, failure: s.failure };
  }
  return { entries, results };
}

/** A TxCheckPool on worker threads. Call close() when done. */
export function createTxCheckPool(options: TxCheckPoolOptions = {}): TxCheckPool {
  return new WorkerTxCheckPool(options);
}
