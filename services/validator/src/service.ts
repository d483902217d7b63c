// The validator's composition root: config -> durable store (LMDB) + Redis hot tier (TieredStore,
// repaired at start) -> signature verifier pool -> NATS bus + the node-local event stream -> the
// chain, main or side by the chain config (genesis on an empty store, main chain loaded, an
// interrupted reorganization finished, missing events published) -> net.block / net.getblocks (and
// net.sig on a side chain) -> gRPC ChainService -> /metrics.
// Everything shuts down through the service's one AbortSignal, in reverse order.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { bbftV1, chainV1 } from '@bystack/proto';
import {
  createCachingSignatureVerifier,
  createSignatureVerifierPool,
  createSpreadingSignatureVerifier,
} from '@bystack/protocol';
import {
  counter,
  createGrpcServer,
  createLmdbStore,
  createMetricsServer,
  createNatsBus,
  createRedisHotTier,
  createRedisSignatureCache,
  createRedisTxCheckCache,
  createTieredStore,
  gauge,
  natsBusOptionsFromConfig,
  type ServiceConfig,
  type ServiceContext,
  subject,
  type TieredStore,
  type TieredStoreHooks,
} from '@bystack/runtime';
import { Redis } from 'ioredis';
import { createChainService } from './api.ts';
import { RecentBlockEffects } from './block-effects.ts';
import { hex } from './bytes.ts';
import { Chain } from './chain.ts';
import { chainConfig } from './chain-config.ts';
import type { validatorConfigSchema } from './config.ts';
import { EventPublisher } from './events.ts';
import type { AnyChain, PipelineOptions } from './pipeline.ts';
import { createReplicaVerifier } from './replica.ts';
import { SideChain } from './side-chain.ts';
import { createValidatorTxChecks } from './stage1-tx-checks.ts';
import { NetSync } from './sync.ts';

export type ValidatorConfig = ServiceConfig<typeof validatorConfigSchema>;

export type Validator = {
  readonly chain: AnyChain;
  readonly store: TieredStore;
  readonly events: EventPublisher;
  /** What committed blocks' txs did, kept until their events are out. */
  readonly effects: RecentBlockEffects;
  readonly sync: NetSync;
  /** The bound gRPC port. */
  readonly grpcPort: number;
  readonly metricsUrl: string;
};

type CrashPoint = 'after-durable-commit' | 'after-durable-revert' | 'before-publish' | 'after-publish';

/** TEST ONLY: a function that SIGKILLs this process at `point` for `height`, from `<point>:<height>`. */
function crashAt(setting: string | undefined): (point: CrashPoint, height: number) => void {
  if (!setting) return () => {};
  const [point, height] = setting.split(':');
  return (p, h) => {
    if (p === point && String(h) === height) {
      process.stderr.write(`validator: test crash point ${setting} reached, SIGKILL\n`);
      process.kill(process.pid, 'SIGKILL');
    }
  };
}

export async function buildValidator(ctx: ServiceContext<ValidatorConfig>): Promise<Validator> {
  const { config, log } = ctx;
  const cfg = chainConfig(config.chain);
  const chainId = cfg.params.chainId;
  const crash = crashAt(config.testCrashPoint);

  mkdirSync(config.dataDir, { recursive: true });
  const durable = await createLmdbStore({ path: path.join(config.dataDir, 'lmdb') });
  ctx.onShutdown('durable-store', () => durable.close());

  const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  redis.on('error', (err: Error) => log.warn('redis error', { error: err.message }));
  await redis.connect();
  ctx.onShutdown('redis', async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  const hot = createRedisHotTier({ redis, prefix: config.redisPrefix });

  // The chain is built below; the crash hooks look heights up in its index.
  let chain: AnyChain | undefined;
  // What each commit's transactions did, for its committed event (the mempool then decodes nothing).
  const effects = new RecentBlockEffects();
  const hooks: TieredStoreHooks = {
    afterDurableCommit: (commit) => {
      effects.record(commit);
      crash('after-durable-commit', commit.height);
    },
    afterDurableRevert: (_chain, blockId) => {
      const node = chain?.index.get(hex(blockId));
      if (node) crash('after-durable-revert', node.height);
    },
  };
  const store = createTieredStore({ durable, hot, hooks });
  for (const report of await store.repair([chainId])) {
    log.info('hot tier repaired', { ...report, tip: report.tip?.height });
  }

  const bus = await createNatsBus(natsBusOptionsFromConfig(config, `validator-${config.nodeId}`), ctx);
  const js = await bus.jetstream();

  const pool = createSignatureVerifierPool(config.verifierThreads > 0 ? { workers: config.verifierThreads } : {});
  // PSWV stage 1 across replicas: signature batches spread over this pool and the chain's replicas.
  const local =
    config.pswvReplicaRequests > 0
      ? createSpreadingSignatureVerifier([
          { verifier: pool, concurrency: 1 },
          {
            verifier: createReplicaVerifier(bus, chainId, config.pswvReplicaTimeout),
            concurrency: config.pswvReplicaRequests,
          },
        ])
      : pool;
  // Signatures the mempool verified when it admitted a tx are not verified again in its block.
  const verifier = createCachingSignatureVerifier(
    local,
    createRedisSignatureCache({ redis, prefix: config.redisPrefix, ttlSeconds: config.signatureCacheSeconds }),
  );
  ctx.onShutdown('signature-verifier', () => verifier.close());
  // PSWV stage 1's transaction checks (big blocks, windows) on worker threads, and the replicas.
  const txChecks = createValidatorTxChecks({
    bus,
    chainId,
    threads: config.txCheckThreads,
    replicaRequests: config.pswvReplicaRequests,
    replicaTimeoutMs: config.pswvReplicaTimeout,
  });
  if (txChecks) ctx.onShutdown('tx-check-pool', () => txChecks.close());

  const metrics = ctx.metrics.define({
    validatorBlocks: counter({
      help: 'Blocks the validator processed, by source and outcome',
      labels: ['source', 'outcome'],
    }),
    validatorTipHeight: gauge({ help: 'Height of the main chain tip' }),
    validatorOrphans: gauge({ help: 'Orphan blocks held' }),
    validatorReorgs: counter({ help: 'Reorganizations of the main chain' }),
    validatorPipelineSteps: gauge({
      help: "The pipeline's costly steps since start, run or reused from a check-only submission (PipelineStats)",
      labels: ['step'],
    }),
    validatorFiledTxChecks: gauge({
      help: "Stage 1's txs since start whose checks the mempool had filed (hit) or not (miss)",
      labels: ['result'],
    }),
  });

  let sync: NetSync | undefined;
  let events: EventPublisher | undefined;
  // The stateless checks of txs the mempool admitted are taken from Redis, not run again.
  const filedTxChecks =
    config.txCheckCacheSeconds > 0
      ? {
          cache: createRedisTxCheckCache({
            redis,
            prefix: config.redisPrefix,
            ttlSeconds: config.txCheckCacheSeconds,
          }),
        }
      : undefined;
  const pipeline: PipelineOptions = {
    chainId,
    store,
    verifier,
    txChecks,
    maxOrphans: config.maxOrphans,
    maxOrphanBytes: config.maxOrphanBytes,
    dataDir: config.dataDir,
    log: log.child({ module: 'chain' }),
    onOrphan: () => {
      metrics.validatorOrphans.set(chain?.orphans.size ?? 0);
      sync?.requestMissing();
    },
    onProcessed: (source, outcome) => {
      metrics.validatorBlocks.inc({ source, outcome });
      metrics.validatorOrphans.set(chain?.orphans.size ?? 0);
      for (const [step, count] of Object.entries(chain?.stats ?? {}))
        metrics.validatorPipelineSteps.set({ step }, count);
      const filed = (chain as Chain | SideChain | undefined)?.filed?.stats;
      if (filed) {
        metrics.validatorFiledTxChecks.set({ result: 'hit' }, filed.hits);
        metrics.validatorFiledTxChecks.set({ result: 'miss' }, filed.misses);
      }
    },
    onChange: async (change) => {
      metrics.validatorTipHeight.set(change.attached.at(-1)?.height ?? change.forkPoint.height);
      if (change.detached.length > 0) metrics.validatorReorgs.inc();
      events?.kick();
    },
  };
  chain =
    cfg.kind === 'side'
      ? new SideChain({
          ...pipeline,
          params: cfg.params,
          genesis: cfg.genesis,
          federationProgram: cfg.federationProgram,
          filedTxChecks,
        })
      : new Chain({ ...pipeline, params: cfg.params, genesis: cfg.genesis, filedTxChecks });
  events = new EventPublisher(js, chain, durable, {
    chainId,
    nodeId: config.nodeId,
    dataDir: config.dataDir,
    log: log.child({ module: 'events' }),
    signal: ctx.signal,
    maxPayload: () => bus.connection.info?.max_payload ?? 1024 * 1024,
    effects,
    crash,
  });
  await events.declare();
  await chain.open();
  metrics.validatorTipHeight.set(chain.tip.height);
  await chain.serial(() => events.catchUp());
  // The background event run ends at the abort; it must be over before the bus drains (it runs first).
  const publisher = events;
  ctx.onShutdown('events', () => publisher.idle());
  // Stop taking blocks before the bus and the stores close: let the pipeline finish the block it holds.
  const openChain = chain;
  ctx.onShutdown('chain', () => openChain.close());

  sync = new NetSync(bus, chain, {
    chainId,
    nodeId: config.nodeId,
    batch: config.syncBatch,
    window: config.windowSize,
    timeoutMs: config.syncTimeout,
    log: log.child({ module: 'sync' }),
    signal: ctx.signal,
  });
  sync.start();
  const syncing = sync;
  ctx.onShutdown('sync', () => syncing.idle()); // a catch-up ends at the abort, before the chain closes
  if (chain instanceof SideChain) {
    // Producers' signatures (bbft's net.sig): kept in the blocks' witnesses, they make blocks irreversible.
    const side = chain;
    bus.subscribe(subject(chainId, 'net', 'sig'), bbftV1.BlockSignature, (s) => {
      side.addSignature(s.blockId, { producerKey: s.producerXpub, signature: s.signature }).catch((err: unknown) => {
        log.warn('producer signature not taken', { err });
      });
    });
  }

  const grpc = createGrpcServer({ port: config.grpcPort, host: config.grpcHost, graceMs: config.grpcGrace }, ctx);
  const activeSync = sync;
  grpc.addService(
    chainV1.ChainServiceService,
    createChainService({
      chain,
      durable,
      // A miner's block is announced by its node's validator; a side block by its producer (bbft),
      // which announces it with its signature, so the validator stays quiet there.
      onAccepted: cfg.kind === 'main' ? (bytes) => activeSync.announce(bytes) : undefined,
    }),
  );
  const grpcPort = await grpc.start();
  const metricsServer = await createMetricsServer({ port: config.metricsPort, host: config.metricsHost }, ctx);
  log.info('validator ready', {
    chain: chainId,
    config: cfg.name,
    node: config.nodeId,
    tip: chain.tip.height,
    grpc_port: grpcPort,
    metrics: metricsServer.url,
  });
  return { chain, store, events, effects, sync, grpcPort, metricsUrl: metricsServer.url };
}
