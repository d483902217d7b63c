// Vote rounds by height (Vapor `protocol/state/consensus_result.go` CalcVoteSeq, IsFinalize, and
// `protocol/protocol.go` getPrevRoundVoteBlockHash). Round 0 is the genesis block alone; round r >= 1
// holds heights (r-1)*R+1 .. r*R. The producers of round r are elected by the tally after block (r-1)*R.
import { assertHeight } from './checks.ts';
import { ConsensusError, ConsensusErrorCode } from './errors.ts';
import { checkedParams, type SideChainConsensusParams } from './params.ts';

/** Vote round (Vapor "seq") of the block at `height`. */
export function roundOfHeight(params: SideChainConsensusParams, height: bigint): bigint {
  const { roundLength } = checkedParams(params);
  assertHeight(height, 'height');
  return height === 0n ? 0n : (height - 1n) / roundLength + 1n;
}

/**
 * Height of the block whose tally (on the same branch) elects the producers of the block at `height`:
 * the last block of the previous round, floor((height-1)/R)*R. Its timestamp also starts the slot schedule.
 */
export function electionHeightOf(params: SideChainConsensusParams, height: bigint): bigint {
  const { roundLength } = checkedParams(params);
  if (assertHeight(height, 'height') === 0n) {
    throw new ConsensusError(ConsensusErrorCode.InvalidHeight, 'the genesis block has no producer');
  }
  return ((height - 1n) / roundLength) * roundLength;
}

/** The block at `height` closes its round: its tally elects the next round (Vapor `IsFinalize`). */
export function isRoundLastBlock(params: SideChainConsensusParams, height: bigint): boolean {
  return assertHeight(height, 'height') % checkedParams(params).roundLength === 0n;
}

/**
 * The block at `height` opens its round: it resets the reward tally and its coinbase pays the previous
 * round's rewards. Vapor tests `height % R == 1`; `(height-1) % R == 0` is the same for R >= 2 and stays
 * right for R = 1 (a devnet with one-block rounds).
 */
export function isRoundFirstBlock(params: SideChainConsensusParams, height: bigint): boolean {
  const { roundLength } = checkedParams(params);
  return assertHeight(height, 'height') >= 1n && (height - 1n) % roundLength === 0n;
}
