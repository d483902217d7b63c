// The bbft's Prometheus metrics (bystack_bbft_*).
import { counter, gauge, type ServiceMetrics } from '@bystack/runtime';

export const bbftMetricDefs = {
  bbftBlocksProduced: counter({ help: 'Blocks this producer made and signed in its slots', labels: [] }),
  bbftBlocksSigned: counter({ help: "Other producers' blocks this producer validated and signed", labels: [] }),
  bbftSignaturesRefused: counter({
    help: 'Signatures refused because the signer record holds another block at that height',
    labels: [],
  }),
  bbftBlocksRejected: counter({ help: 'Announced blocks rejected, by reason code', labels: ['code'] }),
  bbftDoubleSigns: counter({ help: 'Double-sign evidence taken, by source (detected, received)', labels: ['source'] }),
  bbftTipHeight: gauge({ help: 'Height of the head fork choice picked', labels: [] }),
  bbftIrreversibleHeight: gauge({ help: 'Height of the last irreversible block seen', labels: [] }),
} as const;

export type BbftMetrics = ReturnType<typeof defineBbftMetrics>;

export function defineBbftMetrics(metrics: ServiceMetrics) {
  return metrics.define(bbftMetricDefs);
}
