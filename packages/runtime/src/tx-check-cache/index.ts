export {
  createRedisTxCheckCache,
  type RedisTxCheckCache,
  type RedisTxCheckCacheOptions,
  type TxCheckCacheRecord,
} from './redis-tx-check-cache.ts';
