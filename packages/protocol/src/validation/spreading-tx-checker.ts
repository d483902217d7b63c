// A TxCheckPool that spreads a block's transaction slices over several checkers (lanes): the local
// TxCheckPool and validator replicas (PSWV stage 1 across processes). Each slice goes to the
// least-loaded lane with room (../threads/spreader.ts); a slice a replica fails on or does not answer in time is
// checked again by the first lane, the local pool, so a dead replica costs time, never a verdict.
import { Spreader, type SpreadStats } from '../threads/spreader.ts';
import {
  type BlockTxsJob,
  mergeTxChecks,
  sliceBlockTxs,
  type TxCheckPool,
  TxCheckPoolError,
  type TxRangeChecker,
} from './tx-check-pool.ts';
import type { TxChecks, TxRangeJob } from './tx-checks.ts';

export type TxCheckLane = {
  readonly checker: TxRangeChecker;
  /** Slices this lane checks at once (the local pool: about its worker count). */
  readonly concurrency: number;
};

export type SpreadingTxCheckerOptions = {
  /** Fewest transactions in one slice; default 128 (smaller slices cost more in messages than they save). */
  readonly minSlice?: number;
  /** Most transactions in one slice; default 1024 (a replica's answer must fit a NATS message). */
  readonly maxSlice?: number;
};

export interface SpreadingTxChecker extends TxCheckPool {
  /** `done`: transactions each lane checked, in lane order. */
  stats(): SpreadStats;
}

/** `lanes[0]` is the local pool (it takes back what the others fail on); close() closes only it. */
export function createSpreadingTxChecker(
  lanes: readonly TxCheckLane[],
  opts: SpreadingTxCheckerOptions = {},
): SpreadingTxChecker {
  const badOptions = (message: string) => new TxCheckPoolError('BAD_OPTIONS', message);
  const minSlice = opts.minSlice ?? 128;
  const maxSlice = opts.maxSlice ?? 1024;
  if (!Number.isSafeInteger(minSlice) || !Number.isSafeInteger(maxSlice) || minSlice < 1 || maxSlice < minSlice) {
    throw badOptions(`slice bounds must be integers with 1 <= minSlice <= maxSlice, got ${minSlice}..${maxSlice}`);
  }
  const spreader = new Spreader<TxRangeJob, TxChecks>(
    lanes.map(({ checker, concurrency }) => ({ run: (job) => checker.checkTxRange(job), concurrency })),
    (job) => job.count,
    badOptions,
  );
  let slots = 0;
  for (const lane of lanes) slots += lane.concurrency;
  return {
    async checkBlockTxs(job: BlockTxsJob) {
      // About two slices per slot: one straggler (a busy replica) holds up less.
      const perSlice = Math.min(maxSlice, Math.max(minSlice, Math.ceil(job.txSizes.length / (2 * slots))));
      return mergeTxChecks(await spreader.runAll(sliceBlockTxs(job, perSlice)));
    },
    checkTxRange: (job: TxRangeJob) => spreader.run(job),
    close: () => lanes[0]!.checker.close(),
    stats: () => spreader.stats(),
  };
}
