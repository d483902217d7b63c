// The mempool's own metrics (the runtime adds gRPC, NATS and process metrics).
import { counter, gauge, histogram, type MetricsOf, type ServiceMetrics } from '@bystack/runtime';
import type { TxPool } from './pool.ts';

export const mempoolMetricDefs = {
  mempoolTxAdmitted: counter({ help: 'Transactions admitted to the pool', labels: ['chain', 'source'] }),
  mempoolTxRejected: counter({ help: 'Transactions rejected, by stable code', labels: ['chain', 'source', 'code'] }),
  mempoolTxRemoved: counter({
    help: 'Transactions that left the pool (confirmed, conflict, evicted, expired, invalid)',
    labels: ['chain', 'reason'],
  }),
  mempoolPoolTxs: gauge({ help: 'Transactions pending', labels: ['chain'] }),
  mempoolPoolBytes: gauge({ help: 'Serialized bytes pending', labels: ['chain'] }),
  mempoolTipHeight: gauge({ help: 'Height of the tip the pool is checked against', labels: ['chain'] }),
  mempoolAdmitBatchTxs: histogram({
    help: 'Transactions per admission batch',
    labels: ['chain', 'source'],
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 10000],
  }),
  mempoolChainEvents: counter({ help: 'Chain events handled (committed, reorged)', labels: ['chain', 'event'] }),
} as const;

export type MempoolMetrics = MetricsOf<typeof mempoolMetricDefs>;

export function defineMempoolMetrics(metrics: ServiceMetrics): MempoolMetrics {
  return metrics.define(mempoolMetricDefs);
}

/** Updates the pool-size gauges. */
export function observePool(m: MempoolMetrics, chain: string, pool: TxPool): void {
  m.mempoolPoolTxs.set({ chain }, pool.count);
  m.mempoolPoolBytes.set({ chain }, pool.bytes);
}
