// The tally's view read from a block's bytes (consensusBlockOfHead over decodeSideBlockHead) is
// consensusBlockOf's over the whole decoded block: on arbitrary blocks (every input and output type,
// suffixes, native and other assets), on devnet blocks with peg-ins, a vote, a veto and round
// payouts, and through VoteTally.noteBlock; the byte strings it keeps are copies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  assembleSideBlock,
  BTM_ASSET_ID,
  consensusBlockOf,
  consensusBlockOfHead,
  createDevnetPegIn,
  createSideCoinbase,
  createSideDevnetGenesis,
  decodeSideBlock,
  decodeSideBlockHead,
  devnetControlProgram,
  devnetProducerXPrv,
  encodeSideBlock,
  type SideBlock,
  type SideTx,
  sha3,
  sideBlockId,
  sideDevnetParams,
  VoteTally,
  xprvToXPub,
} from '../../src/index.ts';
import { sideBlockArb, sideTxArb } from '../sidechain/arbitraries.ts';

const params = sideDevnetParams;
const genesis = createSideDevnetGenesis(params);
const programs = [0, 1, 2, 3].map((i) => devnetControlProgram(xprvToXPub(devnetProducerXPrv(i))));
const candidate = xprvToXPub(devnetProducerXPrv(7));

/** Both readings of the block `bytes`, for one id. */
function bothViews(bytes: Uint8Array) {
  const id = new Uint8Array(32).fill(9);
  return {
    fromBytes: consensusBlockOfHead(decodeSideBlockHead(bytes), id),
    decoded: consensusBlockOf(decodeSideBlock(bytes), id),
  };
}

/** Half of the assets native (by the first byte of the drawn one), so that fees add up. */
function someNative<T extends { readonly assetId: Uint8Array }>(x: T): T {
  return (x.assetId[0] ?? 0) < 128 ? { ...x, assetId: BTM_ASSET_ID } : x;
}

const nativeTxArb = () =>
  sideTxArb().map(
    (tx): SideTx => ({
      ...tx,
      inputs: tx.inputs.map((i) => (i.type === 'coinbase' ? i : someNative(i))),
      outputs: tx.outputs.map(someNative),
    }),
  );

const tallyBlockArb = () =>
  fc
    .tuple(
      sideBlockArb(),
      nativeTxArb().filter((tx) => tx.outputs.length > 0),
      fc.array(nativeTxArb(), { maxLength: 5 }),
    )
    .map(([block, first, rest]): SideBlock => ({ ...block, transactions: [first, ...rest] }));

describe('consensusBlockOfHead', () => {
  it('on arbitrary blocks: the view of the whole decoded block', () => {
    fc.assert(
      fc.property(tallyBlockArb(), (block) => {
        const { fromBytes, decoded } = bothViews(encodeSideBlock(block));
        assert.deepStrictEqual(fromBytes, decoded);
      }),
      { numRuns: 500 },
    );
  });

  it('on devnet blocks with peg-ins, a vote, a veto and payouts: the same view, the same tally', async () => {
    const pegIns = [1, 2].map((n) =>
      createDevnetPegIn({
        sourceId: sha3(new TextEncoder().encode(`tally bytes ${n}`)),
        amount: 5_000_000_000n,
        fee: 10_000_000n,
        controlProgram: programs[2]!,
      }),
    );
    const coin = { sourceId: new Uint8Array(32).fill(3), sourcePosition: 0n, assetId: BTM_ASSET_ID };
    const voteTx: SideTx = {
      version: 1n,
      timeRange: 0n,
      inputs: [{ type: 'spend', ...coin, amount: 3_000n, controlProgram: programs[2]!, arguments: [] }],
      outputs: [
        { type: 'vote', vote: candidate, assetId: BTM_ASSET_ID, amount: 2_000n, controlProgram: programs[2]! },
        { type: 'intraChain', assetId: BTM_ASSET_ID, amount: 900n, controlProgram: programs[2]! },
      ],
    };
    const vetoTx: SideTx = {
      version: 1n,
      timeRange: 0n,
      inputs: [{ type: 'veto', ...coin, amount: 1_500n, controlProgram: programs[2]!, vote: candidate, arguments: [] }],
      outputs: [{ type: 'intraChain', assetId: BTM_ASSET_ID, amount: 1_400n, controlProgram: programs[2]! }],
    };
    const payouts = [
      { controlProgram: programs[0]!, amount: 7n },
      { controlProgram: programs[3]!, amount: 5n },
    ];
    const block: SideBlock = assembleSideBlock({
      parentId: sideBlockId(genesis.header),
      height: 1n,
      timestampMs: genesis.header.timestamp + params.consensus.blockIntervalMs,
      coinbase: createSideCoinbase(1n, programs[1]!, payouts),
      txs: [...pegIns, voteTx, vetoTx],
    });
    const signed = { ...block, header: { ...block.header, witness: programs.map(() => new Uint8Array(64).fill(1)) } };
    const { fromBytes, decoded } = bothViews(encodeSideBlock(signed));
    assert.deepStrictEqual(fromBytes, decoded);
    assert.equal(fromBytes.fees, 2n * 10_000_000n + 100n + 100n);
    assert.deepEqual(fromBytes.transactions[3], { vetoes: [], votes: [{ producerKey: candidate, amount: 2_000n }] });
    assert.deepEqual(fromBytes.transactions[4], { vetoes: [{ producerKey: candidate, amount: 1_500n }], votes: [] });
    assert.deepEqual(fromBytes.rewardPayouts, payouts);
    // What the view keeps is its own: no view of the block's bytes (kept a round long otherwise).
    const kept = [
      fromBytes.rewardProgram,
      ...fromBytes.rewardPayouts.map((p) => p.controlProgram),
      ...fromBytes.transactions.flatMap((t) => [...t.votes, ...t.vetoes].map((v) => v.producerKey)),
    ];
    for (const b of kept) assert.equal(b.buffer.byteLength, b.length);

    // A tally noted the block read to its header only gives what one noted the decoded block gives.
    const id = sideBlockId(block.header);
    const noFetch = async () => assert.fail('a noted block is not fetched');
    const viaHead = new VoteTally({ params, genesis }, noFetch);
    viaHead.noteBlock(decodeSideBlockHead(encodeSideBlock(signed)), id);
    const viaBlock = new VoteTally({ params, genesis }, noFetch);
    viaBlock.noteBlock(signed, id);
    // Block 1's payouts are refused by the tally (the round does not open there): both the same way.
    await assert.rejects(viaHead.resultAfter(id), { code: 'CONSENSUS_REWARD_PAYOUT_MISMATCH' });
    await assert.rejects(viaBlock.resultAfter(id), { code: 'CONSENSUS_REWARD_PAYOUT_MISMATCH' });
  });

  it('a tally fed heads gives the rounds a tally fed decoded blocks gives', async () => {
    const heads = new VoteTally({ params, genesis }, async () => assert.fail('not fetched'));
    const blocks = new VoteTally({ params, genesis }, async () => assert.fail('not fetched'));
    let parent = genesis;
    for (let h = 1n; h <= 2n * params.consensus.roundLength; h++) {
      const payouts = (await blocks.roundAfter(sideBlockId(parent.header))).payouts;
      const block = assembleSideBlock({
        parentId: sideBlockId(parent.header),
        height: h,
        timestampMs: parent.header.timestamp + params.consensus.blockIntervalMs,
        coinbase: createSideCoinbase(h, programs[Number(h) % 4]!, payouts),
        txs: [],
      });
      heads.noteBlock(decodeSideBlockHead(encodeSideBlock(block)));
      blocks.noteBlock(block);
      parent = block;
    }
    const tip = sideBlockId(parent.header);
    assert.deepStrictEqual(await heads.resultAfter(tip), await blocks.resultAfter(tip));
    assert.deepStrictEqual(await heads.roundAfter(tip), await blocks.roundAfter(tip));
  });

  it('throws as consensusBlockOf does on a block without a coinbase output', () => {
    const block = { ...genesis, transactions: [{ version: 1n, timeRange: 0n, inputs: [], outputs: [] }] };
    const bytes = encodeSideBlock(block);
    assert.throws(() => consensusBlockOf(decodeSideBlock(bytes)), TypeError);
    assert.throws(() => consensusBlockOfHead(decodeSideBlockHead(bytes), sideBlockId(block.header)), TypeError);
  });
});
