// The bbft's composition root: config -> metrics endpoint -> signer store (the node's LMDB) and
// signer -> validator and mempool clients -> NATS -> the Bbft engine -> BbftService. Everything
// shuts down through the service's one AbortSignal, in reverse order.
import { mkdirSync, writeSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bbftV1 } from '@bystack/proto';
import { xprvToXPub } from '@bystack/protocol';
import {
  createGrpcServer,
  createLmdbStore,
  createMetricsServer,
  createNatsBus,
  natsBusOptionsFromConfig,
  type ServiceContext,
} from '@bystack/runtime';
import { Bbft } from './bbft.ts';
import { toHex } from './bytes.ts';
import {
  createMempoolClient,
  createValidatorClient,
  GrpcBlockValidator,
  GrpcSideChainView,
  GrpcTxSource,
} from './chain-client.ts';
import { type BbftConfig, resolveBbftConfig } from './config.ts';
import { EvidenceStore } from './evidence-store.ts';
import { createBbftService } from './handlers.ts';
import { defineBbftMetrics } from './metrics.ts';
import { NatsBbftNetwork } from './network.ts';
import { Signer, type SignKind } from './signer.ts';
import { StoreSignerGuard, signerKeyspace } from './signer-guard.ts';

export type BbftService = {
  readonly bbft: Bbft;
  readonly signer: Signer;
  /** The bound gRPC port. */
  readonly grpcPort: number;
  readonly metricsPort: number;
};

/** TEST ONLY: SIGKILLs this process right after a signer record of the named kind is on disk. */
function crashAfterPersist(setting: 'own' | 'peer' | 'any' | undefined) {
  if (setting === undefined) return undefined;
  return (kind: SignKind, height: bigint, blockId: Uint8Array) => {
    if (setting !== 'any' && setting !== kind) return;
    writeSync(
      2,
      `bbft: test crash point after-persist (${kind}) at height ${height} block ${toHex(blockId)}: SIGKILL\n`,
    );
    process.kill(process.pid, 'SIGKILL');
  };
}

export async function buildBbft(ctx: ServiceContext<BbftConfig>): Promise<BbftService> {
  const { config, log } = ctx;
  const resolved = resolveBbftConfig(config);
  const { params, genesis } = resolved;
  const xpub = xprvToXPub(resolved.xprv);
  const keyspace = signerKeyspace(params.chainId, xpub);
  log.info('bbft settings', {
    chain: config.chain,
    chain_id: params.chainId,
    node: config.nodeId,
    producer: toHex(xpub),
    key_source: resolved.keySource,
    reward_program: toHex(resolved.rewardProgram),
    validator: config.validatorAddr,
    mempool: config.mempoolAddr ?? null,
    signer_keyspace: keyspace,
  });
  if (config.bbftFaultDoubleSign) log.warn('TEST FAULT ON: this producer double signs in its slots');
  if (config.bbftTestCrashAfterPersist) {
    log.warn('TEST CRASH POINT ON: SIGKILL after a signer record', { kind: config.bbftTestCrashAfterPersist });
  }

  const metricsServer = await createMetricsServer({ port: config.metricsPort, host: config.metricsHost }, ctx);
  const metrics = defineBbftMetrics(ctx.metrics);

  mkdirSync(config.dataDir, { recursive: true });
  const store = await createLmdbStore({ path: path.join(config.dataDir, 'lmdb') });
  ctx.onShutdown('signer-store', () => store.close());
  const signer = new Signer(
    { xprv: resolved.xprv, onPersisted: crashAfterPersist(config.bbftTestCrashAfterPersist) },
    new StoreSignerGuard(store, keyspace),
  );

  const clientOpts = { deadlineMs: config.bbftRpcTimeout, metrics: ctx.metrics, log };
  const validatorClient = createValidatorClient(config.validatorAddr, clientOpts);
  ctx.onShutdown('validator-client', () => validatorClient.close());
  let txs: GrpcTxSource | undefined;
  if (config.mempoolAddr !== undefined) {
    const mempoolClient = createMempoolClient(config.mempoolAddr, clientOpts);
    ctx.onShutdown('mempool-client', () => mempoolClient.close());
    txs = new GrpcTxSource(mempoolClient, params.chainId);
  }

  const bus = await createNatsBus(
    natsBusOptionsFromConfig(config, `bbft-${config.nodeId}-${toHex(xpub.subarray(0, 4))}`),
    ctx,
  );
  const network = new NatsBbftNetwork(bus, params.chainId, config.nodeId, log.child({ module: 'network' }));
  const bbft = new Bbft(
    {
      params,
      rewardProgram: resolved.rewardProgram,
      maxTxs: config.bbftMaxTxs,
      announceBlocks: config.bbftAnnounceBlocks,
      loadDepth: config.bbftLoadDepth,
      faultDoubleSign: config.bbftFaultDoubleSign,
    },
    {
      view: new GrpcSideChainView(validatorClient, params, genesis),
      validator: new GrpcBlockValidator(validatorClient, params.chainId),
      txs,
      signer,
      network,
      evidence: new EvidenceStore({ file: path.join(config.dataDir, 'bbft', `${keyspace}.evidence`) }),
      log,
      metrics,
    },
  );
  network.subscribe({
    block: (bytes) => bbft.onBlockAnnounce(bytes),
    signature: (message) => bbft.onSignature(message),
    evidence: (bytes) => bbft.onEvidence(bytes),
  });
  ctx.onShutdown('bbft', () => bbft.stop());

  // Serve status at once (NOT_READY until the chain is loaded), then load: the validator may start later.
  const grpc = createGrpcServer({ host: config.grpcHost, port: config.grpcPort, graceMs: config.grpcGrace }, ctx);
  grpc.addService(bbftV1.BbftServiceService, createBbftService(bbft, params.chainId));
  const grpcPort = await grpc.start();
  for (let attempt = 1; ; attempt++) {
    try {
      await bbft.start();
      break;
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      if (attempt === 1 || attempt % 20 === 0)
        log.warn('waiting for the validator to load the chain', { err, attempt });
      await sleep(250, undefined, { signal: ctx.signal }).catch(() => {});
    }
  }
  log.info('bbft ready', { grpc_port: grpcPort, metrics: metricsServer.url, tip: String(bbft.status().tip.height) });
  return { bbft, signer, grpcPort, metricsPort: metricsServer.port };
}
