// The node's cache of verified Ed25519 triples (the protocol's VerifiedSignatureCache) in Redis.
// Entries go into one SET per period of `ttlSeconds`, `P:sigok:<period number>`, which expires two
// periods after its last addition; a lookup asks the current and the previous period's sets. So an
// entry lives between one and two periods, and a block's worth of keys costs one SADD (+ EXPIRE)
// to add and two SMISMEMBER to look up, instead of a command per key. Chain-independent: a
// triple's validity is arithmetic. Needs Redis 6.2 or later (SMISMEMBER).
import type { Redis } from 'ioredis';

export type RedisSignatureCacheOptions = {
  /** An ioredis client; the caller owns it. */
  readonly redis: Redis;
  /** Key prefix (default "bystack"). */
  readonly prefix?: string;
  /**
   * Shortest lifetime of an entry, seconds (default 600; it lasts at most twice that). It only
   * needs to cover the wait between a tx's admission and its block. 0 turns the cache off.
   */
  readonly ttlSeconds?: number;
  /** The clock, milliseconds since the epoch (default Date.now). */
  readonly now?: () => number;
};

export type RedisSignatureCache = {
  has(keys: readonly Uint8Array[]): Promise<boolean[]>;
  add(keys: readonly Uint8Array[]): Promise<void>;
};

export function createRedisSignatureCache(options: RedisSignatureCacheOptions): RedisSignatureCache {
  const { redis } = options;
  const ttl = options.ttlSeconds ?? 600;
  if (!Number.isSafeInteger(ttl) || ttl < 0) throw new RangeError(`ttlSeconds must be an integer >= 0, got ${ttl}`);
  if (ttl === 0) return { has: async (keys) => keys.map(() => false), add: async () => {} };
  const now = options.now ?? Date.now;
  const prefix = `${options.prefix ?? 'bystack'}:sigok:`;
  const period = () => Math.floor(now() / 1000 / ttl);
  return {
    async has(keys) {
      if (keys.length === 0) return [];
      const members = keys.map((k) => Buffer.from(k.buffer, k.byteOffset, k.byteLength));
      const p = period();
      const [current, previous] = await Promise.all([
        redis.smismember(`${prefix}${p}`, ...members),
        redis.smismember(`${prefix}${p - 1}`, ...members),
      ]);
      return current.map((inCurrent, i) => inCurrent === 1 || previous[i] === 1);
    },
    async add(keys) {
      if (keys.length === 0) return;
      const set = `${prefix}${period()}`;
      const members = keys.map((k) => Buffer.from(k.buffer, k.byteOffset, k.byteLength));
      const results = await redis
        .multi()
        .sadd(set, ...members)
        .expire(set, 2 * ttl)
        .exec();
      const failed = results?.find(([err]) => err !== null);
      if (failed) throw failed[0];
    },
  };
}
