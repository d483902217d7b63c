// A validator replica's composition root (PSWV stage 1 across replicas, see replica.ts): config ->
// signature verifier pool + transaction check pool -> NATS bus -> the chain's signature-batch and
// tx-check-slice responders -> /metrics. It holds no chain state: it only checks signatures and
// transactions for the chain's validators, so replicas can be added and removed at any time.
import { createSignatureVerifierPool, createTxCheckPool } from '@bystack/protocol';
import {
  createMetricsServer,
  createNatsBus,
  defineConfigSchema,
  metricsConfigSchema,
  natsBusOptionsFromConfig,
  natsConfigSchema,
  type ServiceConfig,
  type ServiceContext,
  setting,
} from '@bystack/runtime';
import { CHAIN_CONFIG_NAMES, chainConfig } from './chain-config.ts';
import { serveSignatureBatches, serveTxCheckSlices } from './replica.ts';

export const replicaConfigSchema = defineConfigSchema({
  nodeId: setting.string({
    default: 'r0',
    pattern: /^[A-Za-z0-9_-]{1,32}$/,
    doc: "This replica's id (its NATS client name)",
  }),
  chain: setting.enumOf(CHAIN_CONFIG_NAMES, { default: 'side-devnet', doc: 'Chain whose validators it serves' }),
  ...natsConfigSchema,
  ...metricsConfigSchema,
  verifierThreads: setting.int({ default: 0, min: 0, max: 64, doc: 'Verifier worker threads (0: one per core)' }),
  concurrency: setting.int({ default: 4, min: 1, max: 256, doc: 'Signature batches verified at once' }),
  txCheckThreads: setting.int({
    default: 0,
    min: 0,
    max: 64,
    doc: 'Transaction check worker threads (0: one per core)',
  }),
  txCheckConcurrency: setting.int({
    default: 4,
    min: 1,
    max: 256,
    doc: "Slices of blocks' transactions checked at once",
  }),
});

export type ReplicaConfig = ServiceConfig<typeof replicaConfigSchema>;

export type Replica = { readonly metricsUrl: string };

export async function buildReplica(ctx: ServiceContext<ReplicaConfig>): Promise<Replica> {
  const { config, log } = ctx;
  const chainId = chainConfig(config.chain).params.chainId;
  const pool = createSignatureVerifierPool(config.verifierThreads > 0 ? { workers: config.verifierThreads } : {});
  ctx.onShutdown('signature-verifier', () => pool.close());
  const txChecks = createTxCheckPool(config.txCheckThreads > 0 ? { workers: config.txCheckThreads } : {});
  ctx.onShutdown('tx-check-pool', () => txChecks.close());
  const bus = await createNatsBus(natsBusOptionsFromConfig(config, `replica-${config.nodeId}`), ctx);
  serveSignatureBatches(bus, chainId, pool, config.concurrency);
  serveTxCheckSlices(bus, chainId, txChecks, config.txCheckConcurrency);
  const metricsServer = await createMetricsServer({ port: config.metricsPort, host: config.metricsHost }, ctx);
  log.info('replica ready', { chain: chainId, metrics: metricsServer.url });
  return { metricsUrl: metricsServer.url };
}
