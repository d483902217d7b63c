// The node's filed transaction checks in Redis: the mempool files each admitted transaction's check
// record (opaque bytes; the protocol's packTxCheckRecords) under its 32-byte key (the protocol's
// filedTxCheckKey), the validator looks a block's transactions up and forgets the records its block
// used. As the signature cache does, records go into one hash per period of `ttlSeconds`,
// `P:txck:<period number>`, which expires two periods after its last addition, and a lookup asks
// the current and the previous period's: a record lives between one and two periods (those of
// transactions never mined expire), and a batch costs one HSET (+ EXPIRE) to file and one HMGET to look
// up (two at a period's turn), not a command per record. Chain-independent: the key covers the chain and its rules.
import type { Redis } from 'ioredis';

export type RedisTxCheckCacheOptions = {
  /** An ioredis client; the caller owns it. */
  readonly redis: Redis;
  /** Key prefix (default "bystack"). */
  readonly prefix?: string;
  /**
   * Shortest lifetime of a record, seconds (default 600; it lasts at most twice that). It only needs
   * to cover the wait between a tx's admission and its block. 0 turns the cache off.
   */
  readonly ttlSeconds?: number;
  /** The clock, milliseconds since the epoch (default Date.now). */
  readonly now?: () => number;
};

export type TxCheckCacheRecord = { readonly key: Uint8Array; readonly value: Uint8Array };

export type RedisTxCheckCache = {
  /** Files the records (one HSET). */
  file(records: readonly TxCheckCacheRecord[]): Promise<void>;
  /** The value filed under each key, or undefined. */
  lookup(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
  /** Removes the records. */
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
  const now = options.now ?? Date.now;
  const prefix = `${options.prefix ?? 'bystack'}:txck:`;
  const period = () => Math.floor(now() / 1000 / ttl);
  return {
    async file(records) {
      if (records.length === 0) return;
      const hash = `${prefix}${period()}`;
      const fields: Buffer[] = [];
      for (const r of records) fields.push(toBuffer(r.key), toBuffer(r.value));
      const results = await redis
        .multi()
        .hset(hash, ...fields)
        .expire(hash, 2 * ttl)
        .exec();
      const failed = results?.find(([err]) => err !== null);
      if (failed) throw failed[0];
    },
    async lookup(keys) {
      if (keys.length === 0) return [];
      const fields = keys.map(toBuffer);
      const p = period();
      const found: (Buffer | null)[] = await redis.hmgetBuffer(`${prefix}${p}`, ...fields);
      // The previous period is asked only for what the current one lacks (at a period's turn).
      const missing: number[] = [];
      found.forEach((v, i) => {
        if (v === null) missing.push(i);
      });
      if (missing.length > 0) {
        const older = await redis.hmgetBuffer(`${prefix}${p - 1}`, ...missing.map((i) => fields[i]!));
        missing.forEach((i, j) => {
          found[i] = older[j] ?? null;
        });
      }
      // Plain views (no copy): a record's byte strings are views into its value.
      return found.map((v) => (v === null ? undefined : new Uint8Array(v.buffer, v.byteOffset, v.byteLength)));
    },
    async forget(keys) {
      if (keys.length === 0) return;
      const fields = keys.map(toBuffer);
      const p = period();
      await Promise.all([redis.hdel(`${prefix}${p}`, ...fields), redis.hdel(`${prefix}${p - 1}`, ...fields)]);
    },
  };
}
