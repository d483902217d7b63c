// The miner's composition root: config -> metrics endpoint -> validator and mempool clients ->
// search pool -> template builder and miner -> NATS events of its node -> MinerService.
import { chainV1, minerV1 } from '@bystack/proto';
import {
  createGrpcServer,
  createMetricsServer,
  createNatsBus,
  natsBusOptionsFromConfig,
  type ServiceContext,
  subject,
} from '@bystack/runtime';
import { toHex } from './bytes.ts';
import { createMempoolClient, createValidatorClient, GrpcChain, GrpcTxSource } from './chain-client.ts';
import { type MinerConfig, resolveMinerConfig } from './config.ts';
import { createMinerService } from './handlers.ts';
import { defineMinerMetrics } from './metrics.ts';
import { Miner } from './miner.ts';
import { SearchPool } from './pool.ts';
import { TemplateBuilder } from './template.ts';
import type { BlockRef } from './types.ts';

export type MinerModules = {
  readonly miner: Miner;
  readonly pool: SearchPool;
  /** The bound gRPC port. */
  readonly grpcPort: number;
  readonly metricsPort: number;
};

function refOf(ref: chainV1.BlockRef | undefined): BlockRef | undefined {
  return ref === undefined || ref.blockId.length !== 32
    ? undefined
    : { id: new Uint8Array(ref.blockId), height: ref.height };
}

export async function buildMiner(ctx: ServiceContext<MinerConfig>): Promise<MinerModules> {
  const { config, log } = ctx;
  const resolved = resolveMinerConfig(config);
  const { params } = resolved;
  log.info('miner settings', {
    chain: config.chain,
    chain_id: params.chainId,
    node: config.nodeId,
    threads: resolved.threads,
    program: toHex(resolved.program),
    program_source: resolved.programSource,
    validator: config.validatorAddr,
    mempool: config.mempoolAddr ?? null,
  });

  const metricsServer = await createMetricsServer({ port: config.metricsPort, host: config.metricsHost }, ctx);
  const metrics = defineMinerMetrics(ctx.metrics);

  const clientOpts = { deadlineMs: config.minerRpcTimeout, metrics: ctx.metrics, log };
  const validatorClient = createValidatorClient(config.validatorAddr, clientOpts);
  ctx.onShutdown('validator-client', () => validatorClient.close());
  const chain = new GrpcChain(validatorClient, params.chainId);
  let txs: GrpcTxSource | undefined;
  if (config.mempoolAddr !== undefined) {
    const mempoolClient = createMempoolClient(config.mempoolAddr, clientOpts);
    ctx.onShutdown('mempool-client', () => mempoolClient.close());
    txs = new GrpcTxSource(mempoolClient, params.chainId);
  }

  const pool = new SearchPool({ threads: resolved.threads }, log);
  ctx.onShutdown('search-pool', () => pool.close());

  const builder = new TemplateBuilder(
    { params, program: resolved.program, maxTxs: config.minerMaxTxs },
    { chain, txs, log: log.child({ module: 'template' }) },
  );
  const miner = new Miner(
    { params, refreshMs: config.minerRefresh, tipPollMs: config.minerTipPoll },
    { chain, builder, pool, log, metrics },
  );

  // The node's events: core-NATS subscriptions on the JetStream subjects (the miner needs only the
  // latest news; the tip poll covers anything missed).
  const bus = await createNatsBus(natsBusOptionsFromConfig(config, `miner-${config.nodeId}`), ctx);
  bus.subscribe(subject(params.chainId, config.nodeId, 'committed'), chainV1.BlockCommitted, (event) => {
    const ref = refOf(event.ref);
    if (ref !== undefined) miner.onCommitted(ref);
  });
  bus.subscribe(subject(params.chainId, config.nodeId, 'reorged'), chainV1.BlockReorged, (event) => {
    miner.onReorged(refOf(event.forkPoint));
  });

  miner.start();
  ctx.onShutdown('miner', () => miner.stop());
  ctx.signal.addEventListener('abort', () => void miner.stop(), { once: true });

  const grpc = createGrpcServer({ host: config.grpcHost, port: config.grpcPort, graceMs: config.grpcGrace }, ctx);
  grpc.addService(minerV1.MinerServiceService, createMinerService(miner, params.chainId));
  const grpcPort = await grpc.start();
  return { miner, pool, grpcPort, metricsPort: metricsServer.port };
}
