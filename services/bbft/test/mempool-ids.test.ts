// A producer takes the transaction ids its node's mempool hands out with ReapTxs as given (it does not
// map the transactions again for the merkle root): the Bbft engine in process, producing in its own
// slots against real validator and mempool processes, with the mempool's answer corrupted in between
// (every id wrong). The validator's check (check_only, before any signature) refuses that block; the
// producer then signs a block without the mempool's transactions, never the refused one. With the
// answer intact again, its next block carries the pending transaction.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createDevnetPegIn,
  createProducerSchedule,
  devnetControlProgram,
  devnetProducerXPrv,
  devnetXPrv,
  type ProducerSchedule,
  producerSlotAt,
  sha3,
  sideDevnetParams,
  sideTxId,
  xprvToXPub,
} from '@bystack/protocol';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import type { ReapedTxs, TxSource } from '../src/types.ts';
import { type Engine, startEngine } from './support/engine.ts';
import { NetObserver, waitFor } from './support/network.ts';
import { SideNode } from './support/side-node.ts';

const params = sideDevnetParams;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const key = devnetProducerXPrv(0);
const xpub = hex(xprvToXPub(key));
const pegIn = createDevnetPegIn({
  sourceId: sha3(new TextEncoder().encode('bbft mempool ids peg-in')),
  amount: 1_000_000_000n,
  fee: 10_000_000n,
  controlProgram: devnetControlProgram(xprvToXPub(devnetXPrv('recipient', 0))),
});

/** The node's mempool, with every id of its answers replaced while `corrupt` is set. */
class CorruptibleTxSource implements TxSource {
  corrupt = true;
  /** Ids of the answers corrupted so far (transactions the mempool gave with an id). */
  corrupted = 0;
  readonly #inner: TxSource;

  constructor(inner: TxSource) {
    this.#inner = inner;
  }

  async reapTxs(maxGas: number, maxTxs: number, signal?: AbortSignal): Promise<ReapedTxs> {
    const answer = await this.#inner.reapTxs(maxGas, maxTxs, signal);
    if (!this.corrupt) return answer;
    this.corrupted += answer.ids.length;
    return { ...answer, ids: answer.ids.map((id) => sha3(id)) };
  }
}

describe('a producer and its mempool’s tx ids', { timeout: 30_000 }, () => {
  let nats: TestServer;
  let redis: TestServer;
  let node: SideNode;
  let observer: NetObserver;
  let dir: string;
  let engine: Engine;
  let schedule: ProducerSchedule;
  let txs: CorruptibleTxSource;
  let now = 0;

  /** The next slot of this producer's key after `afterMs` that may follow a block at `afterMs`. */
  const ownSlotAfter = (afterMs: bigint): number => {
    for (let t = afterMs + schedule.blockIntervalMs; ; t += schedule.blockIntervalMs) {
      const slot = producerSlotAt(schedule, t);
      if (hex(slot.producer.producerKey) === xpub) return Number(slot.slotStartMs);
    }
  };

  before(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    dir = mkdtempSync(path.join(tmpdir(), 'bbft-mempool-ids-'));
    node = await SideNode.start({ natsUrl: nats.url, redisUrl: redis.url, dataDir: dir });
    await node.submitTxs([pegIn]);
    const round = await node.roundAfter(node.genesis.id);
    schedule = createProducerSchedule(params.consensus, round.producers, round.electionTimestampMs);
    now = ownSlotAfter(node.genesis.block.header.timestamp);
    observer = await NetObserver.start(nats.url, params.chainId);
    engine = await startEngine({
      node,
      natsUrl: nats.url,
      dataDir: dir,
      xprv: key,
      clock: () => now,
      txs: (mempool) => {
        txs = new CorruptibleTxSource(mempool);
        return txs;
      },
    });
  });

  after(async () => {
    await engine?.stop();
    await observer?.close();
    await node?.stop();
    await Promise.all([nats?.stop(), redis?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The validator's block at `height` once this producer signed one there: its own, filed. */
  const signedAt = async (height: bigint) => {
    const sig = await waitFor(`a signature at height ${height}`, () =>
      observer.signatures.find((s) => s.producer === xpub && s.height === height),
    );
    const filed = await waitFor(`block ${height} filed`, () => node.atHeight(height));
    assert.equal(filed.key, sig.blockKey, 'the block it signed is the one the validator filed');
    return filed;
  };

  it('with wrong ids from its mempool, signs only the block without them', async () => {
    const first = await signedAt(1n);
    assert.ok(txs.corrupted >= 1, 'the mempool answered the pending tx with an id, corrupted here');
    assert.equal(first.block.transactions.length, 1, 'the coinbase alone');
    assert.deepEqual(
      observer.signatures.filter((s) => s.producer === xpub).map((s) => s.blockKey),
      [first.key],
      'no signature of the refused block',
    );
    assert.equal((await node.pool.getPoolInfo({ chain: node.chainRef })).txCount, 1, 'the tx still pending');
    assert.equal(engine.bbft.status().blocksProduced, 1);

    txs.corrupt = false;
    now = ownSlotAfter(first.block.header.timestamp);
    const second = await signedAt(2n);
    assert.deepEqual(
      second.block.transactions.slice(1).map((tx) => hex(sideTxId(tx))),
      [hex(sideTxId(pegIn))],
      'with the ids intact, the pending tx is in the next block',
    );
  });
});
