// The node's filed transaction checks in Redis: the mempool files each admitted transaction's check
// record (opaque bytes; the protocol's packTxCheckRecords) under its 32-byte key (the protocol's
// filedTxCheckKey) in the space of the rules it was checked under (the protocol's
// txChecksFingerprint), and the validator looks a block's transactions up, then forgets the records
// its block used. As the signature cache does, records go into one hash per space and period of
// `ttlSeconds`, `P:txck:<space hex>:<period number>`, which expires two periods after its last
// addition, and a lookup asks the current and the previous period's: a record lives between one and
// two periods (those of transactions never mined expire). A batch is one script call with its keys
// (and values) in one argument: ioredis builds a command argument per key otherwise, which cost the
// validator's thread more than the lookup saved (~16 ms per 5,000 keys, with the forgetting).
import type { Redis } from 'ioredis';

export type RedisTxCheckCacheOptions = {
  /** An ioredis client; the caller owns it (two commands are defined on it). */
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

/** `space`: what the records mean besides their keys (the protocol's txChecksFingerprint). Keys are 32 bytes. */
export type RedisTxCheckCache = {
  /** Files the records (one script call). */
  file(space: Uint8Array, records: readonly TxCheckCacheRecord[]): Promise<void>;
  /** The value filed under each key, or undefined (one script call). */
  lookup(space: Uint8Array, keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
  /** Removes the records (one script call). */
  forget(space: Uint8Array, keys: readonly Uint8Array[]): Promise<void>;
};

const TX_CHECK_KEY_LENGTH = 32;

// ARGV[1]: 32-byte keys back to back. KEYS: the current period's hash, the previous one's. Fields go
// to HMGET / HDEL a chunk at a time (Lua's unpack has a stack limit).
const KEYS_OF = `
local function keysOf(blob)
  local keys = {}
  for i = 1, #blob, 32 do keys[#keys + 1] = string.sub(blob, i, i + 31) end
  return keys
end
local CHUNK = 1000`;

// ARGV[1]: records back to back, each a 32-byte key, a little-endian u32 length and the value;
// ARGV[2]: the hash's TTL. HSET takes 500 fields at a time.
const FILE = `
local blob = ARGV[1]
local pos = 1
local args = {}
while pos <= #blob do
  local len = struct.unpack('<I4', blob, pos + 32)
  args[#args + 1] = string.sub(blob, pos, pos + 31)
  args[#args + 1] = string.sub(blob, pos + 36, pos + 35 + len)
  pos = pos + 36 + len
  if #args == 1000 then
    redis.call('HSET', KEYS[1], unpack(args))
    args = {}
  end
end
if #args > 0 then redis.call('HSET', KEYS[1], unpack(args)) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 0`;

const LOOKUP = `${KEYS_OF}
local keys = keysOf(ARGV[1])
local out = {}
local missing = {}
for from = 1, #keys, CHUNK do
  local to = math.min(from + CHUNK - 1, #keys)
  local values = redis.call('HMGET', KEYS[1], unpack(keys, from, to))
  for j = 1, #values do
    out[from + j - 1] = values[j]
    if not values[j] then missing[#missing + 1] = from + j - 1 end
  end
end
for from = 1, #missing, CHUNK do
  local to = math.min(from + CHUNK - 1, #missing)
  local fields = {}
  for j = from, to do fields[#fields + 1] = keys[missing[j]] end
  local values = redis.call('HMGET', KEYS[2], unpack(fields))
  for j = 1, #values do out[missing[from + j - 1]] = values[j] end
end
return out`;

const FORGET = `${KEYS_OF}
local keys = keysOf(ARGV[1])
for from = 1, #keys, CHUNK do
  local to = math.min(from + CHUNK - 1, #keys)
  redis.call('HDEL', KEYS[1], unpack(keys, from, to))
  redis.call('HDEL', KEYS[2], unpack(keys, from, to))
end
return 0`;

type Scripts = {
  bystackTxckFile(hash: string, blob: Buffer, ttl: number): Promise<unknown>;
  bystackTxckLookupBuffer(current: string, previous: string, blob: Buffer): Promise<(Buffer | null)[]>;
  bystackTxckForget(current: string, previous: string, blob: Buffer): Promise<unknown>;
};

/** The keys back to back; RangeError if one is not 32 bytes. */
function keysBlob(keys: readonly Uint8Array[]): Buffer {
  const blob = Buffer.allocUnsafe(keys.length * TX_CHECK_KEY_LENGTH);
  keys.forEach((k, i) => {
    if (k.length !== TX_CHECK_KEY_LENGTH) throw new RangeError(`a tx check key has 32 bytes, not ${k.length}`);
    blob.set(k, i * TX_CHECK_KEY_LENGTH);
  });
  return blob;
}

function recordsBlob(records: readonly TxCheckCacheRecord[]): Buffer {
  let size = 0;
  for (const r of records) size += TX_CHECK_KEY_LENGTH + 4 + r.value.length;
  const blob = Buffer.allocUnsafe(size);
  let at = 0;
  for (const r of records) {
    if (r.key.length !== TX_CHECK_KEY_LENGTH) throw new RangeError(`a tx check key has 32 bytes, not ${r.key.length}`);
    blob.set(r.key, at);
    blob.writeUInt32LE(r.value.length, at + TX_CHECK_KEY_LENGTH);
    blob.set(r.value, at + TX_CHECK_KEY_LENGTH + 4);
    at += TX_CHECK_KEY_LENGTH + 4 + r.value.length;
  }
  return blob;
}

export function createRedisTxCheckCache(options: RedisTxCheckCacheOptions): RedisTxCheckCache {
  const { redis } = options;
  const ttl = options.ttlSeconds ?? 600;
  if (!Number.isSafeInteger(ttl) || ttl < 0) throw new RangeError(`ttlSeconds must be an integer >= 0, got ${ttl}`);
  if (ttl === 0) {
    return { file: async () => {}, lookup: async (_space, keys) => keys.map(() => undefined), forget: async () => {} };
  }
  redis.defineCommand('bystackTxckFile', { numberOfKeys: 1, lua: FILE });
  redis.defineCommand('bystackTxckLookup', { numberOfKeys: 2, lua: LOOKUP });
  redis.defineCommand('bystackTxckForget', { numberOfKeys: 2, lua: FORGET });
  const scripts = redis as unknown as Scripts;
  const now = options.now ?? Date.now;
  const prefix = `${options.prefix ?? 'bystack'}:txck:`;
  const hashes = (space: Uint8Array) => {
    const p = Math.floor(now() / 1000 / ttl);
    const base = `${prefix}${Buffer.from(space.buffer, space.byteOffset, space.byteLength).toString('hex')}:`;
    return [`${base}${p}`, `${base}${p - 1}`] as const;
  };
  return {
    async file(space, records) {
      if (records.length === 0) return;
      await scripts.bystackTxckFile(hashes(space)[0], recordsBlob(records), 2 * ttl);
    },
    async lookup(space, keys) {
      if (keys.length === 0) return [];
      const [current, previous] = hashes(space);
      const found = await scripts.bystackTxckLookupBuffer(current, previous, keysBlob(keys));
      // Plain views (no copy): a record's byte strings are views into its value.
      return found.map((v) => (v === null ? undefined : new Uint8Array(v.buffer, v.byteOffset, v.byteLength)));
    },
    async forget(space, keys) {
      if (keys.length === 0) return;
      const [current, previous] = hashes(space);
      await scripts.bystackTxckForget(current, previous, keysBlob(keys));
    },
  };
}
