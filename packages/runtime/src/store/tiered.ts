// The two tiers together, as the validator (the one writer of a chain) uses them.
//
// commitBlock files the block in the durable tier in one transaction keyed by its id (a repeat is a
// no-op) and applies it to Redis with the version check of RedisHotTier (applied only at the parent;
// skipped if already there). By default ('alongside') the Redis apply runs while the durable engine
// flushes the transaction (lmdb-js commits on its write thread): a block's commit then waits for the
// slower of the two, not their sum. 'after-durable' applies Redis once the durable commit is done.
//
// A process killed between or during the two steps leaves Redis one step behind, or ahead: a revert
// it has not seen, or (alongside) a block whose durable transaction never committed. repair() at
// start-up (and automatically whenever a version check fails) walks Redis back off any block the
// durable main chain no longer has, then replays the missing blocks from the durable journal, or
// rebuilds from scratch when that is shorter or impossible (a block the durable tier never had has
// no journal entry to walk back by). Because each Redis step is version-checked and atomic, no change
// is ever applied twice.
import { bytesEqual, tipsEqual } from './codec.ts';
import { StoreError, StoreErrorCode } from './errors.ts';
import { deltaChange, type HotBlockChange, HotOutcome, type RedisHotTier } from './redis-hot.ts';
import type {
  BlockCommit,
  ChainStateStore,
  ChainTip,
  CommitResult,
  DurableStore,
  RevertResult,
  TieredStoreHooks,
  UtxoReader,
  UtxoRecord,
} from './types.ts';
import { checkChain } from './validate.ts';

/** When a commit applies Redis: while the durable tier flushes (default), or after it. */
export type TieredHotApply = 'alongside' | 'after-durable';

export type TieredStoreOptions = {
  readonly durable: DurableStore;
  readonly hot: RedisHotTier;
  /** Default 'alongside'; see the file comment. */
  readonly hotApply?: TieredHotApply;
  /** Replay at most this many blocks in a repair; further behind, rebuild (default 1,000). */
  readonly maxReplay?: number;
  readonly hooks?: TieredStoreHooks;
};

/** What the hot tier did for a commit or revert: the RedisHotTier outcome, or 'repaired'. */
export type TieredOutcome = HotOutcome | 'repaired';

export type TieredCommitResult = CommitResult & { readonly hot: TieredOutcome };
export type TieredRevertResult = RevertResult & { readonly hot: TieredOutcome };

export type RepairAction = 'none' | 'replayed' | 'rebuilt';
export type RepairReport = {
  readonly chain: string;
  readonly action: RepairAction;
  /** Blocks reverted from the hot tier (it was on a branch the durable tier left). */
  readonly reverted: number;
  /** Blocks replayed onto the hot tier. */
  readonly applied: number;
  readonly tip: ChainTip | undefined;
};

/** What the hot tier takes of a block commit. */
function hotChange(commit: BlockCommit): HotBlockChange {
  return {
    height: commit.height,
    blockId: commit.blockId,
    parentId: commit.parentId,
    created: commit.created,
    spent: commit.spent,
  };
}

export class TieredStore implements ChainStateStore, UtxoReader {
  readonly durable: DurableStore;
  readonly hot: RedisHotTier;
  private readonly maxReplay: number;
  private readonly hooks: TieredStoreHooks;
  private readonly hotApply: TieredHotApply;
  /** One change at a time per store: commit, revert and repair never interleave. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(opts: TieredStoreOptions) {
    if (!opts?.durable || !opts.hot) {
      throw new StoreError(StoreErrorCode.InvalidConfig, 'tiered store needs durable and hot tiers', {
        setting: opts?.durable ? 'hot' : 'durable',
      });
    }
    const maxReplay = opts.maxReplay ?? 1000;
    if (!Number.isSafeInteger(maxReplay) || maxReplay < 0) {
      throw new StoreError(StoreErrorCode.InvalidConfig, 'maxReplay must be a non-negative integer', {
        setting: 'maxReplay',
      });
    }
    this.durable = opts.durable;
    this.hot = opts.hot;
    this.maxReplay = maxReplay;
    this.hooks = opts.hooks ?? {};
    const hotApply = opts.hotApply ?? 'alongside';
    if (hotApply !== 'alongside' && hotApply !== 'after-durable') {
      throw new StoreError(StoreErrorCode.InvalidConfig, `hotApply must be 'alongside' or 'after-durable'`, {
        setting: 'hotApply',
      });
    }
    this.hotApply = hotApply;
  }

  commitBlock(commit: BlockCommit): Promise<TieredCommitResult> {
    return this.serial(async () => {
      const [result] = await this.commitBoth(
        commit.chain,
        [commit],
        () => this.durable.commitBlock(commit).then((r) => [r]),
        async () => [await this.hot.applyBlock(commit.chain, hotChange(commit))],
      );
      return result!;
    });
  }

  /**
   * Several blocks of one chain, each on the one before: one durable transaction, and Redis block by
   * block in one pipeline. A block Redis could not take (out of sync) repairs it once; the blocks
   * after it are then already there.
   */
  commitBlocks(commits: readonly BlockCommit[]): Promise<TieredCommitResult[]> {
    return this.serial(async () => {
      if (commits.length === 0) return [];
      const chain = commits[0]!.chain;
      if (commits.some((c) => c.chain !== chain)) {
        throw new StoreError(StoreErrorCode.InvalidArgument, 'commitBlocks takes blocks of one chain', { chain });
      }
      return this.commitBoth(
        chain,
        commits,
        () => this.durable.commitBlocks(commits),
        () => this.hot.applyBlocks(chain, commits.map(hotChange)),
      );
    });
  }

  /**
   * The durable commit of `commits` and their Redis apply, in the order `hotApply` says (see the
   * file comment), then the repair of a Redis that could not take them.
   */
  private async commitBoth(
    chain: string,
    commits: readonly BlockCommit[],
    durable: () => Promise<CommitResult[]>,
    hot: () => Promise<HotOutcome[]>,
  ): Promise<TieredCommitResult[]> {
    let results: CommitResult[];
    let outcomes: HotOutcome[];
    if (this.hotApply === 'after-durable') {
      results = await durable();
      for (const c of commits) await this.hooks.afterDurableCommit?.(c);
      outcomes = await hot();
    } else {
      // The durable engine runs the commit's logic and queues its writes before it returns the
      // promise; Redis takes the blocks while the engine flushes them.
      const durableDone = durable();
      const hotDone = hot().then(
        async (o) => {
          for (const c of commits) await this.hooks.afterHotApply?.(c);
          return o;
        },
        (err: unknown) => err as Error,
      );
      try {
        results = await durableDone;
      } catch (err) {
        // Redis may have taken blocks the durable tier refused or lost: bring it back to the durable state.
        const taken = await hotDone;
        if (!(taken instanceof Error) && taken.includes(HotOutcome.Applied)) await this.repairChain(chain);
        throw err;
      }
      for (const c of commits) await this.hooks.afterDurableCommit?.(c);
      const taken = await hotDone;
      if (taken instanceof Error) throw taken;
      outcomes = taken;
    }
    const out: TieredCommitResult[] = [];
    let repaired = false;
    for (const [i, outcome] of outcomes.entries()) {
      const hot: TieredOutcome = repaired ? 'repaired' : await this.settle(chain, outcome);
      repaired ||= hot === 'repaired';
      out.push({ ...results[i]!, hot });
    }
    return out;
  }

  revertBlock(chain: string, blockId: Uint8Array): Promise<TieredRevertResult> {
    return this.serial(async () => {
      const result = await this.durable.revertBlock(chain, blockId);
      await this.hooks.afterDurableRevert?.(chain, blockId);
      const delta = result.delta ?? (await this.durable.getBlockDelta(chain, blockId));
      const outcome = delta
        ? await this.hot.revertBlock(chain, delta, await this.windowRestore(chain, delta.height))
        : HotOutcome.OutOfSync;
      return { ...result, hot: await this.settle(chain, outcome) };
    });
  }

  setIrreversible(chain: string, height: number, blockId: Uint8Array): Promise<void> {
    return this.durable.setIrreversible(chain, height, blockId);
  }

  getTip(chain: string): Promise<ChainTip | undefined> {
    return this.durable.getTip(chain);
  }

  getMainChainBlockId(chain: string, height: number): Promise<Uint8Array | undefined> {
    return this.durable.getMainChainBlockId(chain, height);
  }

  getIrreversible(chain: string): Promise<ChainTip | undefined> {
    return this.durable.getIrreversible(chain);
  }

  /** Reads the hot tier (Redis), pipelined. */
  getUtxos(chain: string, outputIds: readonly Uint8Array[]): Promise<(UtxoRecord | undefined)[]> {
    return this.hot.getUtxos(chain, outputIds);
  }

  /** Brings the hot tier to the durable tier's state: every chain, or the given ones. Run at start-up. */
  repair(chains?: readonly string[]): Promise<RepairReport[]> {
    return this.serial(async () => {
      const reports: RepairReport[] = [];
      for (const chain of chains ?? (await this.durable.listChains())) reports.push(await this.repairChain(chain));
      return reports;
    });
  }

  /** Rebuilds the hot tier of the given chains (default: all) from the durable tier. */
  rebuild(chains?: readonly string[]): Promise<RepairReport[]> {
    return this.serial(async () => {
      const reports: RepairReport[] = [];
      for (const chain of chains ?? (await this.durable.listChains())) {
        const tip = await this.hot.rebuild(this.durable, checkChain(chain));
        reports.push({ chain, action: 'rebuilt', reverted: 0, applied: 0, tip });
      }
      return reports;
    });
  }

  private async settle(chain: string, outcome: HotOutcome): Promise<TieredOutcome> {
    if (outcome !== HotOutcome.OutOfSync) return outcome;
    const report = await this.repairChain(chain);
    return report.action === 'none' ? HotOutcome.Already : 'repaired';
  }

  private async repairChain(chain: string): Promise<RepairReport> {
    checkChain(chain);
    const { tip } = await this.durable.getChainState(chain);
    let version = await this.hot.getTip(chain);
    if (tipsEqual(version, tip)) return { chain, action: 'none', reverted: 0, applied: 0, tip };
    const rebuild = async (): Promise<RepairReport> => ({
      chain,
      action: 'rebuilt',
      reverted: 0,
      applied: 0,
      tip: await this.hot.rebuild(this.durable, chain),
    });
    if (!version) return rebuild();

    // Walk the hot tier back while its tip is not on the durable main chain (a revert it missed).
    let reverted = 0;
    while (version && !(await this.onDurableMainChain(chain, version, tip))) {
      if (reverted >= Math.min(this.maxReplay, this.hot.recentBlocks)) return rebuild();
      const delta = await this.durable.getBlockDelta(chain, version.blockId);
      if (!delta) return rebuild();
      const restore = await this.windowRestore(chain, delta.height);
      if ((await this.hot.revertBlock(chain, delta, restore)) !== HotOutcome.Applied) return rebuild();
      reverted++;
      version = delta.height === 0 ? undefined : { height: delta.height - 1, blockId: delta.parentId };
    }

    // Replay the durable main chain from the hot tier's version up to the durable tip.
    const from = (version?.height ?? -1) + 1;
    const to = tip?.height ?? -1;
    if (to - from + 1 > this.maxReplay) return rebuild();
    let applied = 0;
    if (to >= from) {
      for (const id of await this.durable.getMainChainRange(chain, from, to)) {
        const delta = await this.durable.getBlockDelta(chain, id);
        if (!delta) return rebuild();
        if ((await this.hot.applyBlock(chain, deltaChange(delta))) !== HotOutcome.Applied) return rebuild();
        applied++;
      }
    }
    return { chain, action: 'replayed', reverted, applied, tip };
  }

  private async onDurableMainChain(chain: string, at: ChainTip, tip: ChainTip | undefined): Promise<boolean> {
    if (!tip || at.height > tip.height) return false;
    return bytesEqual(await this.durable.getMainChainBlockId(chain, at.height), at.blockId);
  }

  /** The main-chain block that re-enters the hot tier's recent-ids window when `height` is reverted. */
  private async windowRestore(chain: string, height: number): Promise<Uint8Array | undefined> {
    const h = height - this.hot.recentBlocks;
    return h >= 0 ? this.durable.getMainChainBlockId(chain, h) : undefined;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

export function createTieredStore(opts: TieredStoreOptions): TieredStore {
  return new TieredStore(opts);
}
