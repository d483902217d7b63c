// The Bbft engine in process, wired as the composition root wires it: the gRPC clients of a SideNode's
// validator and mempool, real NATS, the LMDB signer guard in a data dir, subscribed to the network.
import path from 'node:path';
import { createSideDevnetGenesis, sideDevnetParams, xprvToXPub } from '@bystack/protocol';
import { createLmdbStore, createLogger, createNatsBus } from '@bystack/runtime';
import { Bbft } from '../../src/bbft.ts';
import {
  createMempoolClient,
  createValidatorClient,
  GrpcBlockValidator,
  GrpcSideChainView,
  GrpcTxSource,
} from '../../src/chain-client.ts';
import { EvidenceStore } from '../../src/evidence-store.ts';
import { NatsBbftNetwork } from '../../src/network.ts';
import { Signer } from '../../src/signer.ts';
import { StoreSignerGuard, signerKeyspace } from '../../src/signer-guard.ts';
import type { TxSource } from '../../src/types.ts';
import type { SideNode } from './side-node.ts';

export type EngineSetup = {
  readonly node: SideNode;
  readonly natsUrl: string;
  /** The signer guard's LMDB goes in `<dataDir>/lmdb`. */
  readonly dataDir: string;
  readonly xprv: Uint8Array;
  readonly clock: () => number;
  /** BbftOptions.previousSlotWaitMs (default: the engine's). */
  readonly previousSlotWaitMs?: number;
  /** What the engine reaps through, given the node's mempool (default: the mempool itself). */
  readonly txs?: (mempool: TxSource) => TxSource;
};

export type Engine = { readonly bbft: Bbft; stop(): Promise<void> };

export async function startEngine(setup: EngineSetup): Promise<Engine> {
  const params = sideDevnetParams;
  const store = await createLmdbStore({ path: path.join(setup.dataDir, 'lmdb') });
  const log = createLogger({ service: 'bbft-test', level: 'silent' });
  const bus = await createNatsBus({ servers: setup.natsUrl, name: 'bbft-engine' });
  const validatorClient = createValidatorClient(setup.node.validator.address, { deadlineMs: 2_000 });
  const mempoolClient = createMempoolClient(setup.node.mempool.address, { deadlineMs: 2_000 });
  const mempool = new GrpcTxSource(mempoolClient, params.chainId);
  const signer = new Signer(
    { xprv: setup.xprv },
    new StoreSignerGuard(store, signerKeyspace(params.chainId, xprvToXPub(setup.xprv))),
  );
  const network = new NatsBbftNetwork(bus, params.chainId, 'n0', log);
  const bbft = new Bbft(
    {
      params,
      rewardProgram: new Uint8Array([0x51]),
      maxTxs: 100,
      clock: setup.clock,
      ...(setup.previousSlotWaitMs === undefined ? {} : { previousSlotWaitMs: setup.previousSlotWaitMs }),
    },
    {
      view: new GrpcSideChainView(validatorClient, params, createSideDevnetGenesis(params)),
      validator: new GrpcBlockValidator(validatorClient, params.chainId),
      txs: setup.txs?.(mempool) ?? mempool,
      signer,
      network,
      evidence: new EvidenceStore(),
      log,
    },
  );
  network.subscribe({
    block: (bytes) => bbft.onBlockAnnounce(bytes),
    signature: (m) => bbft.onSignature(m),
    evidence: (bytes) => bbft.onEvidence(bytes),
  });
  await bbft.start();
  return {
    bbft,
    async stop() {
      await bbft.stop();
      await bus.close();
      validatorClient.close();
      mempoolClient.close();
      await store.close();
    },
  };
}
