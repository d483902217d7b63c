// Transaction and block validation (PSWV stage 1 and 2) for both chains. This file only re-exports.
export type { ParentBlock } from './block-body.ts';
export {
  type BlockValidationContext,
  type BlockValidationResult,
  type ProofOfWorkInput,
  validateBlockStateless,
} from './block-stateless.ts';
export { checkBlockTime, pastMedianTime } from './block-time.ts';
export { isValidationError, ValidationError, ValidationErrorCode } from './errors.ts';
export { type ConnectTxContext, connectBlock, connectTx } from './main-connect.ts';
export { mainTxRules } from './main-tx-facts.ts';
export {
  type SideBlockValidationContext,
  validateSideBlockStateless,
} from './side-block-stateless.ts';
export { type ConnectSideTxContext, connectSideBlock, connectSideTx } from './side-connect.ts';
export { isOpenFederationAsset, sideTxRules } from './side-tx-facts.ts';
export { type SideTxValidationContext, validateSideTxStateless } from './side-tx-stateless.ts';
export { type TxSignatureSet, verifySignatureSets } from './signature-sets.ts';
export {
  createSpreadingTxChecker,
  type SpreadingTxChecker,
  type SpreadingTxCheckerOptions,
  type TxCheckLane,
} from './spreading-tx-checker.ts';
export {
  type BlockTxsJob,
  checkBlockTxsOn,
  createTxCheckPool,
  mergeTxChecks,
  sliceBlockTxs,
  type TxCheckPool,
  TxCheckPoolError,
  TxCheckPoolErrorCode,
  type TxCheckPoolOptions,
  type TxRangeChecker,
} from './tx-check-pool.ts';
export type { TxChecks, TxRangeJob } from './tx-checks.ts';
export {
  checkTxsWithFiled,
  filedTxCheckKey,
  isFilable,
  type PassedTxCheck,
  txCheckFilings,
  txChecksFingerprint,
} from './tx-checks-filed.ts';
export {
  packTxCheckRecords,
  packTxChecks,
  type TxCheckRecord,
  unpackTxCheckRecord,
  unpackTxChecks,
} from './tx-checks-pack.ts';
export type { TxRules } from './tx-facts.ts';
export { type TxValidationContext, type TxValidationResult, validateTxStateless } from './tx-stateless.ts';
export {
  createUtxoOverlay,
  invertUtxoChanges,
  type UtxoChange,
  type UtxoChanges,
  type UtxoEntry,
  type UtxoKind,
  type UtxoOverlay,
  type UtxoView,
} from './utxo-view.ts';
