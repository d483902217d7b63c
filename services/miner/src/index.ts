// @bystack/miner: block templates, the Tensority nonce search on worker threads, and the
// MinerService (GetWork/SubmitWork/GetMinerStatus). This file only re-exports.
export {
  createMempoolClient,
  createValidatorClient,
  GrpcChain,
  GrpcTxSource,
} from './chain-client.ts';
export {
  CHAIN_CONFIGS,
  type ChainConfigName,
  type MinerConfig,
  minerConfigSchema,
  type ResolvedMinerConfig,
  resolveMinerConfig,
} from './config.ts';
export { isMinerError, MinerError, MinerErrorCode } from './errors.ts';
export { createMinerService, type MinerServiceImpl } from './handlers.ts';
export { defineMinerMetrics, type MinerMetrics, minerMetricDefs } from './metrics.ts';
export { Miner, type MinerModules as MinerParts, type MinerOptions, type MinerStatus } from './miner.ts';
export { NONCE_LIMIT, SearchPool, SearchPoolClosedError, type SearchPoolOptions } from './pool.ts';
export { buildMiner, type MinerModules } from './service.ts';
export {
  coinbaseArbitrary,
  createCoinbaseTx,
  TemplateBuilder,
  type TemplateBuilderModules,
  type TemplateBuilderOptions,
  type TemplateStats,
  templateBlock,
} from './template.ts';
export type {
  BlockDisposition,
  BlockRef,
  BlockSink,
  ChainReader,
  FoundNonce,
  SubmitOutcome,
  Template,
  TxSource,
} from './types.ts';
