// A producer builds on its head with the mempool's transactions only once the pool stands on that
// head (ReapTxs says where): a pool that has not yet followed the head's commit still holds the
// head's transactions, and a block repeating them is refused (a peg-in minted twice). The Bbft engine
// in process, producing in its own slots against real validator and mempool processes, with the
// mempool's answer saying it stands elsewhere for a while, or for good.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sideTxId } from '@bystack/protocol';
import type { ReapedTxs, TxSource, UnfollowedBlock } from '../src/types.ts';
import { type OwnProducer, startOwnProducer } from './support/own-producer.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The node's mempool, answering that its pool stands on another block for the next `behind` calls. */
class LaggingTxSource implements TxSource {
  behind = Number.POSITIVE_INFINITY;
  calls = 0;
  /** The `maxTxs` of each call. */
  readonly asked: number[] = [];
  readonly #inner: TxSource;

  constructor(inner: TxSource) {
    this.#inner = inner;
  }

  async reapTxs(maxGas: number, maxTxs: number, signal?: AbortSignal, onBlock?: UnfollowedBlock): Promise<ReapedTxs> {
    const answer = await this.#inner.reapTxs(maxGas, maxTxs, signal, onBlock);
    this.calls++;
    this.asked.push(maxTxs);
    if (this.behind <= 0) return answer;
    this.behind--;
    assert.ok(answer.tip, 'the mempool says where its pool stands');
    return { ...answer, tip: { height: answer.tip.height, blockId: new Uint8Array(32) } };
  }
}

describe('a producer and a mempool behind its head', { timeout: 30_000 }, () => {
  let p: OwnProducer<LaggingTxSource>;

  before(async () => {
    p = await startOwnProducer('mempool-behind', (mempool) => new LaggingTxSource(mempool));
  });

  after(async () => {
    await p?.stop();
  });

  it('a pool that never reaches the head: a block without its transactions, none refused', async () => {
    const first = await p.signedAt(1n);
    assert.equal(first.block.transactions.length, 1, 'the coinbase alone');
    assert.ok(p.txs.calls >= 2, `asked again before giving up (${p.txs.calls} calls)`);
    assert.deepEqual(p.signedKeys(), [first.key]);
    assert.equal((await p.node.pool.getPoolInfo({ chain: p.node.chainRef })).txCount, 1, 'the tx still pending');
  });

  it('a pool that catches up within the wait: the pending transaction is in the block', async () => {
    p.txs.behind = 2;
    p.txs.calls = 0;
    p.txs.asked.length = 0;
    await p.nextSlotAfter(1n);
    const second = await p.signedAt(2n);
    // A full reap from elsewhere, one-transaction questions until the pool is on the head, then a full reap.
    assert.deepEqual(p.txs.asked, [100, 1, 1, 100], 'two answers from elsewhere, then the head');
    assert.deepEqual(
      second.block.transactions.slice(1).map((tx) => hex(sideTxId(tx))),
      [hex(sideTxId(p.pegIn))],
    );
  });
});
