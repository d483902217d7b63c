// The DPoS tally of one branch after one block: stake per candidate and reward per recipient this round.
// Follows Vapor `protocol/state/consensus_result.go` (ApplyBlock, ApplyTransaction, AttachCoinbaseReward,
// DetachBlock, DetachCoinbaseReward, CalCoinbaseReward) and `protocol/consensus_node_manager.go`
// (reorganizeConsensusResult). Every update returns a new frozen value; maps are shared when unchanged.
import {
  assertAmount,
  assertBlockId,
  assertConsensusResult,
  assertHeight,
  assertProducerKey,
  assertProgram,
  bytesEqual,
  keyOf,
  MAX_UINT64,
} from './checks.ts';
import { ConsensusError, ConsensusErrorCode } from './errors.ts';
import { checkedParams, type SideChainConsensusParams, sideChainBlockSubsidy } from './params.ts';
import { type ProducerReward, rewardsInPayoutOrder, roundRewardPayouts } from './rewards.ts';
import { isRoundFirstBlock } from './rounds.ts';

/** One vote output (adds stake) or veto input (removes it): the candidate's 64-byte xpub and the amount. */
export interface ConsensusVote {
  readonly producerKey: Uint8Array;
  readonly amount: bigint;
}

/** The vote-related parts of one transaction: its veto inputs, then its vote outputs. */
export interface ConsensusTxVotes {
  readonly vetoes: readonly ConsensusVote[];
  readonly votes: readonly ConsensusVote[];
}

/** What the tally needs from a side-chain block; the caller extracts it from the real block. */
export interface ConsensusBlock {
  readonly height: bigint;
  readonly blockId: Uint8Array;
  readonly previousBlockId: Uint8Array;
  /** Every transaction's vetoes and votes, in block order (order matters for the range checks). */
  readonly transactions: readonly ConsensusTxVotes[];
  /** Sum of the native-asset fees of the block's transactions. */
  readonly fees: bigint;
  /** Control program of the coinbase's first output: where this block's subsidy and fees accrue. */
  readonly rewardProgram: Uint8Array;
  /** Coinbase outputs after the first, in order: the previous round's payouts in a round's first block, else none. */
  readonly rewardPayouts: readonly ProducerReward[];
}

/** Tally after block `blockHeight`/`blockId`. Maps are keyed by lowercase hex and never hold a zero. */
export interface ConsensusResult {
  readonly blockHeight: bigint;
  readonly blockId: Uint8Array;
  /** Stake per candidate (key: hex of the 64-byte xpub). Read it with `candidateStake`/`listCandidates`. */
  readonly stakes: ReadonlyMap<string, bigint>;
  /** Reward accrued this round per recipient (key: hex of the control program). */
  readonly rewards: ReadonlyMap<string, bigint>;
}

function mismatch(message: string, detail?: Record<string, unknown>): ConsensusError {
  return new ConsensusError(ConsensusErrorCode.BlockMismatch, message, detail);
}

function freezeResult(
  blockHeight: bigint,
  blockId: Uint8Array,
  stakes: ReadonlyMap<string, bigint>,
  rewards: ReadonlyMap<string, bigint>,
): ConsensusResult {
  return Object.freeze({ blockHeight, blockId: Uint8Array.from(blockId), stakes, rewards });
}

/** The tally of the genesis block: no stake, no reward (Vapor `initChainStatus`). */
export function createGenesisConsensusResult(genesisBlockId: Uint8Array): ConsensusResult {
  return freezeResult(0n, assertBlockId(genesisBlockId, 'genesis block id'), new Map(), new Map());
}

function checkEntries(list: unknown, what: string): readonly ConsensusVote[] {
  if (!Array.isArray(list)) throw new ConsensusError(ConsensusErrorCode.InvalidInput, `${what} must be an array`);
  for (const e of list as ConsensusVote[]) {
    if (typeof e !== 'object' || e === null) {
      throw new ConsensusError(ConsensusErrorCode.InvalidInput, `${what} entries must be objects`);
    }
    assertProducerKey(e.producerKey, `${what} producer key`);
    assertAmount(e.amount, `${what} amount`);
  }
  return list as readonly ConsensusVote[];
}

function checkBlock(block: ConsensusBlock): ConsensusBlock {
  if (typeof block !== 'object' || block === null) {
    throw new ConsensusError(ConsensusErrorCode.InvalidInput, 'block must be an object');
  }
  if (assertHeight(block.height, 'block height') === 0n) {
    throw new ConsensusError(ConsensusErrorCode.InvalidHeight, 'the genesis block is not tallied');
  }
  assertBlockId(block.blockId);
  assertBlockId(block.previousBlockId, 'previous block id');
  if (!Array.isArray(block.transactions)) {
    throw new ConsensusError(ConsensusErrorCode.InvalidInput, 'block transactions must be an array');
  }
  for (const tx of block.transactions) {
    if (typeof tx !== 'object' || tx === null) {
      throw new ConsensusError(ConsensusErrorCode.InvalidInput, 'transaction votes must be objects');
    }
    checkEntries(tx.vetoes, 'veto');
    checkEntries(tx.votes, 'vote');
  }
  assertAmount(block.fees, 'block fees');
  assertProgram(block.rewardProgram, 'reward program');
  if (!Array.isArray(block.rewardPayouts)) {
    throw new ConsensusError(ConsensusErrorCode.InvalidInput, 'reward payouts must be an array');
  }
  for (const r of block.rewardPayouts) {
    if (typeof r !== 'object' || r === null) {
      throw new ConsensusError(ConsensusErrorCode.InvalidInput, 'reward payouts must be objects');
    }
    assertProgram(r.controlProgram, 'payout program');
    assertAmount(r.amount, 'payout amount');
  }
  return block;
}

function rewardOf(params: SideChainConsensusParams, block: ConsensusBlock): ProducerReward {
  const amount = sideChainBlockSubsidy(params, block.height) + block.fees;
  if (amount > MAX_UINT64) {
    throw new ConsensusError(ConsensusErrorCode.RewardOverflow, 'block subsidy plus fees exceed a uint64');
  }
  return { controlProgram: Uint8Array.from(block.rewardProgram), amount };
}

/** Subsidy plus fees of `block`, credited to its reward program (Vapor `CalCoinbaseReward`). */
export function blockProducerReward(params: SideChainConsensusParams, block: ConsensusBlock): ProducerReward {
  return rewardOf(checkedParams(params), checkBlock(block));
}

// Checked uint64 updates of a tally map; a zero total is removed, as Vapor deletes it.
function addTo(map: Map<string, bigint>, key: string, amount: bigint, code: ConsensusErrorCode): void {
  const total = (map.get(key) ?? 0n) + amount;
  if (total > MAX_UINT64) throw new ConsensusError(code, 'total exceeds a uint64', { key });
  if (total !== 0n) map.set(key, total);
}

function subtractFrom(map: Map<string, bigint>, key: string, amount: bigint, code: ConsensusErrorCode): void {
  const total = (map.get(key) ?? 0n) - amount;
  if (total < 0n) throw new ConsensusError(code, 'total would go below zero', { key, amount });
  if (total === 0n) map.delete(key);
  else map.set(key, total);
}

function hasVotes(block: ConsensusBlock): boolean {
  return block.transactions.some((tx) => tx.vetoes.length > 0 || tx.votes.length > 0);
}

function samePayouts(a: readonly ProducerReward[], b: readonly ProducerReward[]): boolean {
  return (
    a.length === b.length &&
    a.every((r, i) => r.amount === b[i]!.amount && bytesEqual(r.controlProgram, b[i]!.controlProgram))
  );
}

/**
 * Tally after attaching `block` to the block of `result` (Vapor `ApplyBlock`). Per transaction, vetoes
 * are removed and then votes added. A round's first block resets the reward tally, and its payouts
 * must equal `roundRewardPayouts(result)` exactly (Vapor only checks their sum; the exact rule is what
 * lets `revertBlockVotes` restore the previous round's tally from the block alone). Any other block
 * must pay nothing.
 */
export function applyBlockVotes(
  result: ConsensusResult,
  block: ConsensusBlock,
  params: SideChainConsensusParams,
): ConsensusResult {
  const p = checkedParams(params);
  assertConsensusResult(result);
  checkBlock(block);
  if (!bytesEqual(block.previousBlockId, result.blockId) || block.height !== result.blockHeight + 1n) {
    throw mismatch('block does not extend the block of the tally', { height: block.height });
  }

  const opensRound = isRoundFirstBlock(p, block.height);
  const expectedPayouts = opensRound ? roundRewardPayouts(result, p) : [];
  if (!samePayouts(block.rewardPayouts, expectedPayouts)) {
    throw new ConsensusError(ConsensusErrorCode.RewardPayoutMismatch, 'coinbase payouts differ from the tally', {
      height: block.height,
    });
  }
  const reward = rewardOf(p, block);
  const rewards = opensRound ? new Map<string, bigint>() : new Map(result.rewards);
  addTo(rewards, keyOf(reward.controlProgram), reward.amount, ConsensusErrorCode.RewardOverflow);

  let stakes = result.stakes;
  if (hasVotes(block)) {
    const next = new Map(stakes);
    for (const tx of block.transactions) {
      for (const v of tx.vetoes) subtractFrom(next, keyOf(v.producerKey), v.amount, ConsensusErrorCode.StakeUnderflow);
      for (const v of tx.votes) addTo(next, keyOf(v.producerKey), v.amount, ConsensusErrorCode.StakeOverflow);
    }
    stakes = next;
  }
  return freezeResult(block.height, block.blockId, stakes, rewards);
}

function payoutsToRewards(payouts: readonly ProducerReward[]): Map<string, bigint> {
  const rewards = new Map<string, bigint>();
  for (const r of payouts) rewards.set(keyOf(r.controlProgram), r.amount);
  // Canonical payouts (what `applyBlockVotes` accepted) are positive, distinct and in payout order.
  if (payouts.some((r) => r.amount === 0n) || !samePayouts(payouts, rewardsInPayoutOrder(rewards))) {
    throw new ConsensusError(ConsensusErrorCode.RewardPayoutMismatch, 'payouts are not canonical');
  }
  return rewards;
}

/**
 * Tally before `block`, which must be the block of `result` (Vapor `DetachBlock`): the block's reward
 * is taken back, a round's first block restores the previous round's reward tally from its payouts, and
 * transactions are undone last to first, each one's votes removed before its vetoes are restored (the
 * exact inverse of `applyBlockVotes`, so reverting never fails where attaching succeeded).
 */
export function revertBlockVotes(
  result: ConsensusResult,
  block: ConsensusBlock,
  params: SideChainConsensusParams,
): ConsensusResult {
  const p = checkedParams(params);
  assertConsensusResult(result);
  checkBlock(block);
  if (!bytesEqual(block.blockId, result.blockId) || block.height !== result.blockHeight) {
    throw mismatch('block is not the block of the tally', { height: block.height });
  }

  const reward = rewardOf(p, block);
  let rewards = new Map(result.rewards);
  subtractFrom(rewards, keyOf(reward.controlProgram), reward.amount, ConsensusErrorCode.RewardUnderflow);
  if (isRoundFirstBlock(p, block.height)) {
    rewards = payoutsToRewards(block.rewardPayouts);
  } else if (block.rewardPayouts.length > 0) {
    throw new ConsensusError(ConsensusErrorCode.RewardPayoutMismatch, 'only a round first block pays rewards');
  }

  let stakes = result.stakes;
  if (hasVotes(block)) {
    const next = new Map(stakes);
    for (let i = block.transactions.length - 1; i >= 0; i--) {
      const tx = block.transactions[i]!;
      for (const v of tx.votes) subtractFrom(next, keyOf(v.producerKey), v.amount, ConsensusErrorCode.StakeUnderflow);
      for (const v of tx.vetoes) addTo(next, keyOf(v.producerKey), v.amount, ConsensusErrorCode.StakeOverflow);
    }
    stakes = next;
  }
  return freezeResult(block.height - 1n, block.previousBlockId, stakes, rewards);
}

/**
 * Moves a tally to another branch (Vapor `reorganizeConsensusResult`): reverts `detach` (the tally's
 * block first, going down) and then applies `attach` (lowest first).
 */
export function reorganizeConsensusResult(
  result: ConsensusResult,
  detach: readonly ConsensusBlock[],
  attach: readonly ConsensusBlock[],
  params: SideChainConsensusParams,
): ConsensusResult {
  const p = checkedParams(params);
  let r = result;
  for (const block of detach) r = revertBlockVotes(r, block, p);
  for (const block of attach) r = applyBlockVotes(r, block, p);
  return r;
}

/** Stake of the candidate `producerKey` (0 if it has none). */
export function candidateStake(result: ConsensusResult, producerKey: Uint8Array): bigint {
  return assertConsensusResult(result).stakes.get(keyOf(assertProducerKey(producerKey))) ?? 0n;
}
