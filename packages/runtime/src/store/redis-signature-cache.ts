// The node's cache of verified Ed25519 triples (the protocol's VerifiedSignatureCache) in Redis:
// one key per triple, `P:sigok:<32-byte digest>`, expiring after `ttlSeconds` (a transaction that
// waits longer in the pool is verified again when its block comes). Chain-independent: a
// triple's validity is arithmetic. Reads are one MGET per call, writes one pipeline.
import type { Redis } from 'ioredis';

export type RedisSignatureCacheOptions = {
  /** An ioredis client; the caller owns it. */
  readonly redis: Redis;
  /** Key prefix (default "bystack"). */
  readonly prefix?: string;
  /** Lifetime of an entry, seconds (default 3600); 0 turns the cache off (nothing is read or kept). */
  readonly ttlSeconds?: number;
};

export type RedisSignatureCache = {
  has(keys: readonly Uint8Array[]): Promise<boolean[]>;
  add(keys: readonly Uint8Array[]): Promise<void>;
};

export function createRedisSignatureCache(options: RedisSignatureCacheOptions): RedisSignatureCache {
  const { redis } = options;
  const ttl = options.ttlSeconds ?? 3600;
  if (!Number.isSafeInteger(ttl) || ttl < 0) throw new RangeError(`ttlSeconds must be an integer >= 0, got ${ttl}`);
  if (ttl === 0) return { has: async (keys) => keys.map(() => false), add: async () => {} };
  const prefix = Buffer.from(`${options.prefix ?? 'bystack'}:sigok:`);
  const keyOf = (digest: Uint8Array) => Buffer.concat([prefix, digest]);
  return {
    async has(keys) {
      if (keys.length === 0) return [];
      const values = await redis.mgetBuffer(...keys.map(keyOf));
      return values.map((v) => v !== null);
    },
    async add(keys) {
      if (keys.length === 0) return;
      const pipeline = redis.pipeline();
      for (const k of keys) pipeline.set(keyOf(k), '1', 'EX', ttl);
      const results = await pipeline.exec();
      const failed = results?.find(([err]) => err !== null);
      if (failed) throw failed[0];
    },
  };
}
