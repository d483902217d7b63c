// Vote and reward tally. Vectors from Vapor `protocol/state/consensus_result_test.go` (functions named
// per test); block ids are the hashes that file computes, used here as opaque ids.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  applyBlockVotes,
  blockProducerReward,
  ConsensusError,
  ConsensusErrorCode,
  candidateStake,
  createGenesisConsensusResult,
  createSideChainConsensusParams,
  decodeConsensusResult,
  encodeConsensusResult,
  revertBlockVotes,
  roundRewardPayouts,
} from '../../src/consensus/index.ts';
import {
  fillKey,
  goHash,
  hex,
  MAX_UINT64,
  makeBlock,
  makeResult,
  payout,
  R,
  SUBSIDY,
  vaporMainnet,
  veto,
  view,
  vote,
} from './fixtures.ts';

const testXpub =
  'a8018a1ba4d85fc7118bbd065612da78b2c503e61a1a093d9c659567c5d3a591b3752569fbcafa951b2304b8f576f3f220e03b957ca819840e7c29e4b7fb2c4d';
const V1 = goHash(1);

function rejects(fn: () => unknown, code: ConsensusErrorCode) {
  assert.throws(fn, (err: unknown) => err instanceof ConsensusError && err.code === code);
}

describe('TestApplyTransaction (consensus_result_test.go)', () => {
  const state = makeResult(1n, V1, { [testXpub]: 1_000_000n });
  test('num of vote overflow', () => {
    const block = makeBlock({ height: 2n, previousBlockId: V1, transactions: [vote(testXpub, MAX_UINT64 - 1000n)] });
    rejects(() => applyBlockVotes(state, block, vaporMainnet), ConsensusErrorCode.StakeOverflow);
  });
  test('num of veto overflow', () => {
    const block = makeBlock({ height: 2n, previousBlockId: V1, transactions: [veto(testXpub, 100_000_000n)] });
    rejects(() => applyBlockVotes(state, block, vaporMainnet), ConsensusErrorCode.StakeUnderflow);
  });
  test('del pubkey from NumOfVote', () => {
    const block = makeBlock({ height: 2n, previousBlockId: V1, transactions: [veto(testXpub, 1_000_000n)] });
    assert.deepEqual(view(applyBlockVotes(state, block, vaporMainnet)).stakes, []);
  });
});

describe('TestAttachCoinbaseReward (consensus_result_test.go)', () => {
  test('round first block resets the reward tally, then credits subsidy + fees', () => {
    const prior = makeResult(0n, V1, {}, { '51': 50_000_000n, '52': 80_000_000n });
    // Our rule: block 1 must pay the previous tally exactly (Vapor's vector pays nothing).
    const block = makeBlock({
      height: 1n,
      previousBlockId: V1,
      fees: 50_000_000n,
      rewardPayouts: [payout('52', 80_000_000n), payout('51', 50_000_000n)],
    });
    assert.deepEqual(view(applyBlockVotes(prior, block, vaporMainnet)).rewards, [['51', SUBSIDY + 50_000_000n]]);
  });
  test('coinbase reward overflow', () => {
    const prior = makeResult(99n, V1, {}, { '51': 80_000_000n, '52': 50_000_000n });
    const block = makeBlock({ height: 100n, previousBlockId: V1, fees: MAX_UINT64 - 80_000_000n });
    rejects(() => applyBlockVotes(prior, block, vaporMainnet), ConsensusErrorCode.RewardOverflow);
  });
});

describe('TestCalCoinbaseReward (consensus_result_test.go)', () => {
  test('block with coinbase and a fee-paying tx', () => {
    const r = blockProducerReward(vaporMainnet, makeBlock({ height: 1n, previousBlockId: V1, fees: 50_000_000n }));
    assert.deepEqual(r, { controlProgram: hex('51'), amount: SUBSIDY + 50_000_000n });
  });
  test('block with only a coinbase', () => {
    const r = blockProducerReward(vaporMainnet, makeBlock({ height: 1200n, previousBlockId: V1 }));
    assert.deepEqual(r, { controlProgram: hex('51'), amount: SUBSIDY });
  });
  test('block without coinbase receiver', () => {
    const block = { ...makeBlock({ height: 1n, previousBlockId: V1 }), rewardProgram: undefined };
    rejects(() => blockProducerReward(vaporMainnet, block as never), ConsensusErrorCode.InvalidInput);
  });
});

// TestConsensusApplyBlock and TestConsensusDetachBlock share their blocks.
const blockH1 = makeBlock({
  height: 1n,
  previousBlockId: V1,
  blockId: hex('50da6990965a16e97b739accca7eb8a0fadd47c8a742f77d18fa51ab60dd8724'),
  fees: 50_000_000n,
});
const blockRm1 = makeBlock({
  height: R - 1n,
  previousBlockId: V1,
  blockId: hex('4ebd9e7c00d3e0370931689c6eb9e2131c6700fe66e6b9718028dd75d7a4e329'),
  transactions: [vote(testXpub, 600_000_000n)],
});

describe('TestConsensusApplyBlock (consensus_result_test.go)', () => {
  test('block height 1', () => {
    const got = applyBlockVotes(makeResult(0n, V1), blockH1, vaporMainnet);
    assert.deepEqual(view(got), view(makeResult(1n, blockH1.blockId, {}, { '51': SUBSIDY + 50_000_000n })));
  });
  test('block height RoundVoteBlockNums - 1', () => {
    const got = applyBlockVotes(makeResult(R - 2n, V1), blockRm1, vaporMainnet);
    assert.deepEqual(
      view(got),
      view(makeResult(R - 1n, blockRm1.blockId, { [testXpub]: 600_000_000n }, { '51': SUBSIDY })),
    );
  });
  test('block height RoundVoteBlockNums', () => {
    const prior = makeResult(R - 1n, V1, {}, { '51': 10_000_000n, '52': 20_000_000n, '53': 30_000_000n });
    const block = makeBlock({
      height: R,
      previousBlockId: V1,
      blockId: hex('1b449ba1f9b0ae41e31238b32943b95e9ab292d0b4a93d690ef9bc689c31d362'),
      transactions: [vote(testXpub, 600_000_000n), veto(testXpub, 100_000_000n)],
    });
    const want = makeResult(
      R,
      block.blockId,
      { [testXpub]: 500_000_000n },
      { '51': SUBSIDY + 10_000_000n, '52': 20_000_000n, '53': 30_000_000n },
    );
    assert.deepEqual(view(applyBlockVotes(prior, block, vaporMainnet)), view(want));
  });
  test('block height RoundVoteBlockNums + 1 pays the previous round', () => {
    const prior = makeResult(R, V1, {}, { '51': SUBSIDY + 10_000_000n, '52': 20_000_000n, '53': 30_000_000n });
    // Vapor's vector pays 53 -> 2e7 and 52 -> 3e7 (its check is on the sum only); we require the exact
    // payouts, in payout order.
    const payouts = [payout('53', 30_000_000n), payout('52', 20_000_000n), payout('51', SUBSIDY + 10_000_000n)];
    const blockId = hex('52681d209ab811359f92daaf46a771ecd0f28505ae5e0ac2f0feb80f76fdda59');
    const block = makeBlock({ height: R + 1n, previousBlockId: V1, blockId, rewardPayouts: payouts });
    assert.deepEqual(
      view(applyBlockVotes(prior, block, vaporMainnet)),
      view(makeResult(R + 1n, blockId, {}, { '51': SUBSIDY })),
    );
    const vaporPayouts = [payout('51', SUBSIDY + 10_000_000n), payout('53', 20_000_000n), payout('52', 30_000_000n)];
    rejects(
      () => applyBlockVotes(prior, { ...block, rewardPayouts: vaporPayouts }, vaporMainnet),
      ConsensusErrorCode.RewardPayoutMismatch,
    );
  });
  test('block height RoundVoteBlockNums + 2', () => {
    const prior = makeResult(R + 1n, V1, {}, { '51': SUBSIDY });
    const blockId = hex('3de69f8af48b77e81232c71d30b25dd4ac482be45402a0fd417a4a040c135b76');
    const block = makeBlock({ height: R + 2n, previousBlockId: V1, blockId });
    assert.deepEqual(
      view(applyBlockVotes(prior, block, vaporMainnet)),
      view(makeResult(R + 2n, blockId, {}, { '51': 2n * SUBSIDY })),
    );
  });
  test('parent hash differs from the tally block', () => {
    const block = makeBlock({ height: 3n, previousBlockId: goHash(0) });
    rejects(() => applyBlockVotes(makeResult(2n, V1), block, vaporMainnet), ConsensusErrorCode.BlockMismatch);
  });
  test('fee out of range (Vapor: overflow calculating the tx fee)', () => {
    const block = makeBlock({ height: 3n, previousBlockId: V1, fees: -100_000_000n });
    rejects(() => applyBlockVotes(makeResult(2n, V1), block, vaporMainnet), ConsensusErrorCode.InvalidAmount);
  });
  test('not found coinbase receiver', () => {
    const block = { ...makeBlock({ height: 3n, previousBlockId: V1 }), rewardProgram: undefined };
    rejects(() => applyBlockVotes(makeResult(2n, V1), block as never, vaporMainnet), ConsensusErrorCode.InvalidInput);
  });
  test('a block that skips a height is refused', () => {
    const block = makeBlock({ height: 4n, previousBlockId: V1 });
    rejects(() => applyBlockVotes(makeResult(2n, V1), block, vaporMainnet), ConsensusErrorCode.BlockMismatch);
  });
  test('a non-first block must pay nothing', () => {
    const block = makeBlock({ height: 3n, previousBlockId: V1, rewardPayouts: [payout('51', 1n)] });
    rejects(() => applyBlockVotes(makeResult(2n, V1), block, vaporMainnet), ConsensusErrorCode.RewardPayoutMismatch);
  });
  test('a vote for a malformed key is refused (TestConsensusNodes: key "123")', () => {
    const block = makeBlock({ height: 3n, previousBlockId: V1, transactions: [vote('0123', 1n)] });
    rejects(() => applyBlockVotes(makeResult(2n, V1), block, vaporMainnet), ConsensusErrorCode.InvalidProducerKey);
  });
});

describe('TestConsensusDetachBlock (consensus_result_test.go)', () => {
  test('block height 1', () => {
    const state = makeResult(1n, blockH1.blockId, {}, { '51': SUBSIDY + 50_000_000n });
    assert.deepEqual(view(revertBlockVotes(state, blockH1, vaporMainnet)), view(makeResult(0n, V1)));
  });
  test('block height RoundVoteBlockNums - 1', () => {
    const state = makeResult(R - 1n, blockRm1.blockId, { [testXpub]: 600_000_000n }, { '51': SUBSIDY });
    assert.deepEqual(view(revertBlockVotes(state, blockRm1, vaporMainnet)), view(makeResult(R - 2n, V1)));
  });
  test('block height RoundVoteBlockNums', () => {
    const blockId = hex('1b449ba1f9b0ae41e31238b32943b95e9ab292d0b4a93d690ef9bc689c31d362');
    const state = makeResult(R, blockId, { [testXpub]: 500_000_000n }, { '51': SUBSIDY + 100_000_000n });
    const got = revertBlockVotes(state, makeBlock({ height: R, previousBlockId: V1, blockId }), vaporMainnet);
    assert.deepEqual(view(got), view(makeResult(R - 1n, V1, { [testXpub]: 500_000_000n }, { '51': 100_000_000n })));
  });
  test('block height RoundVoteBlockNums + 1 restores the previous round from its payouts', () => {
    // Vapor's vector gives the tally height R (it does not check heights) and pays 51 before 52; we
    // use height R+1 and the canonical payout order.
    const blockId = hex('52681d209ab811359f92daaf46a771ecd0f28505ae5e0ac2f0feb80f76fdda59');
    const state = makeResult(R + 1n, blockId, {}, { '51': SUBSIDY });
    const block = makeBlock({
      height: R + 1n,
      previousBlockId: V1,
      blockId,
      rewardPayouts: [payout('52', 20_000_000n), payout('51', SUBSIDY + 10_000_000n)],
    });
    const want = makeResult(R, V1, {}, { '51': SUBSIDY + 10_000_000n, '52': 20_000_000n });
    assert.deepEqual(view(revertBlockVotes(state, block, vaporMainnet)), view(want));
    const unordered = { ...block, rewardPayouts: [...block.rewardPayouts].reverse() };
    rejects(() => revertBlockVotes(state, unordered, vaporMainnet), ConsensusErrorCode.RewardPayoutMismatch);
  });
  test('block height RoundVoteBlockNums + 2', () => {
    const blockId = hex('3de69f8af48b77e81232c71d30b25dd4ac482be45402a0fd417a4a040c135b76');
    const state = makeResult(R + 2n, blockId, {}, { '51': SUBSIDY + 1_000_000n });
    const got = revertBlockVotes(state, makeBlock({ height: R + 2n, previousBlockId: V1, blockId }), vaporMainnet);
    assert.deepEqual(view(got), view(makeResult(R + 1n, V1, {}, { '51': 1_000_000n })));
  });
  test('block hash differs from the tally block', () => {
    const block = makeBlock({ height: 2n, previousBlockId: goHash(0) });
    rejects(() => revertBlockVotes(makeResult(2n, V1), block, vaporMainnet), ConsensusErrorCode.BlockMismatch);
  });
  test('fee out of range', () => {
    const blockId = hex('02b7fb48defc4f4a3e1ef8403f7c0be78c4414ee66aa81fd702caa1e41a906df');
    const block = makeBlock({ height: 2n, previousBlockId: V1, blockId, fees: -1n });
    rejects(() => revertBlockVotes(makeResult(2n, blockId), block, vaporMainnet), ConsensusErrorCode.InvalidAmount);
  });
  const state = (stakes: Record<string, bigint>, rewards: Record<string, bigint>) =>
    makeResult(R - 1n, blockRm1.blockId, stakes, rewards);
  test('number of vote overflow', () => {
    rejects(
      () => revertBlockVotes(state({}, { '51': 100_000_000n }), blockRm1, vaporMainnet),
      ConsensusErrorCode.StakeUnderflow,
    );
  });
  test('number of veto overflow', () => {
    const block = { ...blockRm1, transactions: [veto(testXpub, MAX_UINT64)] };
    const s = state({ [testXpub]: 100n }, { '51': 100_000_000n });
    rejects(() => revertBlockVotes(s, block, vaporMainnet), ConsensusErrorCode.StakeOverflow);
  });
  test('detach coinbase overflow', () => {
    const block = { ...blockRm1, transactions: [veto(testXpub, MAX_UINT64)] };
    rejects(() => revertBlockVotes(state({}, {}), block, vaporMainnet), ConsensusErrorCode.RewardUnderflow);
  });
});

test('TestFork (consensus_result_test.go): updates never touch their input', () => {
  const before = makeResult(1023n, V1, { [testXpub]: 100n }, { '51': 300n });
  const snapshot = view(before);
  const after = applyBlockVotes(
    before,
    makeBlock({ height: 1024n, previousBlockId: V1, transactions: [vote(testXpub, 5n)] }),
    vaporMainnet,
  );
  assert.deepEqual(view(before), snapshot);
  assert.equal(candidateStake(after, hex(testXpub)), 105n);
  assert.ok(Object.isFrozen(after));
});

test('genesis tally and stake lookups', () => {
  const g = createGenesisConsensusResult(V1);
  assert.deepEqual(view(g), view(makeResult(0n, V1)));
  assert.equal(candidateStake(g, fillKey(1)), 0n);
  rejects(() => candidateStake(g, new Uint8Array(63)), ConsensusErrorCode.InvalidProducerKey);
  rejects(() => createGenesisConsensusResult(new Uint8Array(31)), ConsensusErrorCode.InvalidBlockId);
});

test('votes and vetoes apply per transaction, in block order', () => {
  // A veto in a later transaction may spend a vote of an earlier one; the reverse order underflows.
  const block = makeBlock({ height: 3n, previousBlockId: V1, transactions: [vote(testXpub, 5n), veto(testXpub, 5n)] });
  assert.deepEqual(view(applyBlockVotes(makeResult(2n, V1), block, vaporMainnet)).stakes, []);
  const swapped = { ...block, transactions: [...block.transactions].reverse() };
  rejects(() => applyBlockVotes(makeResult(2n, V1), swapped, vaporMainnet), ConsensusErrorCode.StakeUnderflow);
});

// Small rounds so that random heights often open or close one.
const smallRounds = createSideChainConsensusParams({ ...vaporMainnet, roundLength: 3n, minProducerStake: 1n });
const keyPool = [1, 2, 3, 4].map((b) => Buffer.from(fillKey(b)).toString('hex'));
const programPool = ['51', '5100', '52', '00'];

const arbState = fc
  .record({
    height: fc.bigInt({ min: 0n, max: 12n }),
    stakes: fc.array(fc.tuple(fc.constantFrom(...keyPool), fc.bigInt({ min: 1n, max: MAX_UINT64 })), { maxLength: 4 }),
    rewards: fc.array(fc.tuple(fc.constantFrom(...programPool), fc.bigInt({ min: 1n, max: 1n << 40n })), {
      maxLength: 4,
    }),
  })
  .map(({ height, stakes, rewards }) =>
    makeResult(height, V1, Object.fromEntries(stakes), Object.fromEntries(rewards)),
  );
const arbEntry = fc.record({
  producerKey: fc.constantFrom(...keyPool).map(hex),
  amount: fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: MAX_UINT64 })),
});
const arbTxs = fc.array(
  fc.record({ vetoes: fc.array(arbEntry, { maxLength: 2 }), votes: fc.array(arbEntry, { maxLength: 2 }) }),
  {
    maxLength: 4,
  },
);

test('property: applyBlockVotes then revertBlockVotes is the identity', () => {
  let applied = 0;
  fc.assert(
    fc.property(
      arbState,
      arbTxs,
      fc.bigInt({ min: 0n, max: 1n << 50n }),
      fc.constantFrom(...programPool),
      (state, transactions, fees, program) => {
        const block = makeBlock({
          height: state.blockHeight + 1n,
          previousBlockId: state.blockId,
          blockId: hex('aa'.repeat(32)),
          transactions,
          fees,
          rewardProgram: hex(program),
          rewardPayouts: roundRewardPayouts(state, smallRounds),
        });
        let next: ReturnType<typeof applyBlockVotes>;
        try {
          next = applyBlockVotes(state, block, smallRounds);
        } catch (err) {
          assert.ok(err instanceof ConsensusError);
          return;
        }
        applied++;
        assert.deepEqual(view(revertBlockVotes(next, block, smallRounds)), view(state));
      },
    ),
    { numRuns: 400 },
  );
  assert.ok(applied > 100, `too few blocks applied: ${applied}`);
});

test('tally snapshot codec: round trip, canonical form, typed errors', () => {
  fc.assert(
    fc.property(arbState, (state) => {
      const bytes = encodeConsensusResult(state);
      const back = decodeConsensusResult(bytes);
      assert.deepEqual(view(back), view(state));
      assert.deepEqual(encodeConsensusResult(back), bytes);
      for (const cut of [0, 1, bytes.length - 1]) {
        rejects(() => decodeConsensusResult(bytes.subarray(0, cut)), ConsensusErrorCode.MalformedEncoding);
      }
      rejects(() => decodeConsensusResult(Uint8Array.of(...bytes, 0)), ConsensusErrorCode.MalformedEncoding);
    }),
    { numRuns: 100 },
  );
  const two = encodeConsensusResult(makeResult(5n, V1, { [keyPool[0]!]: 1n, [keyPool[1]!]: 2n }));
  const swapped = Uint8Array.from(two);
  const first = 1 + 8 + 32 + 4;
  swapped.set(two.subarray(first + 72, first + 144), first);
  swapped.set(two.subarray(first, first + 72), first + 72);
  rejects(() => decodeConsensusResult(swapped), ConsensusErrorCode.MalformedEncoding);
  const zero = Uint8Array.from(two);
  zero.fill(0, first + 64, first + 72);
  rejects(() => decodeConsensusResult(zero), ConsensusErrorCode.MalformedEncoding);
  rejects(() => decodeConsensusResult(Uint8Array.of(2, ...two.subarray(1))), ConsensusErrorCode.MalformedEncoding);
});
