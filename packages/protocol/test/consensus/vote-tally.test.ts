// VoteTally over a chain of side blocks it reads through its fetcher: the federation produces while
// nobody has stake, round 2's producers and payouts (16 blocks' subsidy to each of four programs) are
// what a direct fold of applyBlockVotes gives, blocks noted by the caller are not fetched, and a
// fetcher answering blocks read to their header only gives the same rounds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyBlockVotes,
  assembleSideBlock,
  consensusBlockOf,
  createGenesisConsensusResult,
  createSideCoinbase,
  createSideDevnetGenesis,
  DEVNET_PRODUCER_COUNT,
  decodeSideBlockHead,
  devnetControlProgram,
  devnetProducerXPrv,
  electProducers,
  encodeSideBlock,
  roundRewardPayouts,
  type SideBlock,
  sideBlockId,
  sideDevnetParams,
  VoteTally,
  xprvToXPub,
} from '../../src/index.ts';

const params = sideDevnetParams;
const genesis = createSideDevnetGenesis(params);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const programs = [0, 1, 2, 3].map((i) => devnetControlProgram(xprvToXPub(devnetProducerXPrv(i))));
const SUBSIDY = 50_000_000n;

describe('VoteTally', () => {
  it('elects the federation keys; round 2 pays round 1 rewards, as a direct fold does', async () => {
    const blocks = new Map<string, SideBlock>([[hex(sideBlockId(genesis.header)), genesis]]);
    let fetches = 0;
    const tally = new VoteTally({ params, genesis }, async (id) => {
      fetches++;
      return blocks.get(hex(id));
    });
    const first = await tally.roundAfter(sideBlockId(genesis.header));
    assert.equal(first.producers.isFederation, true);
    assert.equal(first.producers.producers.length, DEVNET_PRODUCER_COUNT);
    assert.equal(first.electionTimestampMs, genesis.header.timestamp);
    assert.deepEqual(first.payouts, []);

    const chain = [genesis];
    for (let h = 1n; h <= params.consensus.roundLength; h++) {
      const parent = chain.at(-1)!;
      const block = assembleSideBlock({
        parentId: sideBlockId(parent.header),
        height: h,
        timestampMs: parent.header.timestamp + params.consensus.blockIntervalMs,
        coinbase: createSideCoinbase(h, programs[Number(h) % 4]!, []),
        txs: [],
      });
      blocks.set(hex(sideBlockId(block.header)), block);
      chain.push(block);
    }
    const last = chain.at(-1)!;
    const round2 = await tally.roundAfter(sideBlockId(last.header));
    assert.equal(round2.height, params.consensus.roundLength + 1n);
    assert.equal(round2.electionTimestampMs, last.header.timestamp);
    assert.deepEqual(
      round2.payouts.map((p) => p.amount),
      [16n * SUBSIDY, 16n * SUBSIDY, 16n * SUBSIDY, 16n * SUBSIDY],
    );
    let folded = createGenesisConsensusResult(sideBlockId(genesis.header));
    for (const b of chain.slice(1)) folded = applyBlockVotes(folded, consensusBlockOf(b), params.consensus);
    assert.deepEqual(round2.producers, electProducers(folded, params.consensus));
    assert.deepEqual(round2.payouts, roundRewardPayouts(folded, params.consensus));
    assert.ok(fetches >= Number(params.consensus.roundLength), 'it read the blocks it did not hold');

    const noted = new VoteTally({ params, genesis }, async () => assert.fail('a noted block is not fetched'));
    for (const b of chain.slice(1)) noted.noteBlock(b);
    assert.deepEqual((await noted.roundAfter(sideBlockId(last.header))).payouts, round2.payouts);

    // A fetcher that reads blocks to their header only (what bbft's does) gives the same rounds.
    let headFetches = 0;
    const heads = new VoteTally({ params, genesis }, async (id) => {
      const block = blocks.get(hex(id));
      headFetches++;
      return block && decodeSideBlockHead(encodeSideBlock(block));
    });
    assert.deepEqual(await heads.roundAfter(sideBlockId(last.header)), round2);
    assert.ok(headFetches >= Number(params.consensus.roundLength));
  });

  it('names the block it cannot read', async () => {
    const tally = new VoteTally({ params, genesis }, async () => undefined);
    await assert.rejects(tally.roundAfter(new Uint8Array(32).fill(7)), { code: 'CONSENSUS_UNKNOWN_BLOCK' });
  });
});
