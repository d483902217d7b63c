// The composition root: config -> hot tier (Redis; read only but for the signature and tx check
// caches it files for the validator) -> signature verifier -> the pool ->
// NATS (gossip, chain events) -> gRPC -> /metrics. Shutdown runs in reverse: gRPC stops taking
// calls and drains, the event follower stops, the bus drains, the verifier's threads end, Redis quits.
import { availableParallelism } from 'node:os';
import {
  createCachingSignatureVerifier,
  createSignatureVerifier,
  createSignatureVerifierPool,
  type SignatureVerifier,
  txChecksFingerprint,
} from '@bystack/protocol';
import {
  createGrpcServer,
  createMetricsServer,
  createNatsBus,
  createRedisHotTier,
  createRedisSignatureCache,
  createRedisTxCheckCache,
  type GrpcServer,
  type MetricsServer,
  type NatsBus,
  natsBusOptionsFromConfig,
  type RunServiceOptions,
  runService,
  type ServiceConfig,
  type ServiceContext,
  type StartServiceOptions,
  startService,
} from '@bystack/runtime';
import { Redis } from 'ioredis';
import { defaultEventsStream, type MempoolConfig, mempoolConfigSchema, servedChainOf } from './config.ts';
import { ChainFollower, streamStart } from './follower.ts';
import { TxGossip } from './gossip.ts';
import { createMempoolService, mempoolServiceDefinition } from './grpc-service.ts';
import { Mempool } from './mempool.ts';
import { defineMempoolMetrics } from './metrics.ts';
import { writeOnlySignatureCache } from './signature-cache.ts';

export type MempoolServiceConfig = ServiceConfig<typeof mempoolConfigSchema>;

export type MempoolModules = {
  readonly mempool: Mempool;
  readonly redis: Redis;
  readonly bus: NatsBus;
  readonly gossip: TxGossip | undefined;
  readonly follower: ChainFollower;
  readonly grpc: GrpcServer;
  readonly metricsServer: MetricsServer;
  /** The bound gRPC port (the real one when 0 was configured). */
  readonly grpcPort: number;
};

function verifierOf(workers: number): SignatureVerifier {
  if (workers === 0) return createSignatureVerifier();
  const n = workers === -1 ? Math.max(1, availableParallelism() - 1) : workers;
  return createSignatureVerifierPool({ workers: n });
}

/** Builds every module of the mempool in order; resolves once it serves. */
export async function buildMempool(ctx: ServiceContext<MempoolServiceConfig>): Promise<MempoolModules> {
  const config: MempoolConfig = ctx.config;
  const { log } = ctx;
  const { params, federationProgram } = servedChainOf(config.chain);
  const chain = params.chainId;

  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    // Fail a read fast (UNAVAILABLE to the client) rather than hold calls while Redis is away.
    maxRetriesPerRequest: 2,
    commandTimeout: 3_000,
    connectTimeout: 5_000,
    connectionName: `mempool-${config.nodeId}`,
  });
  redis.on('error', (err: Error) => log.warn('redis connection problem', { error: err.message }));
  await redis.connect();
  ctx.onShutdown('redis', async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  const hot = createRedisHotTier({ redis, prefix: config.redisPrefix });

  const threads = verifierOf(config.verifierWorkers);
  // Verified signatures are remembered for the validator, which then skips them in the block.
  const verifier = createCachingSignatureVerifier(
    threads,
    writeOnlySignatureCache(
      createRedisSignatureCache({ redis, prefix: config.redisPrefix, ttlSeconds: config.signatureCacheSeconds }),
    ),
  );
  ctx.onShutdown('signature-verifier', () => verifier.close());

  const metrics = defineMempoolMetrics(ctx.metrics);
  const mempool = new Mempool({
    chain,
    params,
    federationProgram,
    minFeeRate: BigInt(config.minFeeRate),
    limits: { maxTxs: config.maxPoolTxs, maxBytes: config.maxPoolBytes },
    utxos: hot,
    verifier,
    metrics,
    log: log.child({ module: 'mempool' }),
  });
  // Admitted txs' checks are filed for the validator, which then skips them in the block.
  if (config.txCheckCacheSeconds > 0) {
    mempool.admission.fileChecksIn({
      fingerprint: txChecksFingerprint(params, federationProgram),
      cache: createRedisTxCheckCache({ redis, prefix: config.redisPrefix, ttlSeconds: config.txCheckCacheSeconds }),
    });
  }
  const bus = await createNatsBus(natsBusOptionsFromConfig(config, `mempool-${config.nodeId}`), ctx);
  const js = await bus.jetstream();
  const stream = config.eventsStream ?? defaultEventsStream(config.nodeId, chain);
  // Read where the events stand before the hot tier's tip: what comes after is not in the tip.
  const start = await streamStart(js, stream);
  const tip = await mempool.init();
  log.info('pool checked against the hot tier tip', { chain, height: tip?.height });
  let gossip: TxGossip | undefined;
  if (config.gossip) {
    gossip = new TxGossip({ bus, chain, nodeId: config.nodeId, log: log.child({ module: 'gossip' }) });
    mempool.setAnnouncer(gossip);
    gossip.start(mempool);
  }

  if (config.revalidateInterval > 0) {
    const timer = setInterval(() => {
      mempool.revalidate().catch((err: unknown) => log.warn('revalidation failed', { err }));
    }, config.revalidateInterval);
    timer.unref();
    ctx.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  }

  const grpc = createGrpcServer({ host: config.grpcHost, port: config.grpcPort, graceMs: config.grpcGrace }, ctx);
  grpc.addService(mempoolServiceDefinition, createMempoolService(mempool, { maxBatchTxs: config.maxBatchTxs }));
  const grpcPort = await grpc.start();

  const follower = new ChainFollower(
    {
      jetstream: async () => js,
      stream,
      durable: config.eventsConsumer,
      start,
      log: log.child({ module: 'follower' }),
      signal: ctx.signal,
    },
    mempool,
  );
  ctx.onShutdown('chain-follower', () => follower.stop());
  // Without its events the pool would keep confirmed txs: report NOT_SERVING so the orchestrator
  // restarts the service (the revalidation sweep limits the damage meanwhile).
  follower
    .start()
    .then(() => follower.done)
    .catch((err: unknown) => {
      log.error('chain event follower failed', { err });
      grpc.setServing('', false);
    });
  const metricsServer = await createMetricsServer({ host: config.metricsHost, port: config.metricsPort }, ctx);
  log.info('mempool serving', { chain, node: config.nodeId, grpc_port: grpcPort, metrics: metricsServer.url });
  return { mempool, redis, bus, gossip, follower, grpc, metricsServer, grpcPort };
}

type MempoolServiceOptions = Omit<
  StartServiceOptions<typeof mempoolConfigSchema, MempoolModules>,
  'build' | 'name' | 'configSchema'
>;

/** Starts the mempool in this process (tests, embedding); `stop()` on the handle shuts it down. */
export function startMempool(opts: MempoolServiceOptions = {}) {
  return startService({ ...opts, name: 'mempool', configSchema: mempoolConfigSchema, build: buildMempool });
}

/** The process entry point's body: runs until SIGTERM/SIGINT. */
export function runMempool(
  opts: Omit<RunServiceOptions<typeof mempoolConfigSchema, MempoolModules>, 'build' | 'name' | 'configSchema'> = {},
): Promise<number> {
  return runService({ ...opts, name: 'mempool', configSchema: mempoolConfigSchema, build: buildMempool });
}
