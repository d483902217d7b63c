// The mempool of one chain: the pool, the tip it is checked against, admission, and what the chain's
// events do to it. The gRPC handlers, the gossip subscription and the JetStream follower all call in
// here; nothing here knows about transports.
//   - a committed block removes the txs it confirms (their children stay) and the txs that spend an
//     output it spends (conflicts, with their descendants), moves the tip, and expires the txs whose
//     time range the next height passes;
//   - a reorganization does that for the attached blocks, then re-admits the detached blocks'
//     non-coinbase txs (oldest block first, block order) through the normal admission path, against
//     the hot tier as the new chain left it: what is still valid is pending again;
//   - revalidate() is the safety net for missed events: it drops pending txs whose chain inputs the
//     hot tier no longer has, once the hot tier's tip and the pool's agree.
import type { MainChainParams, SideChainParams, SignatureVerifier } from '@bystack/protocol';
import type { ChainTip, Logger } from '@bystack/runtime';
import { Admission, type AdmitResult } from './admission.ts';
import { AdmissionQueue } from './admission-queue.ts';
import { ChainState, sameTip } from './chain-state.ts';
import { hexKey } from './hex.ts';
import { type MempoolMetrics, observePool } from './metrics.ts';
import { type PoolLimits, type PoolTx, RemovalReason, TxPool } from './pool.ts';
import {
  type BlockEffects,
  mainPoolChain,
  type PendingTxLookup,
  type PoolBlock,
  type PoolChain,
  poolBlockEffects,
  sidePoolChain,
  type WireTx,
} from './pool-chain.ts';
import type { AdmitSource, TxAnnouncer, UtxoSource } from './types.ts';

export type MempoolOptions = {
  readonly chain: string;
  readonly params: MainChainParams | SideChainParams;
  /** Side chains: the federation's witness program peg-ins must satisfy. */
  readonly federationProgram?: Uint8Array | undefined;
  readonly minFeeRate: bigint;
  readonly limits: PoolLimits;
  readonly utxos: UtxoSource;
  readonly verifier: SignatureVerifier;
  readonly metrics: MempoolMetrics;
  readonly log: Logger;
  readonly announcer?: TxAnnouncer | undefined;
};

export type PoolInfo = { readonly txCount: number; readonly totalBytes: number; readonly minFeeRate: bigint };

/** A block a maker built from the pool's transactions, which the pool may not have followed yet. */
export type UnfollowedBlock = {
  readonly block: ChainTip;
  readonly parent: ChainTip;
  /** Its transactions' ids (the coinbase may be left out). */
  readonly txIds: readonly Uint8Array[];
};

export type ReapResult = {
  readonly txs: readonly PoolTx[];
  readonly totalFee: bigint;
  readonly totalGas: number;
  readonly tip: ChainTip | undefined;
};

export class Mempool {
  readonly chain: string;
  readonly params: MainChainParams | SideChainParams;
  /** The chain's transaction and block rules. */
  readonly rules: PoolChain;
  readonly pool: TxPool;
  readonly state = new ChainState();
  readonly admission: Admission;
  readonly #o: MempoolOptions;
  readonly #queues = new Map<AdmitSource, AdmissionQueue>();
  #announcer: TxAnnouncer | undefined;
  #tipMismatches = 0;

  constructor(opts: MempoolOptions) {
    this.#o = opts;
    this.chain = opts.chain;
    this.params = opts.params;
    this.rules =
      opts.params.kind === 'side'
        ? sidePoolChain(opts.params, opts.federationProgram ?? new Uint8Array(0))
        : mainPoolChain(opts.params);
    this.pool = new TxPool(opts.limits);
    this.#announcer = opts.announcer;
    this.admission = new Admission({
      chain: opts.chain,
      rules: this.rules,
      minFeeRate: opts.minFeeRate,
      pool: this.pool,
      state: this.state,
      utxos: opts.utxos,
      verifier: opts.verifier,
      announcer: { announce: (txs) => this.#announcer?.announce(txs) },
      metrics: opts.metrics,
      log: opts.log,
    });
  }

  /** Sets where admitted txs are announced (gossip is built after the pool). */
  setAnnouncer(announcer: TxAnnouncer | undefined): void {
    this.#announcer = announcer;
  }

  /** Reads the hot tier's tip to start from. */
  async init(): Promise<ChainTip | undefined> {
    const tip = await this.#o.utxos.getTip(this.chain);
    this.#setTip(tip);
    return tip;
  }

  /** The id and consumed outputs of the pending tx with exactly these wire bytes (a block's tx). */
  readonly pendingTx: PendingTxLookup = (txBytes) => {
    const tx = this.pool.withWireBytes(txBytes);
    return tx === undefined ? undefined : { key: tx.key, consumes: tx.consumes };
  };

  /** A batch, one result per tx. */
  submitBatch(raws: readonly Uint8Array[], source: AdmitSource): Promise<AdmitResult[]> {
    return this.admission.admit(raws, source);
  }

  /** One tx, batched with the other single submissions of the same source arriving meanwhile. */
  submit(raw: Uint8Array, source: AdmitSource): Promise<AdmitResult> {
    let queue = this.#queues.get(source);
    if (queue === undefined) {
      queue = new AdmissionQueue(this.admission, source);
      this.#queues.set(source, queue);
    }
    return queue.submit(raw);
  }

  /**
   * The block maker's take. `onBlock`: the block it builds on, made from this pool's transactions;
   * a pool standing on its parent answers as if it had followed it (tip: that block).
   */
  reap(maxGas: number, maxTxs: number, onBlock?: UnfollowedBlock): ReapResult {
    const ahead = onBlock !== undefined && sameTip(this.state.tip, onBlock.parent);
    const txs = ahead
      ? this.pool.reap(maxGas, maxTxs, {
          taken: new Set(onBlock.txIds.map(hexKey)),
          nextHeight: BigInt(onBlock.block.height) + 1n,
        })
      : this.pool.reap(maxGas, maxTxs);
    let totalFee = 0n;
    let totalGas = 0;
    for (const tx of txs) {
      totalFee += tx.fee;
      totalGas += tx.gas;
    }
    return { txs, totalFee, totalGas, tip: ahead ? onBlock.block : this.state.tip };
  }

  /** Pool size, and the fee rate a tx must beat now: the minimum, or the cheapest pending when full. */
  info(): PoolInfo {
    let minFeeRate = this.#o.minFeeRate;
    const cheapest = this.pool.isFull ? this.pool.cheapestFeeRate() : undefined;
    if (cheapest !== undefined) {
      const floor = BigInt(Math.floor(cheapest)) + 1n;
      if (floor > minFeeRate) minFeeRate = floor;
    }
    return { txCount: this.pool.count, totalBytes: this.pool.bytes, minFeeRate };
  }

  /** A block that did `effects` joined the main chain at `tip`. */
  applyCommitted(effects: BlockEffects, tip: ChainTip): void {
    this.#removeConfirmedAndConflicts([effects]);
    this.#setTip(tip);
    this.#o.metrics.mempoolChainEvents.inc({ chain: this.chain, event: 'committed' });
    observePool(this.#o.metrics, this.chain, this.pool);
  }

  /**
   * The main chain switched branches at `forkPoint`: `detached` tip first, without the txs an
   * attached block holds too; `attached` in height order. Resolves once the detached txs were
   * offered to admission again.
   */
  async applyReorg(
    forkPoint: ChainTip,
    detached: readonly PoolBlock<WireTx>[],
    attached: readonly PoolBlock[],
  ): Promise<AdmitResult[]> {
    this.#removeConfirmedAndConflicts(attached.map(poolBlockEffects));
    const last = attached.at(-1);
    this.#setTip(last === undefined ? forkPoint : last.tip);
    this.#o.metrics.mempoolChainEvents.inc({ chain: this.chain, event: 'reorged' });
    const again: Uint8Array[] = [];
    for (const block of [...detached].reverse()) {
      for (const tx of block.txs) if (!tx.coinbase) again.push(tx.bytes);
    }
    const results = again.length === 0 ? [] : await this.admission.admit(again, 'reorg');
    const readmitted = results.filter((r) => r.ok).length;
    // A pending tx may spend an output of a detached tx that did not come back (the new branch
    // spends its input otherwise): no block conflicts with it, so only the hot tier tells.
    const invalidated = await this.revalidate();
    this.#o.log.info('reorganization applied', {
      fork_height: forkPoint.height,
      detached: detached.length,
      attached: attached.length,
      readmitted,
      dropped: results.length - readmitted,
      invalidated,
    });
    observePool(this.#o.metrics, this.chain, this.pool);
    return results;
  }

  /**
   * Drops pending txs whose chain inputs the hot tier no longer has. Runs only when the hot tier's
   * tip is the pool's (events caught up); if they disagree twice in a row (events not flowing), the
   * pool adopts the hot tier's tip first. Returns how many txs it dropped.
   */
  async revalidate(): Promise<number> {
    const { utxos, metrics } = this.#o;
    const hotTip = await utxos.getTip(this.chain);
    if (!sameTip(hotTip, this.state.tip)) {
      if (++this.#tipMismatches < 2) return 0;
      this.#o.log.warn('adopting the hot tier tip: no chain event moved the pool there', {
        pool_height: this.state.tip?.height,
        hot_height: hotTip?.height,
      });
      this.#setTip(hotTip);
    }
    this.#tipMismatches = 0;
    const version = this.state.version;
    const snapshot = [...this.pool.values()];
    const ids: Uint8Array[] = [];
    const owners: PoolTx[] = [];
    for (const tx of snapshot) {
      for (const out of tx.spends) {
        if (this.pool.createdOutput(out) !== undefined) continue;
        ids.push(Buffer.from(out, 'hex'));
        owners.push(tx);
      }
    }
    if (ids.length === 0) return 0;
    const records = await utxos.getUtxos(this.chain, ids);
    if (this.state.version !== version) return 0;
    let dropped = 0;
    records.forEach((r, i) => {
      const owner = owners[i]!;
      if (r !== undefined || this.pool.get(owner.key) !== owner) return;
      // A parent may have been dropped meanwhile by this loop: its outputs are not chain inputs.
      if (this.pool.createdOutput(hexKey(ids[i]!)) !== undefined) return;
      const removed = this.pool.removeWithDescendants(owner.key);
      dropped += removed.length;
      metrics.mempoolTxRemoved.inc({ chain: this.chain, reason: RemovalReason.Invalid }, removed.length);
    });
    if (dropped > 0) {
      this.state.bump();
      this.#o.log.info('revalidation dropped pending txs', { dropped });
    }
    observePool(metrics, this.chain, this.pool);
    return dropped;
  }

  /** Removes what `blocks` confirm or conflict with. */
  #removeConfirmedAndConflicts(blocks: readonly BlockEffects[]): void {
    const { metrics } = this.#o;
    const { pool } = this;
    // Per block, the txs it confirmed whose created outputs the block may have spent again.
    const confirmed: PoolTx[][] = [];
    let confirmedCount = 0;
    for (const block of blocks) {
      const ofBlock: PoolTx[] = [];
      for (const key of block.txKeys) {
        const tx = pool.removeConfirmed(key);
        if (tx === undefined) continue;
        confirmedCount++;
        if (block.leavesUnspent !== undefined) ofBlock.push(tx);
      }
      confirmed.push(ofBlock);
    }
    // What a block spends or mints, a pending tx may not spend (or, a peg-in, mint) again.
    let conflicts = 0;
    for (const block of blocks) {
      for (const out of block.consumes) {
        const spender = pool.spenderOf(out);
        if (spender !== undefined) conflicts += pool.removeWithDescendants(spender.key).length;
        const minter = pool.creatorOf(out);
        if (minter !== undefined) conflicts += pool.removeWithDescendants(minter.key).length;
      }
    }
    // Net changes leave out what a block's txs created and spent again: a pending child spending
    // such an output of a confirmed tx conflicts with the block.
    blocks.forEach((block, i) => {
      for (const tx of confirmed[i]!) {
        for (const out of tx.created.keys()) {
          const spender = pool.spenderOf(out);
          if (spender !== undefined && !block.leavesUnspent!(out)) {
            conflicts += pool.removeWithDescendants(spender.key).length;
          }
        }
      }
    });
    if (confirmedCount > 0) {
      metrics.mempoolTxRemoved.inc({ chain: this.chain, reason: RemovalReason.Confirmed }, confirmedCount);
    }
    if (conflicts > 0) metrics.mempoolTxRemoved.inc({ chain: this.chain, reason: RemovalReason.Conflict }, conflicts);
  }

  #setTip(tip: ChainTip | undefined): void {
    this.state.setTip(tip);
    if (tip !== undefined) this.#o.metrics.mempoolTipHeight.set({ chain: this.chain }, tip.height);
    const expired = this.pool.expire(this.state.nextHeight);
    if (expired.length > 0) {
      this.#o.metrics.mempoolTxRemoved.inc({ chain: this.chain, reason: RemovalReason.Expired }, expired.length);
    }
  }
}
