// Devnet producer 0's Bbft engine in process, on a test clock that the test moves from one of its
// slots to the next, against real validator and mempool processes (a SideNode) holding one pending
// peg-in, reaping through a TxSource the test wraps around the node's mempool.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createDevnetPegIn,
  createProducerSchedule,
  devnetControlProgram,
  devnetProducerXPrv,
  devnetXPrv,
  producerSlotAt,
  type SideTx,
  sha3,
  sideDevnetParams,
  xprvToXPub,
} from '@bystack/protocol';
import { startNats, startRedis } from '@bystack/testing';
import type { TxSource } from '../../src/types.ts';
import { type Engine, startEngine } from './engine.ts';
import { NetObserver, waitFor } from './network.ts';
import { type HeldBlock, SideNode } from './side-node.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export type OwnProducer<T extends TxSource> = {
  readonly node: SideNode;
  readonly engine: Engine;
  /** What the engine reaps through. */
  readonly txs: T;
  /** The transaction pending in the node's mempool from the start. */
  readonly pegIn: SideTx;
  /** Moves the engine's clock to this producer's next slot after the block at `height`. */
  nextSlotAfter(height: bigint): Promise<void>;
  /** The validator's block at `height` once this producer signed one there: its own, filed. */
  signedAt(height: bigint): Promise<HeldBlock>;
  /** The blocks (keys) this producer signed so far. */
  signedKeys(): string[];
  stop(): Promise<void>;
};

export async function startOwnProducer<T extends TxSource>(
  name: string,
  wrap: (mempool: TxSource) => T,
): Promise<OwnProducer<T>> {
  const params = sideDevnetParams;
  const key = devnetProducerXPrv(0);
  const xpub = hex(xprvToXPub(key));
  const pegIn = createDevnetPegIn({
    sourceId: sha3(new TextEncoder().encode(`bbft ${name} peg-in`)),
    amount: 1_000_000_000n,
    fee: 10_000_000n,
    controlProgram: devnetControlProgram(xprvToXPub(devnetXPrv('recipient', 0))),
  });
  const [nats, redis] = await Promise.all([startNats(), startRedis()]);
  const dir = mkdtempSync(path.join(tmpdir(), `bbft-${name}-`));
  const node = await SideNode.start({ natsUrl: nats.url, redisUrl: redis.url, dataDir: dir });
  await node.submitTxs([pegIn]);
  const round = await node.roundAfter(node.genesis.id);
  const schedule = createProducerSchedule(params.consensus, round.producers, round.electionTimestampMs);
  const ownSlotAfter = (afterMs: bigint): number => {
    for (let t = afterMs + schedule.blockIntervalMs; ; t += schedule.blockIntervalMs) {
      const slot = producerSlotAt(schedule, t);
      if (hex(slot.producer.producerKey) === xpub) return Number(slot.slotStartMs);
    }
  };
  let now = ownSlotAfter(node.genesis.block.header.timestamp);
  const observer = await NetObserver.start(nats.url, params.chainId);
  let txs: T | undefined;
  const engine = await startEngine({
    node,
    natsUrl: nats.url,
    dataDir: dir,
    xprv: key,
    clock: () => now,
    txs: (mempool) => {
      txs = wrap(mempool);
      return txs;
    },
  });
  assert.ok(txs, 'the engine took its TxSource');
  return {
    node,
    engine,
    txs,
    pegIn,
    async nextSlotAfter(height) {
      const block = await waitFor(`block ${height} filed`, () => node.atHeight(height));
      now = ownSlotAfter(block.block.header.timestamp);
    },
    async signedAt(height) {
      const sig = await waitFor(`a signature at height ${height}`, () =>
        observer.signatures.find((s) => s.producer === xpub && s.height === height),
      );
      const filed = await waitFor(`block ${height} filed`, () => node.atHeight(height));
      assert.equal(filed.key, sig.blockKey, 'the block it signed is the one the validator filed');
      return filed;
    },
    signedKeys: () => observer.signatures.filter((s) => s.producer === xpub).map((s) => s.blockKey),
    async stop() {
      await engine.stop();
      await observer.close();
      await node.stop();
      await Promise.all([nats.stop(), redis.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
