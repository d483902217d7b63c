// The miner: keeps one block template on the validator's tip, searches its nonce on the pool,
// submits what it finds, and serves work to outside miners.
//
// The template is rebuilt when the tip moves (a committed/reorged event of the node, a tip poll, a
// block it submitted), and every `refreshMs` on the same tip (new transactions, newer timestamp).
// A tip event that names a block other than the template's parent (or one of its ancestors)
// abandons the search at once, before the new template is built; and a build that finishes while
// another is asked for is not mined on. A found nonce is submitted only if its template is still
// the current one; no template is built while a found block is on its way to the validator, so
// the miner never races its own block with a sibling. If the validator files a found block on its
// tip as a side branch (it added no work), the search pauses on that parent until the tip moves or
// the next refresh, rather than flooding the validator with siblings.
import { type Block, checkProofOfWork, type MainChainParams, workFromBits } from '@bystack/protocol';
import { isRpcError, type Logger, statusOfCode } from '@bystack/runtime';
import { sameBytes, toHex } from './bytes.ts';
import { MinerError, MinerErrorCode } from './errors.ts';
import type { MinerMetrics } from './metrics.ts';
import { NONCE_LIMIT, type SearchPool } from './pool.ts';
import { type TemplateBuilder, templateBlock } from './template.ts';
import type { BlockRef, BlockSink, ChainReader, FoundNonce, SubmitOutcome, Template } from './types.ts';

export type MinerOptions = {
  readonly params: MainChainParams;
  /** Rebuild the template on an unchanged tip after this long, ms. */
  readonly refreshMs: number;
  /** Ask the validator's tip this often, ms. */
  readonly tipPollMs: number;
  /** Templates remembered for SubmitWork (default 64). */
  readonly maxWorks?: number;
  /** Window of the hashrate average, ms (default 10 s). */
  readonly hashrateWindowMs?: number;
};

export type MinerModules = {
  readonly chain: ChainReader & BlockSink;
  readonly builder: TemplateBuilder;
  readonly pool: SearchPool;
  readonly log: Logger;
  readonly metrics?: MinerMetrics | undefined;
};

export type MinerStatus = {
  /** Search threads are working on a template. */
  readonly mining: boolean;
  readonly threads: number;
  readonly hashesPerSecond: number;
  readonly hashes: bigint;
  /** Height of the current template (0 before the first). */
  readonly templateHeight: bigint;
  /** Blocks with a valid proof of work this miner submitted: found by its threads or by outside miners. */
  readonly blocksFound: bigint;
  /** Submitted blocks the validator took (connected, side branch, orphan or duplicate). */
  readonly blocksAccepted: bigint;
  /** Submitted blocks the validator refused with a typed error. */
  readonly blocksRejected: bigint;
};

type BuildReason = 'start' | 'tip' | 'reorg' | 'refresh' | 'submitted' | 'getwork' | 'retry';
type Source = 'local' | 'work';

const UNAVAILABLE = statusOfCode('UNAVAILABLE');
const HASHRATE_SAMPLE_MS = 1_000;

export class Miner {
  readonly #opts: MinerOptions;
  readonly #chain: ChainReader & BlockSink;
  readonly #builder: TemplateBuilder;
  readonly #pool: SearchPool;
  readonly #log: Logger;
  readonly #metrics: MinerMetrics | undefined;
  readonly #abort = new AbortController();
  readonly #works = new Map<string, Template>();
  #template: Template | undefined;
  /** The template's parent is known not to be the tip any more (a newer template is coming). */
  #stale = false;
  #building: Promise<void> | undefined;
  #pending: BuildReason | undefined;
  #submitting: Promise<unknown> | undefined;
  #timers: NodeJS.Timeout[] = [];
  #ticking = false;
  #started = false;
  #stopped = false;
  #found = 0n;
  #accepted = 0n;
  #rejected = 0n;
  readonly #samples: { at: number; hashes: bigint }[] = [];
  #lastBuildError: string | undefined;
  /** A parent whose found block the validator did not make its tip: no search on it until then. */
  #hold: { parent: string; until: number } | undefined;
  #zeroWorkWarned: string | undefined;

  constructor(opts: MinerOptions, modules: MinerModules) {
    this.#opts = opts;
    this.#chain = modules.chain;
    this.#builder = modules.builder;
    this.#pool = modules.pool;
    this.#log = modules.log.child({ module: 'miner' });
    this.#metrics = modules.metrics;
  }

  /** The current template (undefined before the first build). */
  get template(): Template | undefined {
    return this.#template;
  }

  /** Starts following the tip and mining (if the pool has threads). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#timers.push(setInterval(() => void this.#tick(), this.#opts.tipPollMs));
    this.#timers.push(setInterval(() => this.#sample(), HASHRATE_SAMPLE_MS));
    this.#sample();
    void this.#request('start');
  }

  /** Stops searching and building; waits for a block on its way to the validator. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    this.#pool.abandon();
    this.#abort.abort(new Error('miner stopping'));
    await Promise.allSettled([this.#building, this.#submitting]);
  }

  /** A block joined the node's main chain (its committed event). */
  onCommitted(ref: BlockRef): void {
    const t = this.#template;
    if (t?.ancestry.some((id) => sameBytes(id, ref.id))) return; // already mining on it
    this.#abandon('tip moved', ref);
    void this.#request('tip');
  }

  /** The node's main chain switched branches. */
  onReorged(forkPoint: BlockRef | undefined): void {
    this.#abandon('reorganization', forkPoint);
    void this.#request('reorg');
  }

  status(): MinerStatus {
    return {
      mining: this.#pool.searching,
      threads: this.#pool.threads,
      hashesPerSecond: this.#hashrate(),
      hashes: this.#pool.hashes(),
      templateHeight: this.#template?.height ?? 0n,
      blocksFound: this.#found,
      blocksAccepted: this.#accepted,
      blocksRejected: this.#rejected,
    };
  }

  /** The current template for an outside miner, building one first if there is none or it is stale. */
  async getWork(): Promise<Template> {
    if (this.#template === undefined || this.#stale) {
      await (this.#building ?? this.#request('getwork'));
    }
    const t = this.#template;
    if (t === undefined || this.#stale) {
      const why = this.#lastBuildError ?? (t === undefined ? 'not built yet' : 'the tip moved');
      throw new MinerError(MinerErrorCode.NoTemplate, `no current block template: ${why}`);
    }
    return t;
  }

  /** An outside miner's nonce for a work id: checked, then submitted as a block. */
  async submitWork(workId: string, nonce: bigint): Promise<SubmitOutcome> {
    const t = this.#works.get(workId);
    if (t === undefined) {
      this.#metrics?.minerWorkSubmitted.inc({ outcome: MinerErrorCode.UnknownWork });
      throw new MinerError(MinerErrorCode.UnknownWork, `no work ${JSON.stringify(workId)} (unknown or too old)`, {
        workId,
      });
    }
    if (nonce < 0n || nonce >= NONCE_LIMIT) {
      this.#metrics?.minerWorkSubmitted.inc({ outcome: MinerErrorCode.BadNonce });
      throw new MinerError(MinerErrorCode.BadNonce, `nonce ${nonce} is over 2^63 - 1`, { nonce: String(nonce) });
    }
    const tip = await this.#chain.getTip();
    if (!sameBytes(tip.id, t.parent.id)) {
      this.#metrics?.minerWorkSubmitted.inc({ outcome: MinerErrorCode.StaleWork });
      throw new MinerError(
        MinerErrorCode.StaleWork,
        `work ${workId} builds on block ${t.parent.height}, but the tip is now block ${tip.height}`,
        { workId, workHeight: String(t.height), tipHeight: String(tip.height) },
      );
    }
    const block = templateBlock(t, nonce);
    const { blockId, hash } = await this.#pool.check(block.header, t.seed);
    if (!checkProofOfWork(hash, t.bits)) {
      this.#metrics?.minerWorkSubmitted.inc({ outcome: MinerErrorCode.BadPow });
      throw new MinerError(MinerErrorCode.BadPow, `nonce ${nonce} does not meet the target of work ${workId}`, {
        workId,
        blockId: toHex(blockId),
      });
    }
    this.#found++;
    this.#log.info('block found by an outside miner', {
      height: String(t.height),
      id: toHex(blockId),
      nonce: String(nonce),
    });
    const outcome = await this.#submitGuarded(block, blockId, 'work');
    this.#metrics?.minerWorkSubmitted.inc({ outcome: outcome.disposition });
    return outcome;
  }

  // --- building -------------------------------------------------------------------------------

  /** Asks for a rebuild; resolves once a build that started after this call has finished. */
  #request(reason: BuildReason): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    // A tip change outranks a refresh that is already queued.
    if (this.#pending === undefined || reason !== 'refresh') this.#pending = reason;
    this.#building ??= this.#runBuilds().finally(() => {
      this.#building = undefined;
    });
    return this.#building;
  }

  async #runBuilds(): Promise<void> {
    while (this.#pending !== undefined && !this.#stopped) {
      // Never build on the parent of a block that is on its way to the validator.
      if (this.#submitting !== undefined) await this.#submitting.catch(() => {});
      const reason = this.#pending;
      this.#pending = undefined;
      try {
        await this.#rebuild(reason);
        this.#lastBuildError = undefined;
      } catch (err) {
        if (this.#stopped) return;
        this.#metrics?.minerTemplateErrors.inc();
        const message = (err as Error).message;
        if (this.#lastBuildError !== message) {
          this.#log.warn('cannot build a block template', {
            reason,
            code: (err as { code?: unknown }).code,
            err: message,
          });
        }
        this.#lastBuildError = message;
      }
    }
  }

  async #rebuild(reason: BuildReason): Promise<void> {
    const signal = this.#abort.signal;
    const tip = await this.#chain.getTip(signal);
    const t = await this.#builder.build(tip, signal);
    if (this.#stopped) return;
    if (this.#pending !== undefined && this.#pending !== 'refresh') {
      // The tip moved while this one was built: do not mine on it, build again.
      this.#log.debug('template superseded while building', { height: String(t.height) });
      return;
    }
    this.#install(t, reason);
  }

  #install(t: Template, reason: BuildReason): void {
    const previous = this.#template;
    this.#template = t;
    this.#stale = false;
    this.#works.set(t.workId, t);
    const maxWorks = this.#opts.maxWorks ?? 64;
    for (const id of this.#works.keys()) {
      if (this.#works.size <= maxWorks) break;
      this.#works.delete(id);
    }
    const stats = this.#builder.lastStats;
    const fields = {
      reason,
      height: String(t.height),
      parent: toHex(t.parent.id),
      txs: t.transactions.length - 1,
      fees: String(t.fees),
      bits: String(t.bits),
      timestamp: String(t.header.timestamp),
      dropped: stats.dropped,
      work: t.workId,
    };
    if (previous === undefined || !sameBytes(previous.parent.id, t.parent.id))
      this.#log.info('new block template', fields);
    else this.#log.debug('block template refreshed', fields);
    this.#metrics?.minerTemplates.inc({ reason });
    this.#metrics?.minerTemplateHeight.set(Number(t.height));
    this.#metrics?.minerTemplateTxs.set(t.transactions.length - 1);
    this.#warnZeroWork(t);
    const parent = toHex(t.parent.id);
    if (this.#hold !== undefined && (this.#hold.parent !== parent || Date.now() >= this.#hold.until)) {
      this.#hold = undefined;
    }
    if (this.#pool.threads > 0 && this.#hold === undefined) {
      this.#pool.search(t.header, t.seed, t.bits, (found) => void this.#onFound(t, found));
    } else {
      this.#pool.abandon(); // nothing older may go on meanwhile
    }
  }

  /** Bits whose target is 2^256 or more give a block no work: under most-work fork choice it never becomes the tip. */
  #warnZeroWork(t: Template): void {
    if (workFromBits(t.bits) > 0n || this.#zeroWorkWarned === toHex(t.parent.id)) return;
    this.#zeroWorkWarned = toHex(t.parent.id);
    this.#log.error('the expected bits give a block zero work: it cannot add work to the chain', {
      height: String(t.height),
      bits: String(t.bits),
    });
  }

  /**
   * The validator filed our block on its tip as a side branch (or an orphan): it did not add work, or
   * the tip changed meanwhile. Another nonce on the same parent would fare no better, so the search
   * waits for the tip to move, or for the next refresh, instead of flooding the validator.
   */
  #holdAfter(block: Block, outcome: SubmitOutcome): void {
    if (outcome.disposition === 'connected' || outcome.disposition === 'duplicate') return;
    const parent = toHex(block.header.previousBlockId);
    this.#hold = { parent, until: Date.now() + this.#opts.refreshMs };
    this.#log.warn('found block did not become the tip; pausing the search on its parent', {
      height: String(block.header.height),
      parent,
      disposition: outcome.disposition,
      resume_ms: this.#opts.refreshMs,
    });
  }

  #abandon(why: string, tip: BlockRef | undefined): void {
    this.#stale = true;
    if (!this.#pool.searching) return;
    this.#pool.abandon();
    this.#metrics?.minerWorkAbandoned.inc();
    this.#log.info('work abandoned', {
      why,
      height: String(this.#template?.height ?? 0n),
      parent: this.#template ? toHex(this.#template.parent.id) : undefined,
      tip: tip ? toHex(tip.id) : undefined,
      tip_height: tip ? String(tip.height) : undefined,
    });
  }

  /** Every tipPollMs: a tip other than the template's parent, or a template older than refreshMs, rebuilds. */
  async #tick(): Promise<void> {
    if (this.#ticking || this.#stopped || this.#building !== undefined || this.#submitting !== undefined) return;
    let tip: BlockRef;
    this.#ticking = true;
    try {
      tip = await this.#chain.getTip(this.#abort.signal);
    } catch (err) {
      if (!this.#stopped && this.#template === undefined) void this.#request('retry');
      else if (!this.#stopped) this.#log.debug('tip poll failed', { err: (err as Error).message });
      return;
    } finally {
      this.#ticking = false;
    }
    if (this.#stopped || this.#building !== undefined || this.#submitting !== undefined) return;
    const t = this.#template;
    if (t === undefined) {
      void this.#request('retry');
    } else if (!sameBytes(tip.id, t.parent.id)) {
      this.#abandon('tip moved (poll)', tip);
      void this.#request('tip');
    } else if (Date.now() - t.createdAt >= this.#opts.refreshMs) {
      void this.#request('refresh');
    }
  }

  // --- found blocks ---------------------------------------------------------------------------

  async #onFound(t: Template, found: FoundNonce): Promise<void> {
    if (this.#stopped || t !== this.#template || this.#stale) return; // the tip moved meanwhile
    this.#found++;
    this.#metrics?.minerBlocksFound.inc();
    this.#log.info('block found', {
      height: String(t.height),
      id: toHex(found.blockId),
      nonce: String(found.nonce),
      txs: t.transactions.length - 1,
    });
    try {
      await this.#submitGuarded(templateBlock(t, found.nonce), found.blockId, 'local');
    } catch {
      // Logged and counted by #submit; the rebuild below goes on from the validator's tip.
    }
  }

  /** Submits with no template built meanwhile, then rebuilds on the (new) tip. */
  async #submitGuarded(block: Block, blockId: Uint8Array, source: Source): Promise<SubmitOutcome> {
    this.#pool.abandon();
    const submitting = this.#submit(block, blockId, source);
    this.#submitting = submitting;
    try {
      const outcome = await submitting;
      this.#holdAfter(block, outcome);
      return outcome;
    } finally {
      if (this.#submitting === submitting) this.#submitting = undefined;
      this.#stale = true;
      void this.#request('submitted');
    }
  }

  async #submit(block: Block, blockId: Uint8Array, source: Source): Promise<SubmitOutcome> {
    const fields = { source, height: String(block.header.height), id: toHex(blockId) };
    try {
      const outcome = await this.#chain.submitBlock(block);
      this.#accepted++;
      this.#metrics?.minerBlocksSubmitted.inc({ source, outcome: outcome.disposition });
      this.#log.info('block accepted', { ...fields, disposition: outcome.disposition });
      return outcome;
    } catch (err) {
      const code = isRpcError(err) ? err.code : 'ERROR';
      this.#metrics?.minerBlocksSubmitted.inc({ source, outcome: code });
      if (isRpcError(err) && err.grpcStatus !== UNAVAILABLE) {
        this.#rejected++;
        this.#log.error('block rejected', { ...fields, code, err: err.message });
      } else {
        this.#log.error('block not delivered: validator unreachable', { ...fields, code, err: (err as Error).message });
      }
      throw err;
    }
  }

  // --- hashrate -------------------------------------------------------------------------------

  #sample(): void {
    const now = performance.now();
    const hashes = this.#pool.hashes();
    const last = this.#samples.at(-1);
    if (last !== undefined && hashes > last.hashes) this.#metrics?.minerHashes.inc(Number(hashes - last.hashes));
    this.#samples.push({ at: now, hashes });
    const window = this.#opts.hashrateWindowMs ?? 10_000;
    while (this.#samples.length > 2 && now - this.#samples[0]!.at > window) this.#samples.shift();
    this.#metrics?.minerHashrate.set(this.#hashrate());
  }

  #hashrate(): number {
    const first = this.#samples[0];
    const now = performance.now();
    if (first === undefined || now - first.at < 1) return 0;
    return (Number(this.#pool.hashes() - first.hashes) * 1000) / (now - first.at);
  }
}
