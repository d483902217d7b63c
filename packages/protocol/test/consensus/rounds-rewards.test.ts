// Rounds, params and round reward payouts. Vectors: Vapor `protocol/state/consensus_result_test.go`
// (TestGetCoinbaseRewards), `consensus/general_test.go` (TestSubsidy) and the CalcVoteSeq comment.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ConsensusError,
  ConsensusErrorCode,
  createSideChainConsensusParams,
  electionHeightOf,
  isRoundFirstBlock,
  isRoundLastBlock,
  meetsMinVoteOutputAmount,
  roundOfHeight,
  roundRewardPayouts,
  type SideChainConsensusParams,
  sideChainBlockSubsidy,
} from '../../src/consensus/index.ts';
import { fillKey, goHash, makeResult, R, vaporMainnet } from './fixtures.ts';

function rejects(fn: () => unknown, code: ConsensusErrorCode) {
  assert.throws(fn, (err: unknown) => err instanceof ConsensusError && err.code === code);
}

test('CalcVoteSeq: seq 0 is genesis, seq 1 is heights 1..R, seq 2 is R+1..2R', () => {
  const cases: [bigint, bigint][] = [
    [0n, 0n],
    [1n, 1n],
    [R - 1n, 1n],
    [R, 1n],
    [R + 1n, 2n],
    [2n * R, 2n],
    [2n * R + 1n, 3n],
  ];
  for (const [height, round] of cases) assert.equal(roundOfHeight(vaporMainnet, height), round, `height ${height}`);
});

test('the producers of a block are elected by the last block of the previous round', () => {
  const cases: [bigint, bigint][] = [
    [1n, 0n],
    [R, 0n],
    [R + 1n, R],
    [R + 5n, R],
    [2n * R, R],
    [2n * R + 1n, 2n * R],
  ];
  for (const [height, election] of cases) assert.equal(electionHeightOf(vaporMainnet, height), election);
  rejects(() => electionHeightOf(vaporMainnet, 0n), ConsensusErrorCode.InvalidHeight);
  assert.equal(isRoundLastBlock(vaporMainnet, R), true);
  assert.equal(isRoundLastBlock(vaporMainnet, R + 1n), false);
  assert.equal(isRoundFirstBlock(vaporMainnet, R + 1n), true);
  assert.equal(isRoundFirstBlock(vaporMainnet, 1n), true);
  assert.equal(isRoundFirstBlock(vaporMainnet, 0n), false);
  assert.equal(isRoundFirstBlock(vaporMainnet, R), false);
  const everyBlock = createSideChainConsensusParams({ ...vaporMainnet, roundLength: 1n });
  for (const h of [1n, 2n, 3n]) {
    assert.equal(isRoundFirstBlock(everyBlock, h), true);
    assert.equal(electionHeightOf(everyBlock, h), h - 1n);
  }
});

test('TestGetCoinbaseRewards: paid only after a round closes, amount then program descending', () => {
  const at = (height: bigint, rewards: Record<string, bigint>) =>
    roundRewardPayouts(makeResult(height, goHash(1), {}, rewards), vaporMainnet).map((r) => [
      Buffer.from(r.controlProgram).toString('hex'),
      r.amount,
    ]);
  assert.deepEqual(at(R - 1n, { '51': 10n }), []);
  assert.deepEqual(at(R, { '51': 10n, '52': 20n }), [
    ['52', 20n],
    ['51', 10n],
  ]);
  assert.deepEqual(at(R + 1n, { '51': 10n }), []);
  assert.deepEqual(at(2n * R, { '50': 20n, '51': 10n, '52': 20n, '53': 30n }), [
    ['53', 30n],
    ['52', 20n],
    ['50', 20n],
    ['51', 10n],
  ]);
  assert.deepEqual(at(2n * R + 1n, {}), []);
  // Programs of different lengths order as Go orders their hex strings.
  assert.deepEqual(at(R, { '51': 5n, '5100': 5n, '50ff': 5n }), [
    ['5100', 5n],
    ['51', 5n],
    ['50ff', 5n],
  ]);
});

test('TestSubsidy-style schedule lookups and the vote output minimum', () => {
  assert.equal(sideChainBlockSubsidy(vaporMainnet, 0n), 0n);
  assert.equal(sideChainBlockSubsidy(vaporMainnet, 1n), 9_512_938n);
  assert.equal(sideChainBlockSubsidy(vaporMainnet, 126_144_000n), 9_512_938n);
  assert.equal(sideChainBlockSubsidy(vaporMainnet, 126_144_001n), 0n);
  // Vapor SoloNetParams: a range per halving.
  const solo = createSideChainConsensusParams({
    ...vaporMainnet,
    producerSubsidies: [
      { beginHeight: 0n, endHeight: 0n, subsidy: 24n },
      { beginHeight: 1n, endHeight: 840_000n, subsidy: 24n },
      { beginHeight: 840_001n, endHeight: 1_680_000n, subsidy: 12n },
      { beginHeight: 1_680_001n, endHeight: 3_360_000n, subsidy: 6n },
    ],
  });
  assert.deepEqual(
    [0n, 840_000n, 840_001n, 1_680_001n, 3_360_001n].map((h) => sideChainBlockSubsidy(solo, h)),
    [24n, 24n, 12n, 6n, 0n],
  );
  assert.equal(meetsMinVoteOutputAmount(vaporMainnet, 100_000_000n), true);
  assert.equal(meetsMinVoteOutputAmount(vaporMainnet, 99_999_999n), false);
});

test('params are validated, copied and frozen', () => {
  const bad: [Partial<SideChainConsensusParams>, string][] = [
    [{ producerCount: 0 }, 'producerCount 0'],
    [{ producerCount: 1.5 }, 'fractional producerCount'],
    [{ roundLength: 0n }, 'roundLength 0'],
    [{ blocksPerProducerTurn: 0 }, 'turn 0'],
    [{ blockIntervalMs: 0n }, 'interval 0'],
    [{ minProducerStake: -1n }, 'negative stake'],
    [{ minVoteOutputAmount: 1n << 64n }, 'stake over uint64'],
    [{ federationProducerKeys: [] }, 'no federation'],
    [{ federationProducerKeys: [new Uint8Array(32)] }, '32-byte key'],
    [{ federationProducerKeys: [fillKey(1), fillKey(1)] }, 'duplicate key'],
    [{ producerSubsidies: [{ beginHeight: 5n, endHeight: 4n, subsidy: 1n }] }, 'empty range'],
    [
      {
        producerSubsidies: [
          { beginHeight: 1n, endHeight: 10n, subsidy: 1n },
          { beginHeight: 10n, endHeight: 20n, subsidy: 1n },
        ],
      },
      'overlap',
    ],
  ];
  for (const [patch, what] of bad) {
    assert.throws(
      () => createSideChainConsensusParams({ ...vaporMainnet, ...patch }),
      (err: unknown) => err instanceof ConsensusError && err.code.startsWith('CONSENSUS_INVALID'),
      what,
    );
  }
  const key = fillKey(1);
  const p = createSideChainConsensusParams({ ...vaporMainnet, federationProducerKeys: [key] });
  key.fill(2);
  assert.deepEqual(p.federationProducerKeys[0], fillKey(1));
  assert.ok(Object.isFrozen(p) && Object.isFrozen(p.federationProducerKeys));
  // A plain (unvalidated) object is checked on use.
  rejects(() => roundOfHeight({ ...vaporMainnet, roundLength: 0n }, 5n), ConsensusErrorCode.InvalidParams);
  rejects(() => roundOfHeight(vaporMainnet, -1n), ConsensusErrorCode.InvalidHeight);
});
