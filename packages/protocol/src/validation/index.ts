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
export {
  type SideBlockValidationContext,
  validateSideBlockStateless,
} from './side-block-stateless.ts';
export { type ConnectSideTxContext, connectSideBlock, connectSideTx } from './side-connect.ts';
export { isOpenFederationAsset } from './side-tx-facts.ts';
export { type SideTxValidationContext, validateSideTxStateless } from './side-tx-stateless.ts';
export { type TxSignatureSet, verifySignatureSets } from './signature-sets.ts';
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
