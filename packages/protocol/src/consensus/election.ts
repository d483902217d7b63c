// Producer election (Vapor `protocol/state/consensus_result.go` ConsensusNodes, byVote, federationNodes):
// candidates with at least `minProducerStake`, by stake descending and, on equal stake, by xpub bytes
// descending; the first N produce, their index being their order (witness slot and turn). When nobody
// qualifies, the federation keys produce, in their configured order.
import { hexToBytes } from '@noble/hashes/utils.js';
import { assertConsensusResult, assertProducerKey, keyOf } from './checks.ts';
import type { ConsensusResult } from './consensus-result.ts';
import { checkedParams, type SideChainConsensusParams } from './params.ts';

export interface CandidateStake {
  readonly producerKey: Uint8Array;
  readonly stake: bigint;
}

export interface ElectedProducer extends CandidateStake {
  /** Position in the set: the producer's witness slot and turn in the slot schedule. */
  readonly order: number;
}

export interface ProducerSet {
  /** Producers by order; stake is 0 for federation fallback producers. */
  readonly producers: readonly ElectedProducer[];
  /** True when no candidate qualified and the federation keys produce. */
  readonly isFederation: boolean;
}

// Equal-length lowercase hex orders like the bytes it encodes, so keys need no decoding to be sorted.
function byElectionOrder(a: readonly [string, bigint], b: readonly [string, bigint]): number {
  if (a[1] !== b[1]) return a[1] > b[1] ? -1 : 1;
  return a[0] > b[0] ? -1 : a[0] < b[0] ? 1 : 0;
}

/** Every candidate with stake, in election order (highest stake first). */
export function listCandidates(result: ConsensusResult): CandidateStake[] {
  return [...assertConsensusResult(result).stakes]
    .sort(byElectionOrder)
    .map(([key, stake]) => Object.freeze({ producerKey: hexToBytes(key), stake }));
}

/**
 * Producers elected by `result`. For the blocks of round r, pass the tally after block (r-1)*R of the
 * same branch (see `electionHeightOf`), as Vapor's getConsensusNodes does.
 */
export function electProducers(result: ConsensusResult, params: SideChainConsensusParams): ProducerSet {
  const p = checkedParams(params);
  const elected = [...assertConsensusResult(result).stakes]
    .filter(([, stake]) => stake >= p.minProducerStake)
    .sort(byElectionOrder)
    .slice(0, p.producerCount)
    .map(([key, stake], order) => Object.freeze({ producerKey: hexToBytes(key), stake, order }));
  if (elected.length > 0) return Object.freeze({ producers: Object.freeze(elected), isFederation: false });
  const federation = p.federationProducerKeys.map((key, order) =>
    Object.freeze({ producerKey: Uint8Array.from(key), stake: 0n, order }),
  );
  return Object.freeze({ producers: Object.freeze(federation), isFederation: true });
}

/** Order of `producerKey` in `set`, or undefined if it is not a producer (Vapor getConsensusNode). */
export function producerOrderOf(set: ProducerSet, producerKey: Uint8Array): number | undefined {
  const key = keyOf(assertProducerKey(producerKey));
  return set.producers.find((p) => keyOf(p.producerKey) === key)?.order;
}
