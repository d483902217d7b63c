// @bystack/mempool: the mempool service. This file only re-exports.
export { Admission, type AdmissionOptions, type AdmitResult } from './admission.ts';
export { AdmissionQueue, type AdmissionQueueOptions } from './admission-queue.ts';
export { ChainState, sameTip } from './chain-state.ts';
export {
  CHAIN_CONFIGS,
  type ChainConfigName,
  defaultEventsStream,
  type MempoolConfig,
  mempoolConfigSchema,
  type ServedChain,
  servedChainOf,
} from './config.ts';
export {
  isMempoolError,
  MempoolError,
  MempoolErrorCode,
  type RejectCode,
  statusOfRejectCode,
  toRejection,
} from './errors.ts';
export { ChainFollower, type ChainFollowerOptions, type FollowerJetStream, streamStart } from './follower.ts';
export { type GossipBus, type GossipSink, TxGossip, type TxGossipOptions } from './gossip.ts';
export { createMempoolService, type MempoolServiceOptions } from './grpc-service.ts';
export { Mempool, type MempoolOptions, type PoolInfo, type ReapResult } from './mempool.ts';
export { defineMempoolMetrics, type MempoolMetrics, mempoolMetricDefs } from './metrics.ts';
export { type PoolLimits, type PoolTx, RemovalReason, type RoomPlan, TxPool } from './pool.ts';
export {
  type BlockEffects,
  type BlockTx,
  type CandidateTx,
  mainPoolChain,
  type PendingTxLookup,
  type PoolBlock,
  type PoolChain,
  poolBlockEffects,
  sidePoolChain,
  type WireTx,
} from './pool-chain.ts';
export {
  buildMempool,
  type MempoolModules,
  type MempoolServiceConfig,
  runMempool,
  startMempool,
} from './service.ts';
export type { AdmitSource, TxAnnouncer, UtxoSource } from './types.ts';
