// A producer takes the transaction ids its node's mempool hands out with ReapTxs as given (it does not
// map the transactions again for the merkle root): the Bbft engine in process, producing in its own
// slots against real validator and mempool processes, with the mempool's answer corrupted in between
// (every id wrong). The validator's check (check_only, before any signature) refuses that block; the
// producer then signs a block without the mempool's transactions, never the refused one. With the
// answer intact again, its next block carries the pending transaction.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sha3, sideTxId } from '@bystack/protocol';
import type { ReapedTxs, TxSource, UnfollowedBlock } from '../src/types.ts';
import { type OwnProducer, startOwnProducer } from './support/own-producer.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The node's mempool, with every id of its answers replaced while `corrupt` is set. */
class CorruptibleTxSource implements TxSource {
  corrupt = true;
  /** Ids of the answers corrupted so far (transactions the mempool gave with an id). */
  corrupted = 0;
  readonly #inner: TxSource;

  constructor(inner: TxSource) {
    this.#inner = inner;
  }

  async reapTxs(maxGas: number, maxTxs: number, signal?: AbortSignal, onBlock?: UnfollowedBlock): Promise<ReapedTxs> {
    const answer = await this.#inner.reapTxs(maxGas, maxTxs, signal, onBlock);
    if (!this.corrupt) return answer;
    this.corrupted += answer.ids.length;
    return { ...answer, ids: answer.ids.map((id) => sha3(id)) };
  }
}

describe('a producer and its mempool’s tx ids', { timeout: 30_000 }, () => {
  let p: OwnProducer<CorruptibleTxSource>;

  before(async () => {
    p = await startOwnProducer('mempool-ids', (mempool) => new CorruptibleTxSource(mempool));
  });

  after(async () => {
    await p?.stop();
  });

  it('with wrong ids from its mempool, signs only the block without them', async () => {
    const first = await p.signedAt(1n);
    assert.ok(p.txs.corrupted >= 1, 'the mempool answered the pending tx with an id, corrupted here');
    assert.equal(first.block.transactions.length, 1, 'the coinbase alone');
    assert.deepEqual(p.signedKeys(), [first.key], 'no signature of the refused block');
    assert.equal((await p.node.pool.getPoolInfo({ chain: p.node.chainRef })).txCount, 1, 'the tx still pending');
    assert.equal(p.engine.bbft.status().blocksProduced, 1);

    p.txs.corrupt = false;
    await p.nextSlotAfter(1n);
    const second = await p.signedAt(2n);
    assert.deepEqual(
      second.block.transactions.slice(1).map((tx) => hex(sideTxId(tx))),
      [hex(sideTxId(p.pegIn))],
      'with the ids intact, the pending tx is in the next block',
    );
  });
});
