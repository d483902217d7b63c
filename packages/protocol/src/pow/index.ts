// Proof of work: Tensority, difficulty, seed schedule. This file only re-exports.
export {
  bitsToTarget,
  checkProofOfWork,
  nextBits,
  powHashToBigInt,
  type RetargetBlock,
  type RetargetParams,
  retargetCompareHeight,
  targetToBits,
  workFromBits,
} from './difficulty.ts';
export { PowError, PowErrorCode } from './errors.ts';
export { initialTensoritySeed, type SeedScheduleParams, seedBlockHeight, seedForHeight } from './seed-schedule.ts';
export { createTensorityCache, type TensorityCache, tensority, tensorityWithCache } from './tensority.ts';
