// Side-chain consensus rules: cost of one block's tally update (and its revert), of a round's election
// and of a slot lookup, on a tally of 1000 candidates. Baseline: copying the 1000-entry stake map,
// the least an immutable tally update can cost.

import { measure, ratio, report } from '@bystack/testing';
import {
  applyBlockVotes,
  type ConsensusBlock,
  type ConsensusResult,
  createProducerSchedule,
  createSideChainConsensusParams,
  electProducers,
  producerSlotAt,
  revertBlockVotes,
} from '../src/consensus/index.ts';

const keyOf = (i: number) => {
  const k = new Uint8Array(64);
  new DataView(k.buffer).setUint32(0, i + 1);
  return k;
};
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const params = createSideChainConsensusParams({
  producerCount: 10,
  roundLength: 1200n,
  blocksPerProducerTurn: 12,
  blockIntervalMs: 500n,
  minProducerStake: 100_000_000_000_000n,
  minVoteOutputAmount: 100_000_000n,
  producerSubsidies: [{ beginHeight: 1n, endHeight: 126_144_000n, subsidy: 9_512_938n }],
  federationProducerKeys: [new Uint8Array(64).fill(0xf1)],
});

const stakes = new Map<string, bigint>();
for (let i = 0; i < 1000; i++) stakes.set(hex(keyOf(i)), 100_000_000_000_000n + BigInt(i) * 7_777_777n);
const tally: ConsensusResult = { blockHeight: 500n, blockId: new Uint8Array(32), stakes, rewards: new Map() };
const block: ConsensusBlock = {
  height: 501n,
  blockId: new Uint8Array(32).fill(1),
  previousBlockId: new Uint8Array(32),
  transactions: Array.from({ length: 100 }, (_, i) => ({
    vetoes: [{ producerKey: keyOf(i * 3), amount: 100_000_000n }],
    votes: [{ producerKey: keyOf(i * 7), amount: 200_000_000n }],
  })),
  fees: 12_345n,
  rewardProgram: Uint8Array.of(0x00, 0x14, ...new Uint8Array(20)),
  rewardPayouts: [],
};

const baseline = await measure('copy 1000-entry map', () => new Map(stakes));
const apply = await measure('apply block (100 votes + 100 vetoes)', () => applyBlockVotes(tally, block, params));
const next = applyBlockVotes(tally, block, params);
const revert = await measure('revert block', () => revertBlockVotes(next, block, params));
const elect = await measure('elect 10 of 1000 candidates', () => electProducers(tally, params));
const schedule = createProducerSchedule(params, electProducers(tally, params), 1_600_000_000_000n);
let t = 1_600_000_000_500n;
const slot = await measure('slot lookup', () => {
  t += 137n;
  return producerSlotAt(schedule, t);
});

report('map copy (baseline)', baseline.opsPerSec, 'ops/s');
report('applyBlockVotes', apply.opsPerSec, 'blocks/s', `${ratio(baseline.msPerOp, apply.msPerOp)} of baseline speed`);
report(
  'revertBlockVotes',
  revert.opsPerSec,
  'blocks/s',
  `${ratio(baseline.msPerOp, revert.msPerOp)} of baseline speed`,
);
report('electProducers', elect.opsPerSec, 'elections/s', `${ratio(baseline.msPerOp, elect.msPerOp)} of baseline speed`);
report('producerSlotAt', slot.opsPerSec, 'lookups/s');
