// The node's filed transaction checks in Redis: the mempool files each admitted transaction's check
// record (opaque bytes; the protocol's packTxCheckRecords) under its 32-byte key
// (the protocol's filedTxCheckKey), the validator looks a block's transactions up in one MGET and
// forgets the records its block used. Keys are `P:txck:<hex key>`, each with its own TTL: records of
// transactions never mined expire. Chain-independent: the key covers the chain and its rules.
import type { Redis } from 'ioredis';

export type RedisTxCheckCacheOptions = {
  /** An ioredis client; the caller owns it. */
  readonly redis: Redis;
  /** Key prefix (default "bystack"). */
  readonly prefix?: string;
  /**
   * Lifetime of a record, seconds (default 600). It only needs to cover the wait between a tx's
   * admission and its block. 0 turns the cache off.
   */
  readonly ttlSeconds?: number;
};

export type TxCheckCacheRecord = { readonly key: Uint8Array; readonly value: Uint8Array };

export type RedisTxCheckCache = {
  /** Files the records in one pipeline. */
  file(records: readonly TxCheckCacheRecord[]): Promise<void>;
  /** The value filed under each key, or undefined; one MGET. */
  lookup(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
  /** Removes the records (one UNLINK). */
  forget(keys: readonly Uint8Array[]): Promise<void>;
};

const toBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export function createRedisTxCheckCache(options: RedisTxCheckCacheOptions): RedisTxCheckCache {
  const { redis } = options;
  const ttl = options.ttlSeconds ?? 600;
  if (!Number.isSafeInteger(ttl) || ttl < 0) throw new RangeError(`ttlSeconds must be an integer >= 0, got ${ttl}`);
  if (ttl === 0) {
    return { file: async () => {}, lookup: async (keys) => keys.map(() => undefined), forget: async () => {} };
  }
  const prefix = `${options.prefix ?? 'bystack'}:txck:`;
  const keyOf = (key: Uint8Array) => prefix + toBuffer(key).toString('hex');
  return {
    async file(records) {
      if (records.length === 0) return;
      const pipeline = redis.pipeline();
      for (const r of records) pipeline.set(keyOf(r.key), toBuffer(r.value), 'EX', ttl);
      const results = await pipeline.exec();
      const failed = results?.find(([err]) => err !== null);
      if (failed) throw failed[0];
    },
    async lookup(keys) {
      if (keys.length === 0) return [];
      const values = await redis.mgetBuffer(...keys.map(keyOf));
      // Plain views (no copy): a record's byte strings are views into its value.
      return values.map((v) => (v === null ? undefined : new Uint8Array(v.buffer, v.byteOffset, v.byteLength)));
    },
    async forget(keys) {
      if (keys.length > 0) await redis.unlink(...keys.map(keyOf));
    },
  };
}
