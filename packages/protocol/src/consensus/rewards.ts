// Producer rewards (Vapor `protocol/state/consensus_result.go` GetCoinbaseRewards, SortByAmount): each
// block credits its subsidy plus fees to its coinbase's first program; after a round's last block the
// round's totals are paid by the coinbase of the next round's first block, largest amount first, ties by
// program bytes descending.
import { hexToBytes } from '@noble/hashes/utils.js';
import { assertConsensusResult, compareBytes } from './checks.ts';
import type { ConsensusResult } from './consensus-result.ts';
import { checkedParams, type SideChainConsensusParams } from './params.ts';
import { isRoundLastBlock } from './rounds.ts';

/** One coinbase payout: a recipient control program and an amount. */
export interface ProducerReward {
  readonly controlProgram: Uint8Array;
  readonly amount: bigint;
}

/** The entries of a reward tally (hex program -> amount) in payout order. */
export function rewardsInPayoutOrder(rewards: ReadonlyMap<string, bigint>): ProducerReward[] {
  const list = [...rewards].map(([program, amount]) => ({ controlProgram: hexToBytes(program), amount }));
  return list.sort((a, b) =>
    a.amount === b.amount ? compareBytes(b.controlProgram, a.controlProgram) : a.amount > b.amount ? -1 : 1,
  );
}

/**
 * Payouts owed by the coinbase of the block after `result`'s block: the round's reward tally when that
 * block closes a round, otherwise none (Vapor `GetCoinbaseRewards(parent height)`).
 */
export function roundRewardPayouts(result: ConsensusResult, params: SideChainConsensusParams): ProducerReward[] {
  assertConsensusResult(result);
  return isRoundLastBlock(checkedParams(params), result.blockHeight) ? rewardsInPayoutOrder(result.rewards) : [];
}
