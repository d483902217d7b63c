// Slot schedule of a round (Vapor `protocol/consensus_node_manager.go` getBlockerOrder, GetBlocker, and
// the earlier nextLeaderTimeHelper of `protocol/consensus_node_manager.go` at e0bb6e8a^). The schedule
// starts one block interval after the timestamp of the block that elected the round's producers; from
// there producers take turns of `blocksPerProducerTurn` slots in order, cycling until the round ends.
// Who owns a timestamp follows from the timestamp alone; a missed slot simply has no block.
import { assertHeight, assertProducerKey, keyOf } from './checks.ts';
import type { ElectedProducer, ProducerSet } from './election.ts';
import { ConsensusError, ConsensusErrorCode } from './errors.ts';
import { checkedParams, type SideChainConsensusParams } from './params.ts';

export interface ProducerSchedule {
  /** First millisecond of the schedule: election block timestamp + blockIntervalMs. */
  readonly startMs: bigint;
  readonly producers: readonly ElectedProducer[];
  readonly blockIntervalMs: bigint;
  /** Length of one producer's turn: blocksPerProducerTurn * blockIntervalMs. */
  readonly turnMs: bigint;
  /** Length of one cycle through every producer: turnMs * producers.length (the set's size, not N). */
  readonly cycleMs: bigint;
}

export interface ProducerSlot {
  /** Index of the block slot since `startMs`. */
  readonly slotIndex: bigint;
  readonly slotStartMs: bigint;
  readonly producer: ElectedProducer;
  /** The producer's current turn: [turnStartMs, turnEndMs). */
  readonly turnStartMs: bigint;
  readonly turnEndMs: bigint;
}

/**
 * Schedule of the producers in `set`, elected by the block with timestamp `electionBlockTimestampMs`
 * (the last block of the previous round; the genesis block for round 1).
 */
export function createProducerSchedule(
  params: SideChainConsensusParams,
  set: ProducerSet,
  electionBlockTimestampMs: bigint,
): ProducerSchedule {
  const p = checkedParams(params);
  assertHeight(electionBlockTimestampMs, 'election block timestamp');
  if (typeof set !== 'object' || set === null || !Array.isArray(set.producers) || set.producers.length === 0) {
    throw new ConsensusError(ConsensusErrorCode.InvalidInput, 'a schedule needs at least one producer');
  }
  set.producers.forEach((producer, i) => {
    assertProducerKey(producer.producerKey);
    if (producer.order !== i) {
      throw new ConsensusError(ConsensusErrorCode.ProducerOrderOutOfRange, 'producers must be listed by order');
    }
  });
  const turnMs = BigInt(p.blocksPerProducerTurn) * p.blockIntervalMs;
  return Object.freeze({
    startMs: electionBlockTimestampMs + p.blockIntervalMs,
    producers: set.producers,
    blockIntervalMs: p.blockIntervalMs,
    turnMs,
    cycleMs: turnMs * BigInt(set.producers.length),
  });
}

/** The slot holding `timestampMs` and the producer who owns it (Vapor getBlockerOrder + GetBlocker). */
export function producerSlotAt(schedule: ProducerSchedule, timestampMs: bigint): ProducerSlot {
  assertHeight(timestampMs, 'timestamp');
  if (timestampMs < schedule.startMs) {
    throw new ConsensusError(ConsensusErrorCode.TimestampBeforeRoundStart, 'timestamp precedes the schedule', {
      timestampMs,
      startMs: schedule.startMs,
    });
  }
  const elapsed = timestampMs - schedule.startMs;
  const cycleStartMs = schedule.startMs + (elapsed / schedule.cycleMs) * schedule.cycleMs;
  const order = (timestampMs - cycleStartMs) / schedule.turnMs;
  const turnStartMs = cycleStartMs + order * schedule.turnMs;
  const slotIndex = elapsed / schedule.blockIntervalMs;
  return Object.freeze({
    slotIndex,
    slotStartMs: schedule.startMs + slotIndex * schedule.blockIntervalMs,
    producer: schedule.producers[Number(order)]!,
    turnStartMs,
    turnEndMs: turnStartMs + schedule.turnMs,
  });
}

function orderOf(schedule: ProducerSchedule, producerKey: Uint8Array): number | undefined {
  const key = keyOf(assertProducerKey(producerKey));
  return schedule.producers.find((p) => keyOf(p.producerKey) === key)?.order;
}

/** Whether `producerKey` owns the slot at `timestampMs`; false before the schedule starts. */
export function isProducerSlot(schedule: ProducerSchedule, producerKey: Uint8Array, timestampMs: bigint): boolean {
  const order = orderOf(schedule, producerKey);
  if (order === undefined || assertHeight(timestampMs, 'timestamp') < schedule.startMs) return false;
  return producerSlotAt(schedule, timestampMs).producer.order === order;
}

/**
 * Start of the producer's first turn beginning at or after `nowMs` (Vapor nextLeaderTimeHelper: a turn
 * already under way counts as missed), or undefined if `producerKey` is not in the schedule.
 */
export function nextProducerTurnStart(
  schedule: ProducerSchedule,
  producerKey: Uint8Array,
  nowMs: bigint,
): bigint | undefined {
  const order = orderOf(schedule, producerKey);
  if (order === undefined) return undefined;
  const offset = BigInt(order) * schedule.turnMs;
  if (assertHeight(nowMs, 'timestamp') <= schedule.startMs) return schedule.startMs + offset;
  const cycleStartMs = schedule.startMs + ((nowMs - schedule.startMs) / schedule.cycleMs) * schedule.cycleMs;
  const turnStartMs = cycleStartMs + offset;
  return nowMs > turnStartMs ? turnStartMs + schedule.cycleMs : turnStartMs;
}
