// The miner's Prometheus metrics (bystack_miner_*).
import { counter, gauge, type ServiceMetrics } from '@bystack/runtime';

export const minerMetricDefs = {
  minerBlocksFound: counter({ help: 'Blocks whose nonce this miner found (local threads)', labels: [] }),
  minerBlocksSubmitted: counter({
    help: 'Blocks sent to the validator, by source (local, work) and outcome (disposition or error code)',
    labels: ['source', 'outcome'],
  }),
  minerHashes: counter({ help: 'Tensority hashes computed by the search threads', labels: [] }),
  minerHashrate: gauge({ help: 'Hashes per second over the last seconds', labels: [] }),
  minerTemplateHeight: gauge({ help: 'Height of the current block template', labels: [] }),
  minerTemplateTxs: gauge({ help: 'Transactions of the current block template, coinbase excluded', labels: [] }),
  minerTemplates: counter({ help: 'Block templates built, by reason', labels: ['reason'] }),
  minerTemplateErrors: counter({ help: 'Template builds that failed', labels: [] }),
  minerWorkAbandoned: counter({ help: 'Searches abandoned because the tip moved', labels: [] }),
  minerWorkSubmitted: counter({ help: 'SubmitWork calls by outcome', labels: ['outcome'] }),
} as const;

export type MinerMetrics = ReturnType<typeof defineMinerMetrics>;

export function defineMinerMetrics(metrics: ServiceMetrics) {
  return metrics.define(minerMetricDefs);
}
