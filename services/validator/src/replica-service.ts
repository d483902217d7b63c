// A validator replica's composition root (PSWV stage 1 across replicas, see replica.ts): config ->
// signature verifier pool -> NATS bus -> the chain's signature-batch responder -> /metrics. It holds
// no chain state: it only checks signatures for the chain's validators, so replicas can be added
// and removed at any time.
import { createSignatureVerifierPool } from '@bystack/protocol';
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
import { serveSignatureBatches } from './replica.ts';

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
});

export type ReplicaConfig = ServiceConfig<typeof replicaConfigSchema>;

export type Replica = { readonly metricsUrl: string };

export async function buildReplica(ctx: ServiceContext<ReplicaConfig>): Promise<Replica> {
  const { config, log } = ctx;
  const chainId = chainConfig(config.chain).params.chainId;
  const pool = createSignatureVerifierPool(config.verifierThreads > 0 ? { workers: config.verifierThreads } : {});
  ctx.onShutdown('signature-verifier', () => pool.close());
  const bus = await createNatsBus(natsBusOptionsFromConfig(config, `replica-${config.nodeId}`), ctx);
  serveSignatureBatches(bus, chainId, pool, config.concurrency);
  const metricsServer = await createMetricsServer({ port: config.metricsPort, host: config.metricsHost }, ctx);
  log.info('replica ready', { chain: chainId, metrics: metricsServer.url });
  return { metricsUrl: metricsServer.url };
}
