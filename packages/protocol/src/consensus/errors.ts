// Typed errors of the side-chain consensus rules (DPoS vote tally, election, slots, BBFT).
import { ProtocolError } from '../errors.ts';

export const ConsensusErrorCode = {
  /** A `SideChainConsensusParams` field is missing, out of range or inconsistent. */
  InvalidParams: 'CONSENSUS_INVALID_PARAMS',
  /** An input has the wrong shape (not an object, a list or a byte string where one is required). */
  InvalidInput: 'CONSENSUS_INVALID_INPUT',
  /** A producer key is not a 64-byte xpub. */
  InvalidProducerKey: 'CONSENSUS_INVALID_PRODUCER_KEY',
  /** A block id is not 32 bytes. */
  InvalidBlockId: 'CONSENSUS_INVALID_BLOCK_ID',
  /** A signature is not 64 bytes. */
  InvalidSignature: 'CONSENSUS_INVALID_SIGNATURE',
  /** An amount is negative or does not fit in a uint64. */
  InvalidAmount: 'CONSENSUS_INVALID_AMOUNT',
  /** A height or timestamp is negative, does not fit in a uint64 or is out of sequence. */
  InvalidHeight: 'CONSENSUS_INVALID_HEIGHT',
  /** A block does not extend the tally's block (attach) or is not the tally's block (detach). */
  BlockMismatch: 'CONSENSUS_BLOCK_MISMATCH',
  /** A candidate's stake would exceed a uint64. */
  StakeOverflow: 'CONSENSUS_STAKE_OVERFLOW',
  /** A veto (or a reverted vote) removes more stake than the candidate has. */
  StakeUnderflow: 'CONSENSUS_STAKE_UNDERFLOW',
  /** A reward total would exceed a uint64. */
  RewardOverflow: 'CONSENSUS_REWARD_OVERFLOW',
  /** Reverting a block removes more reward than its recipient has. */
  RewardUnderflow: 'CONSENSUS_REWARD_UNDERFLOW',
  /** A block's coinbase does not pay exactly the previous round's rewards. */
  RewardPayoutMismatch: 'CONSENSUS_REWARD_PAYOUT_MISMATCH',
  /** A timestamp lies before the start of the producer schedule. */
  TimestampBeforeRoundStart: 'CONSENSUS_TIMESTAMP_BEFORE_ROUND_START',
  /** A producer order (witness slot) is outside the producer set. */
  ProducerOrderOutOfRange: 'CONSENSUS_PRODUCER_ORDER_OUT_OF_RANGE',
  /** A block the tally needs (an ancestor of the asked one) is not available from the block source. */
  UnknownBlock: 'CONSENSUS_UNKNOWN_BLOCK',
  /** Bytes do not decode to a canonical value (evidence, tally snapshot). */
  MalformedEncoding: 'CONSENSUS_MALFORMED_ENCODING',
} as const;
export type ConsensusErrorCode = (typeof ConsensusErrorCode)[keyof typeof ConsensusErrorCode];

export class ConsensusError extends ProtocolError<ConsensusErrorCode> {}
