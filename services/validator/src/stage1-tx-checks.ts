// The validator's TxCheckPool for PSWV stage 1: its own worker threads, and with
// `pswvReplicaRequests` > 0 the chain's validator replicas beside them (createSpreadingTxChecker:
// a slice a replica fails on or does not answer in time is checked again on the local threads).
// Neither (the default): no pool, the pipeline checks transactions on its own thread. On a 2-core
// machine that is faster: a 5,000-transfer side block's warm path took 285 ms on the pipeline's
// thread against 313 ms with a pool of 2, and windows of 300-transaction blocks ran 0.90x with the
// pool (bench/side-block.bench.ts, bench/catchup.bench.ts): the second core is already busy with
// the signature pool, Tensority, LMDB's write thread and Redis.
import { createSpreadingTxChecker, createTxCheckPool, type TxCheckPool } from '@bystack/protocol';
import type { NatsBus } from '@bystack/runtime';
import { createReplicaTxChecker } from './replica.ts';

export type ValidatorTxChecksOptions = {
  readonly bus: NatsBus;
  readonly chainId: string;
  /** Local worker threads (0: none; with replicas, one for the slices they fail). */
  readonly threads: number;
  /** Slices handed at once to the chain's replicas (0: none). */
  readonly replicaRequests: number;
  /** Longest a replica may take on a slice before the local threads check it instead. */
  readonly replicaTimeoutMs: number;
};

/** Undefined when there is neither; close it at shutdown (its local pool: the replicas are not the validator's). */
export function createValidatorTxChecks(opts: ValidatorTxChecksOptions): TxCheckPool | undefined {
  if (opts.threads === 0 && opts.replicaRequests === 0) return undefined;
  const workers = Math.max(1, opts.threads);
  const pool = createTxCheckPool({ workers });
  if (opts.replicaRequests === 0) return pool;
  return createSpreadingTxChecker([
    // Two slices per thread: one waits while the other runs, so the threads never idle on a message.
    { checker: pool, concurrency: 2 * workers },
    {
      checker: createReplicaTxChecker(opts.bus, opts.chainId, opts.replicaTimeoutMs),
      concurrency: opts.replicaRequests,
    },
  ]);
}
