// What the DPoS tally needs of a side block (`ConsensusBlock`), read from the block itself: every
// transaction's veto inputs and vote outputs, the native fees, the coinbase's first program (where
// the block's subsidy and fees accrue) and the coinbase's later outputs (the round payouts). The
// validator and the producers (bbft) both tally blocks, so both read them through this one function.
import { BTM_ASSET_ID } from '../chain/constants.ts';
import { sideBlockId } from '../sidechain/block-codec.ts';
import type { SideBlock, SideTx } from '../sidechain/types.ts';
import { bytesEqual } from './checks.ts';
import type { ConsensusBlock, ConsensusVote } from './consensus-result.ts';

/** Native inputs minus native outputs of the block's transactions after the coinbase. */
export function sideBlockFees(block: SideBlock): bigint {
  let fees = 0n;
  const { transactions } = block;
  for (let i = 1; i < transactions.length; i++) {
    const tx = transactions[i]!;
    for (const input of tx.inputs) {
      if (input.type !== 'coinbase' && bytesEqual(input.assetId, BTM_ASSET_ID)) fees += input.amount;
    }
    for (const output of tx.outputs) {
      if (bytesEqual(output.assetId, BTM_ASSET_ID)) fees -= output.amount;
    }
  }
  return fees;
}

/**
 * The tally's view of `block` (`blockId` defaults to its computed id). Assumes a block that passed
 * validation: a coinbase first, with at least one output.
 */
export function consensusBlockOf(block: SideBlock, blockId: Uint8Array = sideBlockId(block.header)): ConsensusBlock {
  const coinbase = block.transactions[0];
  const first = coinbase?.outputs[0];
  if (coinbase === undefined || first === undefined) {
    throw new TypeError('a side block needs a coinbase with at least one output');
  }
  return {
    height: block.header.height,
    blockId,
    previousBlockId: block.header.previousBlockId,
    transactions: block.transactions.map(votingOf),
    fees: sideBlockFees(block),
    rewardProgram: first.controlProgram,
    rewardPayouts: coinbase.outputs.slice(1).map((o) => ({ controlProgram: o.controlProgram, amount: o.amount })),
  };
}

const NO_VOTES: readonly ConsensusVote[] = Object.freeze([]);
/** Most transactions neither vote nor veto: they share one (frozen) entry, allocated once. */
const NO_VOTING: ConsensusBlock['transactions'][number] = Object.freeze({ vetoes: NO_VOTES, votes: NO_VOTES });

function votingOf(tx: SideTx): ConsensusBlock['transactions'][number] {
  let vetoes: ConsensusVote[] | undefined;
  let votes: ConsensusVote[] | undefined;
  for (const input of tx.inputs) {
    if (input.type !== 'veto') continue;
    vetoes ??= [];
    vetoes.push({ producerKey: input.vote, amount: input.amount });
  }
  for (const output of tx.outputs) {
    if (output.type !== 'vote') continue;
    votes ??= [];
    votes.push({ producerKey: output.vote, amount: output.amount });
  }
  return vetoes === undefined && votes === undefined
    ? NO_VOTING
    : { vetoes: vetoes ?? NO_VOTES, votes: votes ?? NO_VOTES };
}
