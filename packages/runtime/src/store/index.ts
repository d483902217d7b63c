export { isStoreError, StoreError, StoreErrorCode } from './errors.ts';
export { createLmdbStore, type LmdbCommitHooks, type LmdbCommitMode, type LmdbStoreOptions } from './lmdb.ts';
export { createMongoStore, type MongoStoreOptions } from './mongo.ts';
export {
  createRedisHotTier,
  type HotBlockChange,
  HotOutcome,
  RedisHotTier,
  type RedisHotTierOptions,
  rebuildHotTier,
} from './redis-hot.ts';
export {
  createRedisSignatureCache,
  type RedisSignatureCache,
  type RedisSignatureCacheOptions,
} from './redis-signature-cache.ts';
export { createSqliteStore, type SqliteStoreOptions } from './sqlite.ts';
export {
  createTieredStore,
  type RepairAction,
  type RepairReport,
  type TieredCommitResult,
  type TieredHotApply,
  type TieredOutcome,
  type TieredRevertResult,
  TieredStore,
  type TieredStoreOptions,
} from './tiered.ts';
export type * from './types.ts';
export { utxoEntryOf, utxoRecordOf } from './utxo-entry.ts';
