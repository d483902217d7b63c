// Side-chain consensus rules (Vapor DPoS + BBFT) as pure functions. Re-exports only.
export {
  addBlockSignature,
  type BlockSignatureSet,
  blockSignBytes,
  createBlockSignatureSet,
  ed25519ProducerVerifier,
  isBlockIrreversible,
  isIrreversible,
  type ProducerSignatureVerifier,
  removeBlockSignature,
  signedProducerOrders,
  verifyBlockSignature,
} from './bbft.ts';
export { consensusBlockOf, sideBlockFees } from './consensus-block.ts';
export { consensusBlockOfHead } from './consensus-block-bytes.ts';
export {
  applyBlockVotes,
  blockProducerReward,
  type ConsensusBlock,
  type ConsensusResult,
  type ConsensusTxVotes,
  type ConsensusVote,
  candidateStake,
  createGenesisConsensusResult,
  reorganizeConsensusResult,
  revertBlockVotes,
} from './consensus-result.ts';
export { decodeConsensusResult, encodeConsensusResult } from './consensus-result-codec.ts';
export {
  DOUBLE_SIGN_EVIDENCE_LENGTH,
  type DoubleSignEvidence,
  type DoubleSignPart,
  decodeDoubleSignEvidence,
  detectDoubleSign,
  encodeDoubleSignEvidence,
  type ProducerBlockSignature,
  verifyDoubleSignEvidence,
} from './double-sign.ts';
export {
  type CandidateStake,
  type ElectedProducer,
  electProducers,
  listCandidates,
  type ProducerSet,
  producerOrderOf,
} from './election.ts';
export { ConsensusError, ConsensusErrorCode } from './errors.ts';
export { type ForkChoiceTip, shouldSwitchChain } from './fork-choice.ts';
export { Lru } from './lru.ts';
export {
  createSideChainConsensusParams,
  meetsMinVoteOutputAmount,
  type ProducerSubsidy,
  type SideChainConsensusParams,
  sideChainBlockSubsidy,
} from './params.ts';
export { type ProducerReward, roundRewardPayouts } from './rewards.ts';
export { electionHeightOf, isRoundFirstBlock, isRoundLastBlock, roundOfHeight } from './rounds.ts';
export {
  createProducerSchedule,
  isProducerSlot,
  nextProducerTurnStart,
  type ProducerSchedule,
  type ProducerSlot,
  producerSlotAt,
} from './schedule.ts';
export { type BlockFetcher, type RoundInfo, VoteTally, type VoteTallyOptions } from './vote-tally.ts';
