// @bystack/bbft: the side-chain block producer (DPoS slots, BBFT signatures, irreversibility,
// double-sign detection), one process per producer key. This file only re-exports.
export { Bbft, type BbftModules, type BbftOptions, type BbftStatus } from './bbft.ts';
export { coinbaseGas, decodeReaped } from './block-builder.ts';
export {
  BlockTree,
  type NewTreeBlock,
  type SignatureOutcome,
  type TreeBlock,
  type TreeBlockSource,
  type TreeRoot,
} from './block-tree.ts';
export {
  type ChainClient,
  createMempoolClient,
  createValidatorClient,
  GrpcBlockValidator,
  GrpcSideChainView,
  GrpcTxSource,
  type MempoolClient,
} from './chain-client.ts';
export {
  type BbftConfig,
  bbftConfigSchema,
  type ResolvedBbftConfig,
  resolveBbftConfig,
  SIDE_CHAIN_CONFIGS,
  type SideChainConfigName,
} from './config.ts';
export { BbftError, BbftErrorCode, isBbftError } from './errors.ts';
export {
  type EvidenceRecord,
  type EvidenceSource,
  EvidenceStore,
  type EvidenceStoreOptions,
} from './evidence-store.ts';
export { type BbftServiceImpl, createBbftService } from './handlers.ts';
export { type BbftMetrics, bbftMetricDefs, defineBbftMetrics } from './metrics.ts';
export { NatsBbftNetwork, type NetworkHandlers } from './network.ts';
export { type BbftService, buildBbft } from './service.ts';
export { type LedgerOutcome, SignatureLedger } from './signature-ledger.ts';
export { Signer, type SignerOptions, type SignKind, type SignResult } from './signer.ts';
export { StoreSignerGuard, signerKeyspace } from './signer-guard.ts';
export type {
  BbftNetwork,
  BlockValidator,
  ReapedTxs,
  RoundInfo,
  SideBlockRef,
  SideChainView,
  SignatureMessage,
  SignerGuard,
  TxSource,
  ValidationVerdict,
} from './types.ts';
