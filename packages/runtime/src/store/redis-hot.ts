// The hot tier: Redis (ioredis) holding each chain's UTXO set, its applied version (tip) and the
// ids of its last `recentBlocks` main-chain blocks. It is a cache of the durable tier: rebuildable
// from it at any time (rebuild()), and only ever changed one whole block at a time by a Lua script
// that first checks the version, so it is never half-applied and never applied twice.
//
// Keys of chain C (prefix P, default "bystack"); the {C} hash tag puts a chain's keys in one Redis
// Cluster slot, which a multi-key Lua script needs:
//   P:{C}:utxo  HASH  outputId (raw bytes) -> utxo value (codec.ts, the durable tier's bytes)
//   P:{C}:ver   HASH  height (decimal) and id (raw bytes) of the applied tip
//   P:{C}:ids   HASH  height (decimal) -> block id, for the last `recentBlocks` heights up to the tip
//   P:{C}:rebuild:*   the same three while a rebuild fills them; swapped in by one atomic script
// Other services own other keys under P:{C}: (e.g. a mempool index); the store never touches them.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { decodeUtxoValue, encodeHotChange, encodeUtxoValue } from './codec.ts';
import { StoreError, StoreErrorCode, toStoreError } from './errors.ts';
import type { BlockDelta, ChainTip, DurableStore, UtxoReader, UtxoRecord } from './types.ts';
import { checkChain, checkIds } from './validate.ts';

export type RedisHotTierOptions = {
  /** An ioredis client; the caller owns it (connects and quits it). */
  readonly redis: Redis;
  /** Key prefix (default "bystack"). */
  readonly prefix?: string;
  /** How many recent main-chain block ids to keep (default 128): the deepest reorg repaired block by block. */
  readonly recentBlocks?: number;
  /** Output ids per HMGET in a pipelined lookup (default 500). */
  readonly lookupChunk?: number;
};

/** What a block change did to the hot tier. */
export const HotOutcome = {
  /** The change was applied now. */
  Applied: 'applied',
  /** The hot tier already reflected the change: nothing done. */
  Already: 'already',
  /** The hot tier is at another version: nothing done, a repair is needed. */
  OutOfSync: 'out-of-sync',
} as const;
export type HotOutcome = (typeof HotOutcome)[keyof typeof HotOutcome];

/** A block's change as the hot tier applies it: spent outputs need only their ids. */
export type HotBlockChange = {
  readonly height: number;
  readonly blockId: Uint8Array;
  readonly parentId: Uint8Array;
  readonly created: readonly UtxoRecord[];
  readonly spent: readonly Uint8Array[];
};

type Keys = { readonly utxo: string; readonly ver: string; readonly ids: string };

// A block's change to the UTXO hash comes as one argument (codec.ts encodeHotChange), parsed whole
// before anything is written, so a payload that does not parse fails the script with nothing
// changed. Commands are chunked: Lua's unpack() is limited to a few thousand values.
const CHANGE_LUA = `
local function parseChange(p)
  local n, pos = struct.unpack('>I4', p)
  local set, del = {}, {}
  for i = 1, 2 * n, 2 do
    set[i], set[i + 1], pos = struct.unpack('>Bc0I4c0', p, pos)
  end
  local k = 0
  while pos <= #p do
    k = k + 1
    del[k], pos = struct.unpack('>Bc0', p, pos)
  end
  return set, del
end
local function inChunks(command, key, list)
  for i = 1, #list, 1000 do
    redis.call(command, key, unpack(list, i, math.min(i + 999, #list)))
  end
end
`;

const APPLY_LUA = `${CHANGE_LUA}
local vh = redis.call('HGET', KEYS[2], 'height')
if vh then
  if tonumber(vh) >= tonumber(ARGV[3]) and redis.call('HGET', KEYS[3], ARGV[3]) == ARGV[4] then return 'already' end
  if vh ~= ARGV[1] or redis.call('HGET', KEYS[2], 'id') ~= ARGV[2] then return 'out-of-sync' end
elseif ARGV[1] ~= '' then
  return 'out-of-sync'
end
local set, del = parseChange(ARGV[6])
inChunks('HSET', KEYS[1], set)
inChunks('HDEL', KEYS[1], del)
redis.call('HSET', KEYS[2], 'height', ARGV[3], 'id', ARGV[4])
redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
if ARGV[5] ~= '' then redis.call('HDEL', KEYS[3], ARGV[5]) end
return 'applied'
`;

const REVERT_LUA = `${CHANGE_LUA}
local vh = redis.call('HGET', KEYS[2], 'height')
local vid = redis.call('HGET', KEYS[2], 'id')
if not (vh == ARGV[1] and vid == ARGV[2]) then
  if (ARGV[3] == '' and not vh) or (vh == ARGV[3] and vid == ARGV[4]) then return 'already' end
  return 'out-of-sync'
end
local set, del = parseChange(ARGV[7])
inChunks('HSET', KEYS[1], set)
inChunks('HDEL', KEYS[1], del)
redis.call('HDEL', KEYS[3], ARGV[1])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[3], ARGV[5], ARGV[6]) end
if ARGV[3] == '' then
  redis.call('DEL', KEYS[2])
else
  redis.call('HSET', KEYS[2], 'height', ARGV[3], 'id', ARGV[4])
end
return 'applied'
`;

const SWAP_LUA = `
for i = 1, 3 do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('RENAME', KEYS[i], KEYS[i + 3])
  else
    redis.call('DEL', KEYS[i + 3])
  end
end
return 'ok'
`;

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const SCRIPTS = {
  apply: { lua: APPLY_LUA, sha: sha1(APPLY_LUA) },
  revert: { lua: REVERT_LUA, sha: sha1(REVERT_LUA) },
  swap: { lua: SWAP_LUA, sha: sha1(SWAP_LUA) },
} as const;

/** A Buffer view of a Uint8Array (ioredis sends Buffers as bytes, other objects as strings). */
function buf(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

function positiveInt(value: number | undefined, fallback: number, setting: string): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) {
    throw new StoreError(StoreErrorCode.InvalidConfig, `${setting} must be a positive integer`, { setting });
  }
  return v;
}

export class RedisHotTier implements UtxoReader {
  readonly redis: Redis;
  readonly prefix: string;
  readonly recentBlocks: number;
  private readonly lookupChunk: number;

  constructor(opts: RedisHotTierOptions) {
    if (!opts?.redis) throw new StoreError(StoreErrorCode.InvalidConfig, 'redis client missing', { setting: 'redis' });
    this.redis = opts.redis;
    this.prefix = opts.prefix ?? 'bystack';
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(this.prefix)) {
      throw new StoreError(StoreErrorCode.InvalidConfig, 'prefix must be 1-64 characters of [A-Za-z0-9_.:-]', {
        setting: 'prefix',
      });
    }
    this.recentBlocks = positiveInt(opts.recentBlocks, 128, 'recentBlocks');
    this.lookupChunk = positiveInt(opts.lookupChunk, 500, 'lookupChunk');
  }

  /** The chain's keys (live, or the rebuild's staging keys). */
  keys(chain: string, staging = false): Keys {
    const base = `${this.prefix}:{${checkChain(chain)}}:${staging ? 'rebuild:' : ''}`;
    return { utxo: `${base}utxo`, ver: `${base}ver`, ids: `${base}ids` };
  }

  /** The block the hot tier has applied last, if any. */
  async getTip(chain: string): Promise<ChainTip | undefined> {
    return this.readVersion(this.keys(chain));
  }

  /** One HMGET per `lookupChunk` ids, all sent in one pipeline (one round trip). */
  async getUtxos(chain: string, outputIds: readonly Uint8Array[]): Promise<(UtxoRecord | undefined)[]> {
    const { utxo } = this.keys(chain);
    checkIds(outputIds, 'outputIds');
    if (outputIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (let i = 0; i < outputIds.length; i += this.lookupChunk) {
      pipeline.hmgetBuffer(utxo, ...outputIds.slice(i, i + this.lookupChunk).map(buf));
    }
    const replies = await this.guard('getUtxos', () => pipeline.exec());
    const out: (UtxoRecord | undefined)[] = [];
    for (const [err, values] of replies ?? []) {
      if (err) throw toStoreError(err, 'getUtxos');
      for (const v of values as (Buffer | null)[]) {
        const id = outputIds[out.length]!;
        out.push(v ? decodeUtxoValue(id, v) : undefined);
      }
    }
    return out;
  }

  /** Applies one block if the hot tier is at its parent; says 'already' if it has it. */
  async applyBlock(chain: string, change: HotBlockChange, staging = false): Promise<HotOutcome> {
    const keys = this.keys(chain, staging);
    return (await this.script('apply', [keys.utxo, keys.ver, keys.ids], this.applyArgs(change))) as HotOutcome;
  }

  /**
   * Applies blocks in order, each with its own version check (so each is atomic and never applied
   * twice), in one round trip: the scripts go out as one pipeline.
   */
  async applyBlocks(chain: string, changes: readonly HotBlockChange[]): Promise<HotOutcome[]> {
    if (changes.length === 0) return [];
    const keys = this.keys(chain);
    const { lua, sha } = SCRIPTS.apply;
    const run = () => {
      const pipeline = this.redis.pipeline();
      for (const c of changes) pipeline.evalsha(sha, 3, keys.utxo, keys.ver, keys.ids, ...this.applyArgs(c));
      return pipeline.exec();
    };
    let results = await this.guard('redis apply (pipeline)', run);
    if (results?.some(([err]) => err instanceof Error && err.message.startsWith('NOSCRIPT'))) {
      // Redis lost its script cache: load the script and send them all again (applied ones say 'already').
      await this.guard('redis script load', () => this.redis.script('LOAD', lua));
      results = await this.guard('redis apply (pipeline)', run);
    }
    return (results ?? []).map(([err, outcome]) => {
      if (err) throw toStoreError(err, 'redis apply (pipeline)');
      return outcome as HotOutcome;
    });
  }

  private applyArgs(change: HotBlockChange): (string | Buffer)[] {
    const parentHeight = change.height === 0 ? '' : String(change.height - 1);
    const dropHeight = change.height >= this.recentBlocks ? String(change.height - this.recentBlocks) : '';
    return [
      parentHeight,
      buf(change.parentId),
      String(change.height),
      buf(change.blockId),
      dropHeight,
      buf(encodeHotChange(change.created, change.spent)),
    ];
  }

  /**
   * Reverts one block (the hot tier's tip) from its journal entry. `restore` is the main-chain block at
   * height - recentBlocks, which re-enters the recent-ids window (undefined below height recentBlocks).
   */
  async revertBlock(chain: string, delta: BlockDelta, restore: Uint8Array | undefined): Promise<HotOutcome> {
    const keys = this.keys(chain);
    const restoreHeight = delta.height - this.recentBlocks;
    const createdIds = delta.created.map((r) => r.outputId);
    const args: (string | Buffer)[] = [
      String(delta.height),
      buf(delta.blockId),
      delta.height === 0 ? '' : String(delta.height - 1),
      buf(delta.parentId),
      restoreHeight >= 0 && restore ? String(restoreHeight) : '',
      restore ? buf(restore) : '',
      buf(encodeHotChange(delta.spent, createdIds)),
    ];
    return (await this.script('revert', [keys.utxo, keys.ver, keys.ids], args)) as HotOutcome;
  }

  /**
   * Rebuilds the chain's hot state from the durable tier into staging keys while the durable tier may
   * keep committing, then swaps them in atomically. The UTXO scan is not a snapshot; it starts at
   * revision r0 (tip t0), and every block committed since is replayed on top (HSET/HDEL of unique
   * output ids converge whatever the scan saw of them). A revert during the rebuild (revision moved
   * by more than the tip height) restarts it. Returns the tip the hot tier now has.
   */
  async rebuild(durable: DurableStore, chain: string, maxAttempts = 5): Promise<ChainTip | undefined> {
    const staging = this.keys(chain, true);
    const live = this.keys(chain);
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      await this.guard('rebuild', () => this.redis.del(staging.utxo, staging.ver, staging.ids));
      const start = await durable.getChainState(chain);
      await this.copyUtxos(durable, chain, staging.utxo);
      if (start.tip) await this.writeVersion(durable, chain, staging, start.tip);
      let at = start;
      let ok = true;
      for (;;) {
        const now = await durable.getChainState(chain);
        if (now.revision === at.revision) break;
        const commits = (now.tip?.height ?? -1) - (at.tip?.height ?? -1);
        if (commits !== now.revision - at.revision || !now.tip) {
          ok = false; // a revert happened meanwhile: start again
          break;
        }
        const from = (at.tip?.height ?? -1) + 1;
        const ids = await durable.getMainChainRange(chain, from, now.tip.height);
        for (const id of ids) {
          const delta = await durable.getBlockDelta(chain, id);
          if (!delta || (await this.applyBlock(chain, deltaChange(delta), true)) !== HotOutcome.Applied) {
            ok = false;
            break;
          }
        }
        if (!ok) break;
        at = now;
      }
      if (!ok) continue;
      await this.script('swap', [staging.utxo, staging.ver, staging.ids, live.utxo, live.ver, live.ids], []);
      return at.tip;
    }
    throw new StoreError(
      StoreErrorCode.HotTierOutOfSync,
      `rebuild of ${chain} gave up after ${maxAttempts} attempts: the durable tier kept reorganizing`,
    );
  }

  private async copyUtxos(durable: DurableStore, chain: string, key: string): Promise<void> {
    const inFlight: Promise<unknown>[] = [];
    for await (const batch of durable.scanUtxos(chain, 1000)) {
      const args: Buffer[] = [];
      for (const r of batch) args.push(buf(r.outputId), buf(encodeUtxoValue(r)));
      inFlight.push(this.guard('rebuild', () => this.redis.hset(key, ...args)));
      if (inFlight.length >= 8) await Promise.all(inFlight.splice(0));
    }
    await Promise.all(inFlight);
  }

  /** Writes the version and the recent-ids window of `tip` into `keys`. */
  private async writeVersion(durable: DurableStore, chain: string, keys: Keys, tip: ChainTip): Promise<void> {
    const from = Math.max(0, tip.height - this.recentBlocks + 1);
    const ids = await durable.getMainChainRange(chain, from, tip.height);
    const window: (string | Buffer)[] = [];
    for (const [i, id] of ids.entries()) window.push(String(from + i), buf(id));
    await this.guard('rebuild', () =>
      this.redis
        .multi()
        .hset(keys.ver, 'height', String(tip.height), 'id', buf(tip.blockId))
        .hset(keys.ids, ...window)
        .exec(),
    );
  }

  private async readVersion(keys: Keys): Promise<ChainTip | undefined> {
    const [height, id] = await this.guard('getTip', () => this.redis.hmgetBuffer(keys.ver, 'height', 'id'));
    if (!height || !id) return undefined;
    return { height: Number(height.toString()), blockId: new Uint8Array(id) };
  }

  /** EVALSHA, falling back to EVAL when the server does not have the script cached yet. */
  private async script(
    name: keyof typeof SCRIPTS,
    keys: readonly string[],
    args: (string | Buffer)[],
  ): Promise<unknown> {
    const { lua, sha } = SCRIPTS[name];
    try {
      return await this.redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw toStoreError(err, `redis ${name}`);
    }
    return this.guard(`redis ${name}`, () => this.redis.eval(lua, keys.length, ...keys, ...args));
  }

  private async guard<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toStoreError(err, operation);
    }
  }
}

/** The hot-tier change a journal entry replays. */
export function deltaChange(delta: BlockDelta): HotBlockChange {
  return {
    height: delta.height,
    blockId: delta.blockId,
    parentId: delta.parentId,
    created: delta.created,
    spent: delta.spent.map((r) => r.outputId),
  };
}

export function createRedisHotTier(opts: RedisHotTierOptions): RedisHotTier {
  return new RedisHotTier(opts);
}

/**
 * Rebuilds the hot tier from the durable tier: every chain the durable store knows (or only
 * `chains`). Safe at any time; the result is byte-identical to an incrementally maintained hot tier.
 */
export async function rebuildHotTier(
  durable: DurableStore,
  hot: RedisHotTier,
  chains?: readonly string[],
): Promise<Map<string, ChainTip | undefined>> {
  const out = new Map<string, ChainTip | undefined>();
  for (const chain of chains ?? (await durable.listChains())) out.set(chain, await hot.rebuild(durable, chain));
  return out;
}
