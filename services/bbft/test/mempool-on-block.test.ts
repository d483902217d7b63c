// A producer reaping for the block after its own tells the mempool which block that is and which of
// its transactions it holds (ReapTxs' on_block), so a pool that has not followed it yet can answer
// at once, without them, instead of making the producer wait for the pool to catch up (the commit's
// event, then the pool's removal of the block's transactions, are on the chain's critical path).
// Real validator and mempool processes; the engine on a test clock, in two consecutive own slots.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sideTxId } from '@bystack/protocol';
import type { ReapedTxs, TxSource, UnfollowedBlock } from '../src/types.ts';
import { type OwnProducer, startOwnProducer } from './support/own-producer.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

class RecordingTxSource implements TxSource {
  /** The on_block of each call (undefined: none). */
  readonly onBlocks: (UnfollowedBlock | undefined)[] = [];
  readonly #inner: TxSource;

  constructor(inner: TxSource) {
    this.#inner = inner;
  }

  reapTxs(maxGas: number, maxTxs: number, signal?: AbortSignal, onBlock?: UnfollowedBlock): Promise<ReapedTxs> {
    this.onBlocks.push(onBlock);
    return this.#inner.reapTxs(maxGas, maxTxs, signal, onBlock);
  }
}

describe('a producer reaping on its own block', { timeout: 30_000 }, () => {
  let p: OwnProducer<RecordingTxSource>;

  before(async () => {
    p = await startOwnProducer('mempool-on-block', (mempool) => new RecordingTxSource(mempool));
  });

  after(async () => {
    await p?.stop();
  });

  it('names its own block and that block’s transactions; never on a block of another', async () => {
    const first = await p.signedAt(1n);
    assert.deepEqual(
      first.block.transactions.slice(1).map((tx) => hex(sideTxId(tx))),
      [hex(sideTxId(p.pegIn))],
    );
    assert.equal(p.txs.onBlocks.filter((b) => b !== undefined).length, 0, 'on the genesis block: no on_block');
    const calls = p.txs.onBlocks.length;
    await p.nextSlotAfter(1n);
    const second = await p.signedAt(2n);
    assert.equal(second.block.transactions.length, 1, 'the peg-in is not minted twice');
    const asked = p.txs.onBlocks.slice(calls);
    assert.ok(asked.length > 0);
    for (const onBlock of asked) {
      assert.ok(onBlock, 'every reap for block 2 names block 1');
      assert.equal(hex(onBlock.block.blockId), first.key);
      assert.equal(onBlock.block.height, 1n);
      assert.equal(hex(onBlock.parent.blockId), hex(p.node.genesis.id));
      assert.equal(onBlock.parent.height, 0n);
      assert.deepEqual(onBlock.txIds.map(hex), [hex(sideTxId(p.pegIn))]);
    }
  });
});
