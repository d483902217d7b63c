// The block pipeline every chain a validator follows runs (main chain: chain.ts; side chains:
// side-chain.ts), one block at a time, for SubmitBlock, net.block, net.getblocks replies and
// start-up recovery:
//   decode -> duplicate / known-invalid check -> orphan (unknown parent) -> stage 1 (the chain's
//   stateless rules, signatures on the verifier pool) -> file the block and index it with its
//   cumulative weight -> if fork choice prefers it, switch the main chain to it (revert to the fork
//   point, connect the new branch block by block against the UTXO set, restoring the old branch if a
//   new block fails) -> adopt the orphans it was missing.
// A rejection leaves the chain state as it was and is typed (see errors.ts). What differs between
// chains (codec, stage 1, stage 2, a block's weight, fork choice) is the subclass's.
// PSWV (submitWindow): a run of blocks extending the tip, each the child of the one before (a
// catch-up's getblocks reply, a burst), goes through stage 1 all at once (each block's stateless
// checks on this thread while the earlier blocks' signatures are verified on the pool) and through
// stage 2 in order against the store plus the window's overlay (the outputs its earlier blocks
// create and spend); the valid prefix is committed in one durable transaction, so a window costs
// one sync, not one per block.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  type BlockTxsJob,
  bodyOf,
  createBatchingSignatureVerifier,
  createUtxoOverlay,
  headerBefore,
  type SignatureVerifier,
  type TxCheckPool,
  type TxChecks,
  type TxEntries,
  type UtxoChange,
  type UtxoChanges,
  type UtxoEntry,
  type UtxoView,
  withHeader,
} from '@bystack/protocol';
import { type BlockCommit, bytesKey, type Logger, type TieredStore, utxoEntryOf, utxoRecordOf } from '@bystack/runtime';
import { BlockIndex, type IndexHeader, type IndexNode } from './block-index.ts';
import { BoundedMap } from './bounded-map.ts';
import { hex, sameBytes, unhex } from './bytes.ts';
import { isBlockVerdict, rejectionOf, ValidatorError, ValidatorErrorCode } from './errors.ts';
import { OrphanPool } from './orphans.ts';

export const BlockDisposition = {
  /** Valid and now on the main chain (the tip, possibly after a reorganization). */
  Connected: 'connected',
  /** Valid, filed on a branch fork choice does not prefer. */
  SideBranch: 'side-branch',
  /** Parent unknown: kept until it arrives. */
  Orphan: 'orphan',
  /** Already known. */
  Duplicate: 'duplicate',
  /** Checked only (`checkOnly`): valid as far as its parent's state allows, nothing filed. */
  Checked: 'checked',
} as const;
export type BlockDisposition = (typeof BlockDisposition)[keyof typeof BlockDisposition];

/** Where a block came from. */
/** Where a block came from ('rpc-header': SubmitBlock by its header, for a block held already). */
export type BlockSource = 'rpc' | 'rpc-header' | 'net' | 'sync' | 'recovery';

export type ProcessResult = {
  readonly disposition: BlockDisposition;
  readonly id: Uint8Array;
  readonly height: number;
};

/** A change of the main chain: blocks detached (tip first) and attached (height order). */
export type ChainChange = {
  readonly forkPoint: IndexNode;
  readonly detached: readonly IndexNode[];
  readonly attached: readonly IndexNode[];
};

export type SubmitOptions = {
  /**
   * Validate without filing: every rule but the producer's signature (side chains), and the UTXO
   * rules only when the parent is the tip. A side-chain producer asks this before it signs its block.
   */
  readonly checkOnly?: boolean;
};

/** How stage 1 runs: SubmitOptions, and the verifier of its signatures (a window's batch). */
export type Stage1Options = SubmitOptions & { readonly verifier?: SignatureVerifier };

export type PipelineOptions = {
  readonly chainId: string;
  readonly store: TieredStore;
  readonly verifier: SignatureVerifier;
  readonly maxOrphans: number;
  /** The orphans' total size at most (default 64 MiB). */
  readonly maxOrphanBytes?: number | undefined;
  /** Where the reorganization intent file lives (the node's data dir). */
  readonly dataDir: string;
  readonly log: Logger;
  /** A block with an unknown parent arrived: ask the network for what is missing. */
  readonly onOrphan?: (orphan: { id: Uint8Array; height: number }) => void;
  /** A block went through the pipeline: its disposition, or the rejection's code. */
  readonly onProcessed?: (source: BlockSource, outcome: string) => void;
  /** The main chain changed (called inside the pipeline, before the next block is taken). */
  readonly onChange?: (change: ChainChange) => Promise<void>;
  /** Stage 1's transaction checks of big blocks on worker threads (and replicas); else on this thread. */
  readonly txChecks?: TxCheckPool | undefined;
};

/** Fewer transactions than this are checked on this thread: the messages would cost more than the checks. */
const POOL_MIN_TXS = 256;

/** A chain's wire format: blocks and headers, ids, transaction entries. */
export interface BlockCodec<H extends IndexHeader, B extends PipelineBlock<H>> {
  decode(bytes: Uint8Array): B;
  encode(block: B): Uint8Array;
  blockId(header: H): Uint8Array;
  encodeHeader(header: H): Uint8Array;
  decodeHeader(bytes: Uint8Array): H;
  entries(block: B): readonly TxEntries[];
}

/** What the pipeline reads of a block. */
export type PipelineBlock<H extends IndexHeader> = { readonly header: H; readonly transactions: readonly unknown[] };

/** A decoded block with its entries, kept for a while after stage 1 so connecting it costs no re-decode. */
export type Decoded<B> = { readonly block: B; readonly bytes: Uint8Array; readonly entries: readonly TxEntries[] };

/**
 * What a checkOnly submission established, kept for the signed submission of the same block (the
 * same id) that follows: stage 1's transaction checks (they depend on the block and its parent only;
 * the clock's rule only gets looser with time), and stage 2's changes while the tip is the one they
 * were read from. What the id does not cover (a side block's witness) is checked again.
 */
type Checked<H extends IndexHeader, B> = {
  readonly parent: IndexNode<H>;
  readonly block: B;
  /** The block's transactions' bytes (a submission with the same ones shares `block`'s transactions). */
  readonly body: Uint8Array;
  readonly entries: readonly TxEntries[];
  /** Stage 2 against the tip `tip` at pipeline version `version` (when the parent was the tip). */
  readonly stage2?: { readonly tip: IndexNode<H>; readonly version: number; readonly changes: UtxoChanges };
};

/** How often the pipeline did (or skipped) its costly steps, since it was built. */
export type PipelineStats = {
  /** Blocks decoded whole (others shared the transactions of a block decoded before). */
  bodyDecodes: number;
  /** Stage 1 runs with the transaction checks. */
  stage1Runs: number;
  /** Stage 1 of a checked block's submission: the transaction checks taken from its check. */
  stage1Reused: number;
  /** Stage 2 runs (UTXO reads and checks). */
  stage2Runs: number;
  /** Stage 2 of a checked block's submission, taken from its check (the tip had not moved). */
  stage2Reused: number;
  /** Stage 1 runs whose transaction checks ran on the tx check pool (worker threads, replicas). */
  txChecksPooled: number;
};

/** What a window did: its blocks' results in order, and the rejection that stopped it, if one did. */
export type WindowOutcome = { readonly results: readonly ProcessResult[]; readonly rejection?: Error };

/** A window's stage-2 view: outputs its earlier blocks created (entry) or spent (undefined), by bytesKey. */
type WindowOverlay = Map<string, UtxoEntry | undefined>;

/** Stage 1's outcome: the entries, and the signatures' verdict (verified on the pool meanwhile). */
export type Stage1<B> = {
  readonly entries: readonly TxEntries[];
  readonly signatures: Promise<void>;
  /** The block to file when the chain normalizes it (a side block keeps only the valid signatures). */
  readonly filed?: B | Promise<B> | undefined;
};

const DEFAULT_MAX_ORPHAN_BYTES = 64 * 1024 * 1024;
const RECENT_DECODED = 64;
/**
 * And at most this many transactions in all: a decoded transaction with its entries holds ~8 KB of
 * heap, so 64 big blocks would keep gigabytes alive and make every full GC walk them. A block found
 * no longer here is read and decoded from the store again (a deep reorg, a late signature).
 */
const RECENT_DECODED_TXS = 20_000;
/** Checked blocks kept for their signed submission (a producer checks one block per slot). */
const CHECKED_REMEMBERED = 4;
/** Recent blocks a submission's transactions are compared with before it is decoded whole. */
const RECENT_BODIES = 4;
const INVALID_REMEMBERED = 4096;
const LOAD_CHUNK = 5000;
/** PSWV: blocks whose signatures go to the verifier pool together. */
const SIGNATURE_BATCH_BLOCKS = 16;

/** Any chain's pipeline, as the chain-independent parts (gRPC, events, sync) use it. */
// biome-ignore lint/suspicious/noExplicitAny: the block type is the subclass's; these parts never touch it
export type AnyChain = BlockPipeline<IndexHeader, any>;

type ReorgIntent = { readonly detached: string[]; readonly attached: string[] };

/** A block of a window, decoded. */
type WindowBlock<B> = { readonly block: B; readonly bytes: Uint8Array; readonly id: Uint8Array; readonly key: string };

export abstract class BlockPipeline<H extends IndexHeader, B extends PipelineBlock<H>> {
  readonly chainId: string;
  readonly index = new BlockIndex<H>();
  readonly orphans: OrphanPool;
  protected readonly genesis: B;
  protected readonly codec: BlockCodec<H, B>;
  protected readonly store: TieredStore;
  protected readonly verifier: SignatureVerifier;
  protected readonly log: Logger;
  private readonly opts: PipelineOptions;
  private readonly invalid = new BoundedMap<string, Error>(INVALID_REMEMBERED);
  private readonly decoded = new BoundedMap<string, Decoded<B>>(RECENT_DECODED, {
    weigh: (d) => d.block.transactions.length,
    max: RECENT_DECODED_TXS,
    keep: RECENT_BODIES,
  });
  private readonly checked = new BoundedMap<string, Checked<H, B>>(CHECKED_REMEMBERED);
  readonly stats: PipelineStats = {
    bodyDecodes: 0,
    stage1Runs: 0,
    stage1Reused: 0,
    stage2Runs: 0,
    stage2Reused: 0,
    txChecksPooled: 0,
  };
  private readonly intentPath: string;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly waiters = new Set<() => void>();
  /** The blocks of the window in progress (stage 1 of a block may read its unfiled ancestors). */
  private readonly windowBlocks = new Map<string, B>();
  /** The bytes each decoded block came from. */
  private readonly sourceBytes = new WeakMap<B, Uint8Array>();
  /** Transaction checks started on the pool, by block (a window starts all of its blocks' at once). */
  private readonly txChecksAhead = new WeakMap<B, Promise<TxChecks | undefined>>();
  /** Bumped by every main-chain change (WatchBlocks waits on it). */
  version = 0;

  constructor(opts: PipelineOptions, genesis: B, codec: BlockCodec<H, B>) {
    this.opts = opts;
    // Remember the bytes each block came from: the tx check pool's workers decode their slices of them.
    this.codec = {
      ...codec,
      decode: (bytes) => {
        const block = codec.decode(bytes);
        this.sourceBytes.set(block, bytes);
        return block;
      },
    };
    this.chainId = opts.chainId;
    this.genesis = genesis;
    this.store = opts.store;
    this.verifier = opts.verifier;
    this.log = opts.log;
    this.orphans = new OrphanPool(opts.maxOrphans, opts.maxOrphanBytes ?? DEFAULT_MAX_ORPHAN_BYTES);
    this.intentPath = path.join(opts.dataDir, `validator-${opts.chainId}-reorg.json`);
  }

  // ---- what a chain defines -------------------------------------------------------------------

  /** The block's own weight in fork choice (its work; 1 on a side chain, so weight is length). */
  protected abstract weightOf(header: H): bigint;
  /** Stage 1 against the parent; throws its first failure, the signatures' verdict is a promise. */
  protected abstract stage1(
    block: B,
    id: Uint8Array,
    parent: IndexNode<H>,
    opts: Stage1Options,
  ): Stage1<B> | Promise<Stage1<B>>;
  /**
   * Stage 1 of a block whose transactions passed stage 1 on the same parent a moment ago (checkOnly):
   * only what the header outside the block id can change (a side block's witness). `entries` are the
   * checked ones. Throws its first failure, like stage1.
   */
  protected recheckStage1(_block: B, _id: Uint8Array, _parent: IndexNode<H>, entries: readonly TxEntries[]) {
    return Promise.resolve<Stage1<B>>({ entries, signatures: Promise.resolve() });
  }

  /** Stage 2: the block's changes to the UTXO set `view` (its parent's state). Reads only. */
  protected abstract connectChanges(view: UtxoView, block: B, entries: readonly TxEntries[]): UtxoChanges;

  /** Fork choice: whether `node` (valid, filed) should become the tip. */
  protected prefers(node: IndexNode<H>): boolean {
    return node.work > this.tip.work;
  }

  /** The last irreversible block of the main chain (proof of work has no finality: the tip). */
  get irreversible(): IndexNode<H> {
    return this.tip;
  }

  /** A block was filed and indexed (on the main chain or not), before fork choice looks at it. */
  protected async onFiled(_node: IndexNode<H>, _block: B): Promise<void> {}

  /** Whether a rejection is remembered for the block id (not when only the witness was at fault). */
  protected remembers(_rejection: Error): boolean {
    return true;
  }

  /** The UTXO ids stage 2 reads for `entries` (spent outputs; side chains add minted ones). */
  protected readIds(entries: readonly TxEntries[]): Uint8Array[] {
    const ids: Uint8Array[] = [];
    for (const e of entries) for (const id of e.spentOutputIds) if (id !== undefined) ids.push(id);
    return ids;
  }

  /** What the tx check pool needs to check `block`'s transactions (the chain's rules at its height). */
  protected txCheckJob(_block: B): Omit<BlockTxsJob, 'blockBytes' | 'txSizes'> | undefined {
    return undefined;
  }

  /**
   * Stage 1's transaction checks of `block` from the tx check pool (started ahead by a window, or
   * now), or undefined to run them on this thread (a small block, no pool, a block not decoded here,
   * or a pool that failed).
   */
  protected async pooledTxChecks(block: B): Promise<TxChecks | undefined> {
    const checks = await (this.txChecksAhead.get(block) ?? this.startTxChecks(block));
    if (checks) this.stats.txChecksPooled++;
    return checks;
  }

  /** The bytes `block` was decoded from, when it was decoded here. */
  protected bytesOf(block: B): Uint8Array | undefined {
    return this.sourceBytes.get(block);
  }

  private startTxChecks(block: B): Promise<TxChecks | undefined> {
    const pool = this.opts.txChecks;
    const bytes = this.sourceBytes.get(block);
    const job = pool && bytes && block.transactions.length >= POOL_MIN_TXS ? this.txCheckJob(block) : undefined;
    if (!pool || !bytes || !job) return Promise.resolve(undefined);
    // Both chains' decoders record each transaction's size.
    const txs = block.transactions as readonly { readonly serializedSize?: number | undefined }[];
    const checks = pool
      .checkBlockTxs({ ...job, blockBytes: bytes, txSizes: txs.map((tx) => tx.serializedSize ?? 0) })
      .catch((err: unknown) => {
        // Not a verdict (a worker died, the pool is closing): the checks run here instead.
        this.log.warn('tx check pool failed; checking on the main thread', { err });
        return undefined;
      });
    this.txChecksAhead.set(block, checks);
    return checks;
  }

  // ---- the chain ------------------------------------------------------------------------------

  get tip(): IndexNode<H> {
    return this.index.tip;
  }

  /**
   * Commits the genesis block on an empty store, loads the main chain into the index, and finishes
   * a reorganization a crash interrupted.
   */
  open(): Promise<void> {
    return this.serial(async () => {
      const durable = this.store.durable;
      const genesisId = this.codec.blockId(this.genesis.header);
      let tip = await durable.getTip(this.chainId);
      if (!tip) {
        const entries = this.codec.entries(this.genesis);
        const changes = this.connectChanges(createUtxoOverlay(), this.genesis, entries);
        const node: IndexNode<H> = {
          id: genesisId,
          key: hex(genesisId),
          parent: undefined,
          height: 0,
          header: this.genesis.header,
          work: this.weightOf(this.genesis.header),
        };
        const bytes = this.codec.encode(this.genesis);
        await this.store.commitBlock(this.commitOf(node, bytes, entries, changes.spent, changes.created));
        this.log.info('genesis committed', { chain: this.chainId, block: node.key });
        tip = await durable.getTip(this.chainId);
      }
      if (!tip) throw new Error('no tip after the genesis commit');
      for (let from = 0; from <= tip.height; from += LOAD_CHUNK) {
        const ids = await durable.getMainChainRange(this.chainId, from, Math.min(tip.height, from + LOAD_CHUNK - 1));
        for (const id of ids) {
          const entry = await durable.getBlockIndex(this.chainId, id);
          if (!entry) throw new Error(`main-chain block ${hex(id)} has no index entry`);
          const parent = entry.height === 0 ? undefined : this.index.mainAt(entry.height - 1);
          this.index.pushMain({
            id: entry.blockId,
            key: hex(entry.blockId),
            parent,
            height: entry.height,
            header: this.codec.decodeHeader(entry.header),
            work: entry.work,
          });
        }
      }
      if (!sameBytes(this.index.mainAt(0)?.id, genesisId)) {
        throw new ValidatorError(
          ValidatorErrorCode.GENESIS_MISMATCH,
          `the store's chain ${this.chainId} starts at ${hex(this.index.mainAt(0)?.id ?? new Uint8Array(0))}, not at this chain config's genesis ${hex(genesisId)}`,
        );
      }
      this.log.info('main chain loaded', { chain: this.chainId, height: this.tip.height, tip: this.tip.key });
      await this.recoverIntent();
    });
  }

  /**
   * The whole bytes of the block whose header alone is `headerBytes`, when this validator holds the
   * transactions of a block with that id from a moment ago (checked: a side block's signed
   * submission; filed and kept decoded: another producer's copy), for `submit` to run as any block;
   * undefined when it holds none. A header that does not decode is its typed rejection.
   */
  blockOfHeader(headerBytes: Uint8Array): Uint8Array | undefined {
    let header: H;
    try {
      header = this.codec.decodeHeader(headerBytes);
    } catch (err) {
      throw rejectionOf(err) ?? err;
    }
    const key = hex(this.codec.blockId(header));
    const checked = this.checked.get(key);
    if (checked !== undefined) return withHeader(this.codec, header, checked.body);
    const decoded = this.decoded.get(key);
    if (decoded === undefined) return undefined;
    return withHeader(this.codec, header, bodyOf(this.codec, decoded.bytes, decoded.block.header));
  }

  /** Runs a block through the pipeline (serialized with every other block). */
  submit(bytes: Uint8Array, source: BlockSource, opts: SubmitOptions = {}): Promise<ProcessResult> {
    return this.serial(async () => {
      if (this.closed) throw new ValidatorError(ValidatorErrorCode.NOT_READY, 'the validator is stopping');
      try {
        const result = opts.checkOnly === true ? await this.check(bytes) : await this.process(bytes, source);
        this.opts.onProcessed?.(source, result.disposition);
        return result;
      } catch (err) {
        this.opts.onProcessed?.(source, rejectionOf(err)?.code ?? 'ERROR');
        throw err;
      }
    });
  }

  /**
   * PSWV: runs `blocks` through the pipeline, a run of them that extends the tip as one window (see
   * the file comment), the others one by one. Stops at the first rejected block (those before it
   * stay connected) and returns it with the results so far; throws only when the store fails.
   */
  submitWindow(blocks: readonly Uint8Array[], source: BlockSource): Promise<WindowOutcome> {
    return this.serial(async () => {
      if (this.closed) throw new ValidatorError(ValidatorErrorCode.NOT_READY, 'the validator is stopping');
      const results: ProcessResult[] = [];
      let at = 0;
      while (at < blocks.length) {
        const run = this.runExtendingTip(blocks, at);
        if (run.length >= 2) {
          const outcome = await this.connectWindow(run, source);
          results.push(...outcome.results);
          for (const r of outcome.results) this.opts.onProcessed?.(source, r.disposition);
          if (outcome.rejection) {
            this.opts.onProcessed?.(source, rejectionOf(outcome.rejection)?.code ?? 'ERROR');
            return { results, rejection: outcome.rejection };
          }
          at += run.length;
          continue;
        }
        try {
          const result = await this.process(blocks[at]!, source);
          this.opts.onProcessed?.(source, result.disposition);
          results.push(result);
        } catch (err) {
          const rejection = rejectionOf(err);
          if (!rejection) throw err;
          this.opts.onProcessed?.(source, rejection.code);
          return { results, rejection };
        }
        at++;
      }
      return { results };
    });
  }

  /** Refuses further blocks; resolves once the pipeline is empty. */
  async close(): Promise<void> {
    this.closed = true;
    await this.serial(async () => {});
    this.log.info('pipeline work since start', { chain: this.chainId, ...this.stats });
    for (const wake of [...this.waiters]) wake();
  }

  /** Runs `fn` after the blocks in the pipeline, before the next ones (e.g. an event catch-up). */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves at the next main-chain change (or at once when `version` is already past `seen`). */
  changed(seen: number, signal: AbortSignal): Promise<void> {
    if (this.version !== seen || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** The id of a block given as bytes (decoded for its header); throws the decode rejection. */
  blockIdOf(bytes: Uint8Array): Uint8Array {
    return this.codec.blockId(this.decodeOrReject(bytes).header);
  }

  /** The block's bytes: from memory when recent, else from the store. */
  async blockBytes(node: IndexNode<H>): Promise<Uint8Array> {
    const recent = this.decoded.get(node.key);
    if (recent) return recent.bytes;
    const body = await this.store.durable.getBlockBody(this.chainId, node.id);
    if (!body) throw new Error(`block ${node.key} has no body in the store`);
    return body;
  }

  /** The decoded block (with its entries): from memory when recent, else from the store. */
  protected async decodedOf(node: IndexNode<H>): Promise<Decoded<B>> {
    const cached = this.decoded.get(node.key);
    if (cached) return cached;
    const bytes = await this.blockBytes(node);
    this.stats.bodyDecodes++;
    const block = this.codec.decode(bytes);
    const d = { block, bytes, entries: this.codec.entries(block) };
    this.decoded.set(node.key, d);
    return d;
  }

  /**
   * New bytes for a filed block (the same block id: a side block's witness grew): served from memory
   * at once, and filed in the store when `persist`.
   */
  protected async replaceBody(node: IndexNode<H>, block: B, persist: boolean): Promise<void> {
    const old = this.decoded.get(node.key);
    // The same transactions (the header's witness grew): their bytes are kept, the header spliced in.
    const bytes =
      old !== undefined && old.block.transactions === block.transactions
        ? withHeader(this.codec, block.header, bodyOf(this.codec, old.bytes, old.block.header))
        : this.codec.encode(block);
    const entries = old?.entries ?? this.codec.entries(block);
    if (persist) await this.store.durable.saveBlock(this.chainId, this.indexEntryOf(node), bytes);
    this.decoded.set(node.key, { block, bytes, entries });
  }

  // ---- the pipeline ---------------------------------------------------------------------------

  /**
   * The block in `bytes`. When its transactions are byte for byte those of a block checked or filed a
   * moment ago (the signed submission of a checked block; the same block from the other producers),
   * only its header is decoded and it shares that block's transactions.
   */
  private decodeBlock(bytes: Uint8Array): B {
    for (const known of this.recentBodies()) {
      const header = headerBefore(this.codec, bytes, known.body);
      if (header !== undefined) return { ...known.block, header };
    }
    return this.decodeOrReject(bytes);
  }

  /**
   * Blocks a submission most likely repeats, newest first: the checked ones, then the last few filed
   * or read (the tip; a competing block at its height, which every producer submits too).
   */
  private *recentBodies(): Generator<{ readonly block: B; readonly body: Uint8Array }> {
    yield* [...this.checked.values()].reverse();
    for (const d of [...this.decoded.values()].slice(-RECENT_BODIES).reverse()) {
      yield { block: d.block, body: bodyOf(this.codec, d.bytes, d.block.header) };
    }
  }

  private decodeOrReject(bytes: Uint8Array): B {
    this.stats.bodyDecodes++;
    try {
      return this.codec.decode(bytes);
    } catch (err) {
      throw rejectionOf(err) ?? err;
    }
  }

  /** checkOnly: stage 1, and stage 2 against the tip's state when the parent is the tip. */
  private async check(bytes: Uint8Array): Promise<ProcessResult> {
    const started = performance.now();
    const block = this.decodeBlock(bytes);
    const id = this.codec.blockId(block.header);
    const key = hex(id);
    const height = Number(block.header.height);
    const known = this.index.get(key);
    if (known) return { disposition: BlockDisposition.Duplicate, id, height: known.height };
    const invalid = this.invalid.get(key);
    if (invalid) throw invalid;
    const parent = this.index.get(hex(block.header.previousBlockId));
    if (!parent) return { disposition: BlockDisposition.Orphan, id, height };
    try {
      const stage1 = await this.runStage1(block, id, parent, { checkOnly: true });
      let stage2: Checked<H, B>['stage2'];
      try {
        if (parent === this.tip) {
          stage2 = { tip: parent, version: this.version, changes: await this.stage2(block, stage1.entries) };
        }
      } finally {
        await stage1.signatures;
      }
      const body = bodyOf(this.codec, bytes, block.header);
      this.checked.set(key, { parent, block, body, entries: stage1.entries, ...(stage2 ? { stage2 } : {}) });
    } catch (err) {
      // The same typed rejection a submission gets (a producer rebuilds its block on one).
      throw rejectionOf(err) ?? err;
    }
    const ms = Math.round(performance.now() - started);
    this.log.info('block checked', { block: key, height: parent.height + 1, txs: block.transactions.length, ms });
    return { disposition: BlockDisposition.Checked, id, height: parent.height + 1 };
  }

  private async process(bytes: Uint8Array, source: BlockSource): Promise<ProcessResult> {
    const started = performance.now();
    const block = this.decodeBlock(bytes);
    const id = this.codec.blockId(block.header);
    const key = hex(id);
    const height = Number(block.header.height);
    const known = this.index.get(key);
    if (known) {
      await this.onDuplicate(known, block);
      return { disposition: BlockDisposition.Duplicate, id, height: known.height };
    }
    const invalid = this.invalid.get(key);
    if (invalid) throw invalid;
    if (this.orphans.has(key)) return { disposition: BlockDisposition.Orphan, id, height };

    const parentKey = hex(block.header.previousBlockId);
    const parent = this.index.get(parentKey);
    if (!parent) {
      if (height === 0) {
        throw new ValidatorError(ValidatorErrorCode.GENESIS_MISMATCH, `block ${key} at height 0 is not the genesis`);
      }
      if (this.invalid.has(parentKey)) throw this.rememberInvalid(key, invalidAncestor(key, parentKey));
      this.orphans.add({ key, id, parentKey, bytes });
      this.log.debug('orphan block', { block: key, height, parent: parentKey, source, orphans: this.orphans.size });
      this.opts.onOrphan?.({ id, height });
      return { disposition: BlockDisposition.Orphan, id, height };
    }
    let result: ProcessResult;
    try {
      result = await this.accept(block, bytes, id, parent, source, started);
    } catch (err) {
      if (rejectionOf(err) && this.remembers(err as Error)) this.dropOrphansOf(key);
      throw err;
    }
    await this.adoptOrphans(key);
    return result;
  }

  /**
   * The blocks from `blocks[at]` that form a chain on the tip (decoded; none known, invalid or
   * orphaned), at most to the end: empty when `blocks[at]` is not a new child of the tip.
   */
  private runExtendingTip(blocks: readonly Uint8Array[], at: number): WindowBlock<B>[] {
    const run: WindowBlock<B>[] = [];
    let parentId = this.tip.id;
    for (let i = at; i < blocks.length; i++) {
      let block: B;
      try {
        this.stats.bodyDecodes++;
        block = this.codec.decode(blocks[i]!);
      } catch {
        break; // the pipeline reports it when it gets there
      }
      const id = this.codec.blockId(block.header);
      const key = hex(id);
      if (!sameBytes(block.header.previousBlockId, parentId) || this.index.get(key) || this.invalid.has(key)) break;
      run.push({ block, bytes: blocks[i]!, id, key });
      parentId = id;
    }
    return run;
  }

  /** One window: stage 1 for every block, stage 2 in order, one commit of the valid prefix. */
  private async connectWindow(run: readonly WindowBlock<B>[], source: BlockSource): Promise<WindowOutcome> {
    const oldTip = this.tip;
    const nodes: IndexNode<H>[] = [];
    for (const w of run) nodes.push(this.nodeOf(w.block, w.id, nodes.at(-1) ?? oldTip));
    for (const w of run) this.windowBlocks.set(w.key, w.block);
    let failure: { at: number; err: unknown } | undefined;
    const commits: BlockCommit[] = [];
    const decoded: Decoded<B>[] = [];
    // The window's signatures go to the pool in batches of SIGNATURE_BATCH_BLOCKS blocks' worth: few
    // dispatches, and the pool verifies while this thread runs the next blocks' stage 1.
    const batch = createBatchingSignatureVerifier(this.verifier);
    const flushes: Promise<void>[] = [];
    // Every block's transaction checks go to the tx check pool now, so its workers run ahead of stage 1 here.
    for (const w of run) void this.startTxChecks(w.block);
    try {
      const stage1: Stage1<B>[] = [];
      for (const [i, w] of run.entries()) {
        try {
          stage1.push(await this.runStage1(w.block, w.id, nodes[i - 1] ?? oldTip, { verifier: batch }));
        } catch (err) {
          failure = { at: i, err };
          break;
        }
        if ((i + 1) % SIGNATURE_BATCH_BLOCKS === 0) flushes.push(batch.flush());
      }
      flushes.push(batch.flush());
      const verified = Promise.all(flushes);
      const overlay: WindowOverlay = new Map();
      for (const [i, s1] of stage1.entries()) {
        const w = run[i]!;
        try {
          const d = await this.decodedFrom(w.block, w.bytes, s1);
          const commit = await this.prepare(nodes[i]!, d, overlay);
          await s1.signatures;
          commits.push(commit);
          decoded.push(d);
        } catch (err) {
          failure = { at: i, err };
          break;
        }
      }
      await verified;
    } finally {
      this.windowBlocks.clear();
      await batch.close();
    }
    if (failure && !rejectionOf(failure.err)) throw failure.err;
    const results: ProcessResult[] = [];
    if (commits.length > 0) {
      try {
        await this.store.commitBlocks(commits);
      } catch (err) {
        this.log.error('window commit failed; reloading the main chain from the store', { err });
        await this.reloadMain();
        throw new ValidatorError(ValidatorErrorCode.STORE_FAILED, 'the store failed to commit the window', {}, err);
      }
      for (const [i, d] of decoded.entries()) {
        const node = nodes[i]!;
        this.decoded.set(node.key, d);
        this.index.pushMain(node);
        await this.onFiled(node, d.block);
        results.push({ disposition: BlockDisposition.Connected, id: node.id, height: node.height });
      }
      await this.changedFrom(oldTip);
      this.log.info('window connected', {
        from: nodes[0]!.height,
        to: this.tip.height,
        blocks: commits.length,
        source,
      });
    }
    if (!failure) return { results };
    const rejection = rejectionOf(failure.err)!;
    const bad = run[failure.at]!;
    this.log.info('block rejected', {
      block: bad.key,
      height: nodes[failure.at]!.height,
      code: rejection.code,
      source,
    });
    if (this.remembers(rejection)) {
      this.rememberInvalid(bad.key, rejection);
      for (const w of run.slice(failure.at + 1)) this.rememberInvalid(w.key, invalidAncestor(w.key, bad.key));
    }
    return { results, rejection };
  }

  /** The block as stage 1 says to file it (a side block keeps only its valid witness signatures). */
  private async decodedFrom(block: B, bytes: Uint8Array, s1: Stage1<B>): Promise<Decoded<B>> {
    if (s1.filed === undefined) return { block, bytes, entries: s1.entries };
    const filed = await s1.filed;
    if (filed === block) return { block, bytes, entries: s1.entries };
    const filedBytes =
      filed.transactions === block.transactions
        ? withHeader(this.codec, filed.header, bodyOf(this.codec, bytes, block.header))
        : this.codec.encode(filed);
    return { block: filed, bytes: filedBytes, entries: s1.entries };
  }

  /** Stage 1 with the transaction checks (counted). */
  private runStage1(block: B, id: Uint8Array, parent: IndexNode<H>, opts: Stage1Options) {
    this.stats.stage1Runs++;
    return this.stage1(block, id, parent, opts);
  }

  /** A block of a window in progress that is not filed yet (stage 1 of its descendants may read it). */
  protected windowBlock(key: string): B | undefined {
    return this.windowBlocks.get(key);
  }

  /** A known block came again (side chains take the new signatures of its witness). */
  protected async onDuplicate(_node: IndexNode<H>, _block: B): Promise<void> {}

  private nodeOf(block: B, id: Uint8Array, parent: IndexNode<H>): IndexNode<H> {
    return {
      id,
      key: hex(id),
      parent,
      height: parent.height + 1,
      header: block.header,
      work: parent.work + this.weightOf(block.header),
    };
  }

  /**
   * Stage 1, filing and fork choice for a block whose parent is indexed. Throws the rejection. A
   * block extending the tip (the common case) is connected at once: its UTXO checks run on this
   * thread while the verifier pool checks its signatures, and one commit files and connects it.
   */
  private async accept(
    block: B,
    bytes: Uint8Array,
    id: Uint8Array,
    parent: IndexNode<H>,
    source: BlockSource,
    started = performance.now(),
  ): Promise<ProcessResult> {
    const key = hex(id);
    const node = this.nodeOf(block, id, parent);
    const oldTip = this.tip;
    const extendsTip = parent === oldTip && this.prefers(node);
    // The signed submission of the block checked a moment ago (the same transactions, on the same parent).
    const checked = this.checked.get(key);
    const reuse =
      checked !== undefined && checked.parent === parent && checked.block.transactions === block.transactions
        ? checked
        : undefined;
    let decoded: Decoded<B>;
    let prepared: BlockCommit | undefined;
    try {
      let stage1: Stage1<B>;
      if (reuse) {
        this.stats.stage1Reused++;
        stage1 = await this.recheckStage1(block, id, parent, reuse.entries);
      } else {
        stage1 = await this.runStage1(block, id, parent, {});
      }
      decoded = await this.decodedFrom(block, bytes, stage1);
      let stage2Error: unknown;
      if (extendsTip) {
        try {
          const s2 = reuse?.stage2;
          if (s2 !== undefined && s2.tip === oldTip && s2.version === this.version) {
            this.stats.stage2Reused++;
            prepared = this.commitOf(node, decoded.bytes, decoded.entries, s2.changes.spent, s2.changes.created);
          } else {
            prepared = await this.prepare(node, decoded);
          }
        } catch (err) {
          stage2Error = err;
        }
      }
      await stage1.signatures;
      if (stage2Error !== undefined) throw stage2Error;
    } catch (err) {
      const rejection = rejectionOf(err);
      if (!rejection) throw err;
      this.log.info('block rejected', { block: key, height: node.height, code: rejection.code, source });
      throw this.remembers(rejection) ? this.rememberInvalid(key, rejection) : rejection;
    }
    this.checked.delete(key);
    this.decoded.set(key, decoded);
    if (prepared) {
      try {
        await this.store.commitBlock(prepared);
      } catch (err) {
        // The durable tier may hold the block (the hot tier failed after it): index it, then follow the store.
        this.log.error('commit failed; reloading the main chain from the store', { err });
        this.index.add(node);
        await this.reloadMain();
        throw new ValidatorError(ValidatorErrorCode.STORE_FAILED, 'the store failed to commit the block', {}, err);
      }
      this.index.pushMain(node);
      await this.onFiled(node, decoded.block);
      await this.changedFrom(oldTip);
      const ms = Math.round(performance.now() - started);
      this.log.info('block connected', { block: key, height: node.height, txs: block.transactions.length, source, ms });
      return { disposition: BlockDisposition.Connected, id, height: node.height };
    }
    await this.store.durable.saveBlock(this.chainId, this.indexEntryOf(node), decoded.bytes);
    this.index.add(node);
    await this.onFiled(node, decoded.block);
    if (this.prefers(node)) {
      await this.switchTo(node);
      const ms = Math.round(performance.now() - started);
      this.log.info('block connected', { block: key, height: node.height, txs: block.transactions.length, source, ms });
      return { disposition: BlockDisposition.Connected, id, height: node.height };
    }
    this.log.info('side-branch block', { block: key, height: node.height, tip: this.tip.height, source });
    return { disposition: BlockDisposition.SideBranch, id, height: node.height };
  }

  private indexEntryOf(node: IndexNode<H>) {
    return {
      blockId: node.id,
      parentId: node.parent?.id ?? new Uint8Array(0),
      height: node.height,
      header: this.codec.encodeHeader(node.header),
      work: node.work,
    };
  }

  /** Runs the orphans that waited for `key` (and theirs, breadth first) through stage 1 and fork choice. */
  private async adoptOrphans(key: string): Promise<void> {
    const queue = [key];
    while (queue.length > 0) {
      const parentKey = queue.shift()!;
      for (const o of this.orphans.takeChildren(parentKey)) {
        const parent = this.index.get(parentKey);
        if (!parent) {
          this.rememberInvalid(o.key, invalidAncestor(o.key, parentKey));
          continue;
        }
        try {
          await this.accept(this.decodeOrReject(o.bytes), o.bytes, o.id, parent, 'net');
          queue.push(o.key);
        } catch (err) {
          if (!isBlockVerdict(err) && !rejectionOf(err)) throw err;
          this.log.info('orphan rejected', { block: o.key, code: (err as { code?: string }).code });
          this.dropOrphansOf(o.key);
        }
      }
    }
  }

  // ---- fork choice ----------------------------------------------------------------------------

  /**
   * Makes `target` (preferred to the tip) the tip: revert to the fork point, connect the branch.
   * If a branch block fails stage 2, it and its descendants are dropped, and the old branch comes
   * back unless fork choice still prefers the valid part of the new one. Then the change is published.
   */
  protected async switchTo(target: IndexNode<H>): Promise<void> {
    const oldTip = this.tip;
    const fork = this.index.forkPoint(target);
    const detached = this.index.mainFrom(fork.height + 1);
    const attach = this.index.path(fork, target);
    if (detached.length > 0) {
      this.writeIntent({ detached: detached.map((n) => n.key), attached: attach.map((n) => n.key) });
      this.log.info('reorganizing', {
        fork: fork.height,
        detach: detached.length,
        attach: attach.length,
        from: oldTip.key,
        to: target.key,
      });
    }
    let failure: { node: IndexNode<H>; err: unknown } | undefined;
    try {
      for (const n of [...detached].reverse()) {
        await this.store.revertBlock(this.chainId, n.id);
        this.index.truncateMain(n.height - 1);
      }
      for (const n of attach) {
        try {
          await this.connect(n);
        } catch (err) {
          if (!isBlockVerdict(err)) throw err;
          failure = { node: n, err };
          break;
        }
        this.index.pushMain(n);
      }
      if (failure) {
        const dropped = this.index.removeBranch(failure.node);
        const rejection = rejectionOf(failure.err)!;
        for (const d of dropped) {
          this.rememberInvalid(d.key, d === failure.node ? rejection : invalidAncestor(d.key, failure.node.key));
        }
        this.log.info('branch block failed to connect', {
          block: failure.node.key,
          height: failure.node.height,
          code: rejection.code,
        });
        if (this.tip.work <= oldTip.work && detached.length > 0) {
          for (const n of this.index.mainFrom(fork.height + 1).reverse()) {
            await this.store.revertBlock(this.chainId, n.id);
            this.index.truncateMain(n.height - 1);
          }
          for (const n of detached) {
            await this.connect(n);
            this.index.pushMain(n);
          }
        }
      }
    } catch (err) {
      // A store failure: the durable tier is the truth; take the main chain from it again.
      this.log.error('main chain switch failed; reloading the main chain from the store', { err });
      await this.reloadMain();
      this.clearIntent();
      throw new ValidatorError(ValidatorErrorCode.STORE_FAILED, 'the store failed while connecting the block', {}, err);
    }
    this.clearIntent();
    await this.changedFrom(oldTip);
    if (failure) throw rejectionOf(failure.err)!;
  }

  /** Stage 2 of one block against the UTXO set, then its commit through both tiers. */
  private async connect(node: IndexNode<H>): Promise<void> {
    await this.store.commitBlock(await this.prepare(node, await this.decodedOf(node)));
  }

  /**
   * Stage 2: the block's UTXO checks against the store's UTXO set (its parent's state), as a commit.
   * In a window, `overlay` holds what the window's earlier blocks did, and takes this block's changes.
   */
  private async prepare(node: IndexNode<H>, d: Decoded<B>, overlay?: WindowOverlay): Promise<BlockCommit> {
    const changes = await this.stage2(d.block, d.entries, overlay);
    return this.commitOf(node, d.bytes, d.entries, changes.spent, changes.created);
  }

  /** Stage 2's changes of `block` to the UTXO set (the store's, under `overlay`); `overlay` takes them. */
  private async stage2(block: B, entries: readonly TxEntries[], overlay?: WindowOverlay): Promise<UtxoChanges> {
    this.stats.stage2Runs++;
    const view = new Map<string, UtxoEntry>();
    const read: Uint8Array[] = [];
    const readKeys: string[] = [];
    for (const id of this.readIds(entries)) {
      const key = bytesKey(id);
      if (overlay?.has(key)) {
        const entry = overlay.get(key);
        if (entry) view.set(key, entry);
      } else {
        read.push(id);
        readKeys.push(key);
      }
    }
    const records = read.length > 0 ? await this.store.durable.getUtxos(this.chainId, read) : [];
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (r) view.set(readKeys[i]!, utxoEntryOf(r));
    }
    const changes = this.connectChanges({ get: (outputId) => view.get(bytesKey(outputId)) }, block, entries);
    if (overlay) {
      for (const c of changes.spent) overlay.set(bytesKey(c.outputId), undefined);
      for (const c of changes.created) overlay.set(bytesKey(c.outputId), c.entry);
    }
    return changes;
  }

  private commitOf(
    node: IndexNode<H>,
    bytes: Uint8Array,
    entries: readonly TxEntries[],
    spent: readonly UtxoChange[],
    created: readonly UtxoChange[],
  ): BlockCommit {
    return {
      ...this.indexEntryOf(node),
      chain: this.chainId,
      blockBytes: bytes,
      txIds: entries.map((e) => e.txId),
      spent: spent.map((c) => c.outputId),
      created: created.map((c) => utxoRecordOf(c, node.height)),
    };
  }

  /** Tells the watchers and the publisher what changed since `oldTip`. */
  private async changedFrom(oldTip: IndexNode<H>): Promise<void> {
    if (this.tip === oldTip) return;
    const forkPoint = this.index.onMain(oldTip) ? oldTip : this.index.forkPoint(oldTip);
    const detached: IndexNode<H>[] = [];
    for (let n: IndexNode<H> | undefined = oldTip; n && n !== forkPoint; n = n.parent) detached.push(n);
    const attached = this.index.mainFrom(forkPoint.height + 1);
    this.version++;
    for (const wake of [...this.waiters]) wake();
    await this.opts.onChange?.({ forkPoint, detached, attached });
  }

  private async reloadMain(): Promise<void> {
    this.checked.clear(); // what was checked against the tip is not trusted after a store failure
    const tip = await this.store.durable.getTip(this.chainId);
    if (!tip) throw new Error('the store lost the chain');
    let n = this.index.get(hex(tip.blockId));
    if (!n) throw new Error(`the store's tip ${hex(tip.blockId)} is not indexed`);
    const branch: IndexNode<H>[] = [];
    while (n && !this.index.onMain(n)) {
      branch.push(n);
      n = n.parent;
    }
    if (!n) throw new Error('the store tip does not join the indexed main chain');
    this.index.truncateMain(Math.min(n.height, tip.height));
    for (const b of branch.reverse()) this.index.pushMain(b);
  }

  /** Orphans descending from the invalid block `key`: dropped, and remembered as invalid. */
  private dropOrphansOf(key: string): void {
    const queue = [key];
    while (queue.length > 0) {
      const parentKey = queue.shift()!;
      for (const o of this.orphans.takeChildren(parentKey)) {
        this.rememberInvalid(o.key, invalidAncestor(o.key, parentKey));
        queue.push(o.key);
      }
    }
  }

  private rememberInvalid(key: string, err: Error): Error {
    this.invalid.set(key, err);
    return err;
  }

  // ---- crash recovery -------------------------------------------------------------------------

  private writeIntent(intent: ReorgIntent): void {
    const tmp = `${this.intentPath}.tmp`;
    writeFileSync(tmp, JSON.stringify(intent));
    renameSync(tmp, this.intentPath);
  }

  private clearIntent(): void {
    rmSync(this.intentPath, { force: true });
  }

  /**
   * A reorganization interrupted by a crash left the durable tip somewhere between the two branches:
   * run both branches' blocks (filed in the store) through the pipeline again, so fork choice ends
   * where it would have.
   */
  private async recoverIntent(): Promise<void> {
    if (!existsSync(this.intentPath)) return;
    const intent = JSON.parse(readFileSync(this.intentPath, 'utf8')) as ReorgIntent;
    this.log.warn('finishing a reorganization interrupted by a crash', {
      detached: intent.detached.length,
      attached: intent.attached.length,
    });
    const blocks: { height: number; bytes: Uint8Array }[] = [];
    for (const key of [...intent.detached, ...intent.attached]) {
      if (this.index.get(key)) continue;
      const entry = await this.store.durable.getBlockIndex(this.chainId, unhex(key));
      const body = await this.store.durable.getBlockBody(this.chainId, unhex(key));
      if (entry && body) blocks.push({ height: entry.height, bytes: body });
    }
    blocks.sort((a, b) => a.height - b.height);
    for (const b of blocks) {
      try {
        await this.process(b.bytes, 'recovery');
      } catch (err) {
        if (!rejectionOf(err)) throw err;
        this.log.warn('a block of the interrupted reorganization is invalid', { code: rejectionOf(err)!.code });
      }
    }
    this.clearIntent();
  }
}

function invalidAncestor(key: string, ancestorKey: string): ValidatorError {
  return new ValidatorError(
    ValidatorErrorCode.INVALID_ANCESTOR,
    `block ${key} descends from invalid block ${ancestorKey}`,
    { ancestor: ancestorKey },
  );
}
