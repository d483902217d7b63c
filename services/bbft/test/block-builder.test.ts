// Blocks as a producer builds them, checked by the protocol's side-chain validation (the in-memory
// chain of the tests runs it in full), and the vote tally over a real chain: the federation produces
// while nobody has stake, and the first block of round 2 must pay round 1's rewards exactly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assembleSideBlock,
  BTM_ASSET_ID,
  coinbaseArbitrary,
  consensusBlockOf,
  createSideCoinbase,
  createSideDevnetGenesis,
  DEVNET_PRODUCER_COUNT,
  decodeSideTx,
  devnetControlProgram,
  devnetProducerXPrv,
  encodeSideBlock,
  encodeSideTx,
  type ProducerReward,
  type SideBlock,
  sideBlockFees,
  sideDevnetParams,
  VoteTally,
  xprvToXPub,
} from '@bystack/protocol';
import { coinbaseGas, decodeReaped } from '../src/block-builder.ts';
import { toHex } from '../src/bytes.ts';
import { MemorySideChain, pegInTx } from './support/side-chain.ts';

const params = sideDevnetParams;
const genesis = createSideDevnetGenesis(params);
const programs = [0, 1, 2, 3].map((i) => devnetControlProgram(xprvToXPub(devnetProducerXPrv(i))));
const SUBSIDY = 50_000_000n;

/** Block `height` on `chain`'s tip, in slot `height` after genesis, paying `payouts`. */
function blockOn(chain: MemorySideChain, payouts: readonly ProducerReward[], txs = [] as ReturnType<typeof pegInTx>[]) {
  const parent = chain.tip;
  const height = parent.height + 1n;
  return assembleSideBlock({
    parentId: parent.id,
    height,
    timestampMs: parent.block.header.timestamp + params.consensus.blockIntervalMs,
    coinbase: createSideCoinbase(height, programs[Number(height) % 4]!, payouts),
    txs,
  });
}

const submit = (chain: MemorySideChain, block: SideBlock) => chain.submit(encodeSideBlock(block));

describe('block building', () => {
  it('coinbase: Vapor arbitrary, a zero output to the producer, then the payouts', () => {
    assert.deepEqual([...coinbaseArbitrary(42n)], [0, 0x34, 0x32]);
    const cb = createSideCoinbase(7n, programs[1]!, [{ controlProgram: programs[2]!, amount: 5n }]);
    assert.equal(cb.inputs[0]!.type, 'coinbase');
    assert.deepEqual(
      cb.outputs.map((o) => [o.type, o.amount, toHex(o.controlProgram)]),
      [
        ['intraChain', 0n, toHex(programs[1]!)],
        ['intraChain', 5n, toHex(programs[2]!)],
      ],
    );
    assert.ok(cb.outputs.every((o) => toHex(o.assetId) === toHex(BTM_ASSET_ID)));
    assert.equal(
      coinbaseGas(params, cb, 7n),
      0,
      'the coinbase runs no program and pays no gas: the whole cap is for txs',
    );
  });

  it('a block with mempool transactions passes full validation; its tally view has the fees', async () => {
    const chain = new MemorySideChain(params, genesis);
    const txs = [pegInTx(1), pegInTx(2)];
    const { txs: decoded, undecodable } = decodeReaped([...txs.map(encodeSideTx), new Uint8Array([1, 2, 3])]);
    assert.equal(undecodable, 1);
    const block = blockOn(chain, [], decoded);
    const { disposition } = await submit(chain, block);
    assert.equal(disposition, 'connected');
    assert.equal(sideBlockFees(block), 2n * 10_000_000n);
    const view = consensusBlockOf(block);
    assert.equal(view.fees, 20_000_000n);
    assert.equal(toHex(view.rewardProgram), toHex(programs[1]!));
    assert.deepEqual(view.rewardPayouts, []);
    assert.deepEqual(decodeSideTx(encodeSideTx(txs[0]!)).inputs[0]!.type, 'crossChain');
  });

  it('a forged transaction makes the block invalid', async () => {
    const chain = new MemorySideChain(params, genesis);
    await assert.rejects(submit(chain, blockOn(chain, [], [pegInTx(1, devnetProducerXPrv(0))])), /BAD_SIGNATURE/);
  });
});

describe('VoteTally', () => {
  it('elects the federation keys, and round 2 opens with round 1 rewards paid exactly', async () => {
    const chain = new MemorySideChain(params, genesis);
    let fetches = 0;
    const tally = new VoteTally({ params, genesis }, async (id) => {
      fetches++;
      return chain.blocks.get(toHex(id))?.block;
    });
    const first = await tally.roundAfter(chain.genesis.id);
    assert.equal(first.producers.isFederation, true);
    assert.equal(first.producers.producers.length, DEVNET_PRODUCER_COUNT);
    assert.equal(first.electionTimestampMs, genesis.header.timestamp);
    assert.deepEqual(first.payouts, []);

    for (let h = 1n; h <= params.consensus.roundLength; h++) {
      const { disposition } = await submit(chain, blockOn(chain, (await tally.roundAfter(chain.tip.id)).payouts));
      assert.equal(disposition, 'connected');
    }
    const last = chain.tip;
    const round2 = await tally.roundAfter(last.id);
    assert.equal(round2.height, params.consensus.roundLength + 1n);
    assert.equal(round2.electionTimestampMs, last.block.header.timestamp);
    // 64 blocks, 16 to each of the four programs, each earning the subsidy (no fees).
    assert.deepEqual(
      round2.payouts.map((p) => p.amount),
      [16n * SUBSIDY, 16n * SUBSIDY, 16n * SUBSIDY, 16n * SUBSIDY],
    );
    assert.deepEqual(round2, chain.roundAfter(last.key), 'the same as the chain computes');
    assert.ok(fetches >= Number(params.consensus.roundLength), 'blocks it did not hold were read');

    await assert.rejects(submit(chain, blockOn(chain, round2.payouts.slice(1))), /BAD_COINBASE_AMOUNT|PAYOUT/);
    const opening = blockOn(chain, round2.payouts);
    assert.equal((await submit(chain, opening)).disposition, 'connected');

    const noted = new VoteTally({ params, genesis }, async () => assert.fail('a noted block is not fetched'));
    for (const b of chain.mainChain().slice(1)) noted.noteBlock(b.block, b.id);
    assert.deepEqual((await noted.roundAfter(chain.tip.id)).producers, round2.producers);
  });
});
