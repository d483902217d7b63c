// Slot schedule. Vectors: Vapor `protocol/consensus_node_manager.go` getBlockerOrder (HEAD) worked on
// mainnet parameters, and TestNextLeaderTime of `protocol/bbft_test.go` at commit e0bb6e8a^ (its
// parameters then: 21 producers, 3 blocks per turn, 500 ms).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  ConsensusError,
  ConsensusErrorCode,
  createProducerSchedule,
  createSideChainConsensusParams,
  electProducers,
  isProducerSlot,
  nextProducerTurnStart,
  type ProducerSet,
  producerSlotAt,
} from '../../src/consensus/index.ts';
import { fillKey, makeResult, vaporMainnet } from './fixtures.ts';

function setOf(n: number): ProducerSet {
  const producers = Array.from({ length: n }, (_, order) => ({ producerKey: fillKey(order + 1), stake: 1n, order }));
  return { producers, isFederation: false };
}

test('getBlockerOrder on Vapor mainnet: 10 producers, 12 blocks of 500 ms each', () => {
  const electionTs = 1_600_000_000_000n;
  const s = createProducerSchedule(vaporMainnet, setOf(10), electionTs);
  const start = electionTs + 500n;
  assert.equal(s.startMs, start);
  const cases: [bigint, number, bigint][] = [
    [0n, 0, 0n],
    [5_999n, 0, 11n],
    [6_000n, 1, 12n],
    [59_999n, 9, 119n],
    [60_000n, 0, 120n],
    [66_500n, 1, 133n],
  ];
  for (const [offset, order, slotIndex] of cases) {
    const slot = producerSlotAt(s, start + offset);
    assert.equal(slot.producer.order, order, `offset ${offset}`);
    assert.equal(slot.slotIndex, slotIndex);
    assert.ok(slot.turnStartMs <= start + offset && start + offset < slot.turnEndMs);
  }
  assert.throws(
    () => producerSlotAt(s, start - 1n),
    (e: unknown) => e instanceof ConsensusError && e.code === ConsensusErrorCode.TimestampBeforeRoundStart,
  );
  assert.equal(isProducerSlot(s, fillKey(1), start - 1n), false);
  assert.equal(isProducerSlot(s, fillKey(2), start + 6_000n), true);
  assert.equal(isProducerSlot(s, fillKey(99), start + 6_000n), false);
});

test('the schedule cycles through the elected set, not N', () => {
  const set = electProducers(makeResult(0n, new Uint8Array(32)), vaporMainnet); // 4 federation keys
  const s = createProducerSchedule(vaporMainnet, set, 0n);
  assert.equal(s.cycleMs, 4n * 6_000n);
  assert.equal(producerSlotAt(s, 500n + 24_000n).producer.order, 0);
  assert.equal(producerSlotAt(s, 500n + 18_000n).producer.order, 3);
});

test('TestNextLeaderTime (bbft_test.go at e0bb6e8a^)', () => {
  const old = createSideChainConsensusParams({ ...vaporMainnet, producerCount: 21, blocksPerProducerTurn: 3 });
  const startTime = 1557906284061n;
  // The old helper took the schedule start itself; ours takes the election block's timestamp.
  const s = createProducerSchedule(old, setOf(21), startTime - 500n);
  const cases: [string, bigint, number, bigint][] = [
    ['normal case', 1557906534061n, 1, 1557906537561n],
    ['best block height equals to start block height', 1557906284061n, 0, 1557906284061n],
    ['best block height equals to start block height', 1557906284061n, 1, 1557906284061n + 3n * 500n],
    ['the node is producting block', 1557906284561n, 0, 1557906315561n],
    ['the node is producting block', 1557906317561n, 1, 1557906348561n],
    ['first round, must exclude genesis block', 1557906286561n, 3, 1557906284061n + 9n * 500n],
  ];
  for (const [desc, now, order, want] of cases) {
    assert.equal(nextProducerTurnStart(s, fillKey(order + 1), now), want, desc);
  }
  assert.equal(nextProducerTurnStart(s, fillKey(99), startTime), undefined);
  assert.equal(nextProducerTurnStart(s, fillKey(3), 0n), startTime + 2n * 1500n);
});

test('property: exactly one producer owns every timestamp; next turns are owned', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 21 }),
      fc.integer({ min: 1, max: 12 }),
      fc.bigInt({ min: 1n, max: 1000n }),
      fc.bigInt({ min: 0n, max: 1n << 45n }),
      fc.bigInt({ min: 0n, max: 1n << 32n }),
      (n, turn, interval, electionTs, offset) => {
        const params = createSideChainConsensusParams({
          ...vaporMainnet,
          blocksPerProducerTurn: turn,
          blockIntervalMs: interval,
        });
        const set = setOf(n);
        const s = createProducerSchedule(params, set, electionTs);
        const t = s.startMs + offset;
        const owners = set.producers.filter((p) => isProducerSlot(s, p.producerKey, t));
        assert.equal(owners.length, 1);
        const slot = producerSlotAt(s, t);
        assert.equal(owners[0]!.order, slot.producer.order);
        assert.ok(slot.slotStartMs <= t && t < slot.slotStartMs + interval);
        const p = set.producers[Number(offset % BigInt(n))]!;
        const next = nextProducerTurnStart(s, p.producerKey, t)!;
        assert.ok(next >= t && next < t + s.cycleMs);
        assert.ok(isProducerSlot(s, p.producerKey, next));
        assert.equal(producerSlotAt(s, next).turnStartMs, next);
      },
    ),
    { numRuns: 500 },
  );
});
