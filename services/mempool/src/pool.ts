// The pool itself: pending transactions with their spends, the outputs they create, and the
// parent/child links between them, plus the orderings the service needs. Synchronous and free of
// I/O, so every change is atomic with respect to the event loop; admission decides (admission.ts),
// the pool only files and orders.
//
// Ordering is by fee rate: native fee per gas unit used (neu/gas), the unit a block's capacity is
// measured in (the block gas limit), and the unit `GetPoolInfo.min_fee_rate` is stated in.
//   - reap: the highest fee rate first among the transactions whose in-pool parents are already
//     taken (parents before children), skipping what no longer fits the gas left;
//   - eviction: the lowest fee rate first (ties: the newest first), each with its descendants,
//     which cannot stay without it. The ancestors of the transaction being admitted are never
//     evicted for it. A transaction is not scored by its package (a rich child does not rescue a
//     cheap parent): simple, and documented in the README.
import type { UtxoEntry } from '@bystack/protocol';
import { bytesEqual } from '@bystack/runtime';
import { Heap } from './heap.ts';
import { wireFingerprint } from './wire-fingerprint.ts';

/** One pending transaction as the pool files it. */
export type PoolTx = {
  /** Lower-case hex of the tx id: the pool's key. */
  readonly key: string;
  readonly id: Uint8Array;
  /** Wire bytes as admitted (what ReapTxs, GetPendingTx and gossip hand out). */
  readonly bytes: Uint8Array;
  readonly fee: bigint;
  readonly gas: number;
  /** `fee / gas` in neu per gas unit (gas counted as at least 1). */
  readonly feeRate: number;
  /** Highest block height that may include it; 0 for none. */
  readonly timeRange: bigint;
  /** Hex ids of the outputs it spends. */
  readonly spends: readonly string[];
  /** Hex ids of the outputs a block holding it consumes: those it spends and (a peg-in) those it mints. */
  readonly consumes: readonly string[];
  /** Outputs it creates (hex id -> entry), which later pool transactions may spend. */
  readonly created: ReadonlyMap<string, UtxoEntry>;
  /** Epoch ms it was admitted. */
  readonly addedAt: number;
};

/** A block the pool has not followed yet, to reap on top of (TxPool.reap). */
export type ReapAfter = {
  /** Keys of its transactions. */
  readonly taken: ReadonlySet<string>;
  /** The height of the block reaped for. */
  readonly nextHeight: bigint;
};

export type PoolLimits = { readonly maxTxs: number; readonly maxBytes: number };

/** Why a transaction left the pool (the `reason` label of the removal metric). */
export const RemovalReason = {
  Confirmed: 'confirmed',
  Conflict: 'conflict',
  Evicted: 'evicted',
  Expired: 'expired',
  /** Its inputs vanished from the hot tier without a block event (revalidation). */
  Invalid: 'invalid',
} as const;
export type RemovalReason = (typeof RemovalReason)[keyof typeof RemovalReason];

/** What room for one more transaction costs: the victims to evict, or the pool is full for it. */
export type RoomPlan =
  | { readonly ok: true; readonly victims: readonly PoolTx[] }
  | { readonly ok: false; readonly cheapestFeeRate: number | undefined };

/**
 * A pending transaction as the pool links it: to the nodes of its in-pool parents and children
 * (sets made only when there are some: most txs spend chain outputs and have none) and, by
 * reference, from the output indexes, so a lookup is one Map access and no key is hashed twice.
 */
type Node = {
  readonly tx: PoolTx;
  /** The tx's fee rate, kept here for the orderings' comparisons (one object read less each). */
  readonly feeRate: number;
  readonly seq: number;
  parents: Set<Node> | undefined;
  children: Set<Node> | undefined;
  /** False once it left the pool: the eviction heap skips it. */
  live: boolean;
  /** Reap's scratch count of parents not yet taken. */
  waiting: number;
};

/** No transactions (most txs spend chain outputs only: no parents, no ancestors). */
const NONE: ReadonlySet<string> = new Set();

function link(parent: Node, child: Node): void {
  parent.children ??= new Set();
  parent.children.add(child);
  child.parents ??= new Set();
  child.parents.add(parent);
}

const cheaperFirst = (a: Node, b: Node) => a.feeRate < b.feeRate || (a.feeRate === b.feeRate && a.seq > b.seq);
const richerFirst = (a: Node, b: Node) => a.feeRate > b.feeRate || (a.feeRate === b.feeRate && a.seq < b.seq);

export class TxPool {
  readonly limits: PoolLimits;
  readonly #txs = new Map<string, Node>();
  /** Spent output (hex) -> the pending tx spending it. */
  readonly #spenders = new Map<string, Node>();
  /** Created output (hex) -> the pending tx creating it. */
  readonly #creators = new Map<string, Node>();
  /**
   * Wire fingerprint -> the pending tx with those bytes. Only a block decoded without its effects
   * asks (a reorganization, an older validator's event), so it is built when asked and dropped by
   * any change: the usual admit-and-confirm path never hashes wire bytes.
   */
  #byWire: Map<number, Node> | undefined;
  /** Transactions with a time range. */
  readonly #expiring = new Set<Node>();
  /**
   * Lowest fee rate on top; removed txs stay in it until they reach the top or a compaction. Only
   * eviction needs it, so it is built (O(n)) the first time the pool runs out of room and dropped
   * once the pool is back under half its limits: a pool with room never orders anything.
   */
  #cheapest: Heap<Node> | undefined;
  #bytes = 0;
  #seq = 0;

  constructor(limits: PoolLimits) {
    this.limits = limits;
  }

  get count(): number {
    return this.#txs.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  has(key: string): boolean {
    return this.#txs.has(key);
  }

  get(key: string): PoolTx | undefined {
    return this.#txs.get(key)?.tx;
  }

  *values(): IterableIterator<PoolTx> {
    for (const node of this.#txs.values()) yield node.tx;
  }

  /** The pending transaction spending output `outputKey`, if any. */
  spenderOf(outputKey: string): PoolTx | undefined {
    return this.#spenders.get(outputKey)?.tx;
  }

  /** The pending transaction creating output `outputKey`, if any. */
  creatorOf(outputKey: string): PoolTx | undefined {
    return this.#creators.get(outputKey)?.tx;
  }

  /** The pending transaction whose wire bytes are exactly `bytes`, if any. */
  withWireBytes(bytes: Uint8Array): PoolTx | undefined {
    this.#byWire ??= this.#wireIndex();
    const node = this.#byWire.get(wireFingerprint(bytes));
    return node !== undefined && bytesEqual(node.tx.bytes, bytes) ? node.tx : undefined;
  }

  /** The entry of output `outputKey` if a pending transaction creates it. */
  createdOutput(outputKey: string): UtxoEntry | undefined {
    return this.#creators.get(outputKey)?.tx.created.get(outputKey);
  }

  /** The pending transactions whose outputs `spends` names (the parents it would have). */
  parentsOf(spends: readonly string[]): ReadonlySet<string> {
    let parents: Set<string> | undefined;
    for (const out of spends) {
      const creator = this.#creators.get(out);
      if (creator === undefined) continue;
      parents ??= new Set();
      parents.add(creator.tx.key);
    }
    return parents ?? NONE;
  }

  /** The lowest fee rate pending, if any. */
  cheapestFeeRate(): number | undefined {
    const heap = this.#evictionHeap();
    for (let top = heap.peek(); top !== undefined && !top.live; top = heap.peek()) heap.pop();
    return heap.peek()?.feeRate;
  }

  get isFull(): boolean {
    return this.#txs.size >= this.limits.maxTxs || this.#bytes >= this.limits.maxBytes;
  }

  /**
   * What making room for a transaction of `size` bytes paying `feeRate` would evict: cheaper
   * transactions (with their descendants), never one of `protect` (its ancestors). Changes nothing.
   */
  planRoom(size: number, feeRate: number, protect: ReadonlySet<string>): RoomPlan {
    const { maxTxs, maxBytes } = this.limits;
    let count = this.#txs.size + 1;
    let bytes = this.#bytes + size;
    if (count <= maxTxs && bytes <= maxBytes) return { ok: true, victims: [] };
    if (size > maxBytes) return { ok: false, cheapestFeeRate: this.cheapestFeeRate() };
    const heap = this.#evictionHeap();
    const victims = new Map<string, PoolTx>();
    const popped: Node[] = [];
    let ok = false;
    for (;;) {
      const node = heap.pop();
      if (node === undefined) break;
      if (!node.live) continue;
      popped.push(node);
      if (victims.has(node.tx.key) || protect.has(node.tx.key)) continue;
      if (node.feeRate >= feeRate) break;
      for (const victim of this.#withDescendants(node)) {
        if (victims.has(victim.tx.key)) continue;
        victims.set(victim.tx.key, victim.tx);
        count--;
        bytes -= victim.tx.bytes.length;
      }
      if (count <= maxTxs && bytes <= maxBytes) {
        ok = true;
        break;
      }
    }
    for (const node of popped) heap.push(node);
    if (ok) return { ok: true, victims: [...victims.values()] };
    return { ok: false, cheapestFeeRate: this.cheapestFeeRate() };
  }

  /**
   * Files a transaction the admission checked (its spends are free, its parents pending). Pending
   * txs spending its outputs become its children.
   */
  add(tx: PoolTx): void {
    if (this.#txs.has(tx.key)) throw new Error(`tx ${tx.key} is already pending`);
    const node: Node = {
      tx,
      feeRate: tx.feeRate,
      seq: this.#seq++,
      parents: undefined,
      children: undefined,
      live: true,
      waiting: 0,
    };
    for (const out of tx.spends) {
      const parent = this.#creators.get(out);
      if (parent !== undefined) link(parent, node);
      this.#spenders.set(out, node);
    }
    for (const out of tx.created.keys()) {
      this.#creators.set(out, node);
      // A tx filed again after its child (a reorg re-admits it; the child was admitted while the
      // output was on the chain): the pending spender waits for it and leaves with it.
      const child = this.#spenders.get(out);
      if (child !== undefined) link(node, child);
    }
    if (tx.timeRange !== 0n) this.#expiring.add(node);
    this.#byWire = undefined;
    this.#txs.set(tx.key, node);
    this.#bytes += tx.bytes.length;
    this.#cheapest?.push(node);
  }

  /** Removes `key` and every pending transaction that spends its outputs, directly or not. */
  removeWithDescendants(key: string): PoolTx[] {
    const node = this.#txs.get(key);
    if (node === undefined) return [];
    const removed = this.#withDescendants(node);
    for (const n of removed) this.#unlink(n);
    this.#compact();
    return removed.map((n) => n.tx);
  }

  /**
   * Removes a transaction a block confirmed. Its children stay: the outputs they spend are now
   * on the chain.
   */
  removeConfirmed(key: string): PoolTx | undefined {
    const node = this.#txs.get(key);
    if (node === undefined) return undefined;
    this.#unlink(node);
    this.#compact();
    return node.tx;
  }

  /** Removes the transactions whose time range ends below `nextHeight`, with their descendants. */
  expire(nextHeight: bigint): PoolTx[] {
    const removed: PoolTx[] = [];
    for (const node of [...this.#expiring]) {
      if (node.live && node.tx.timeRange < nextHeight) removed.push(...this.removeWithDescendants(node.tx.key));
    }
    return removed;
  }

  /**
   * The best-paying transactions a block can take: by fee rate, parents before children, within
   * `maxGas` in all and at most `maxTxs`. `after`: the block is built on one the pool has not
   * followed yet; its transactions (`taken`) are left out but free their children, and what expires
   * below `nextHeight` is left out with its descendants.
   */
  reap(maxGas: number, maxTxs: number, after?: ReapAfter): PoolTx[] {
    const roots: Node[] = [];
    for (const node of this.#txs.values()) {
      node.waiting = node.parents?.size ?? 0;
      if (node.waiting === 0) roots.push(node);
    }
    const ready = new Heap<Node>(richerFirst, roots);
    const out: PoolTx[] = [];
    let gas = 0;
    while (out.length < maxTxs) {
      const node = ready.pop();
      if (node === undefined) break;
      if (after?.taken.has(node.tx.key) !== true) {
        const { timeRange } = node.tx;
        if (after !== undefined && timeRange !== 0n && timeRange < after.nextHeight) continue;
        if (gas + node.tx.gas > maxGas) continue;
        out.push(node.tx);
        gas += node.tx.gas;
      }
      if (node.children === undefined) continue;
      for (const child of node.children) if (--child.waiting === 0) ready.push(child);
    }
    return out;
  }

  /** `parents` and their ancestors among the pending transactions. */
  ancestorsOf(parents: ReadonlySet<string>): ReadonlySet<string> {
    if (parents.size === 0) return NONE;
    const seen = new Set<string>();
    const stack = [...parents];
    for (let key = stack.pop(); key !== undefined; key = stack.pop()) {
      if (seen.has(key)) continue;
      seen.add(key);
      const node = this.#txs.get(key);
      if (node?.parents !== undefined) for (const parent of node.parents) stack.push(parent.tx.key);
    }
    return seen;
  }

  #withDescendants(root: Node): Node[] {
    const out: Node[] = [];
    const seen = new Set<Node>();
    const stack: Node[] = [root];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (seen.has(node)) continue;
      seen.add(node);
      out.push(node);
      if (node.children !== undefined) for (const child of node.children) stack.push(child);
    }
    return out;
  }

  #unlink(node: Node): void {
    const { tx } = node;
    if (!node.live || !this.#txs.delete(tx.key)) return;
    node.live = false;
    this.#bytes -= tx.bytes.length;
    if (tx.timeRange !== 0n) this.#expiring.delete(node);
    this.#byWire = undefined;
    for (const out of tx.spends) if (this.#spenders.get(out) === node) this.#spenders.delete(out);
    for (const out of tx.created.keys()) if (this.#creators.get(out) === node) this.#creators.delete(out);
    if (node.parents !== undefined) for (const parent of node.parents) parent.children?.delete(node);
    if (node.children !== undefined) for (const child of node.children) child.parents?.delete(node);
  }

  #wireIndex(): Map<number, Node> {
    const index = new Map<number, Node>();
    for (const node of this.#txs.values()) index.set(wireFingerprint(node.tx.bytes), node);
    return index;
  }

  #evictionHeap(): Heap<Node> {
    this.#cheapest ??= new Heap(cheaperFirst, this.#txs.values());
    return this.#cheapest;
  }

  /** Rebuilds the eviction heap once removed txs outnumber live ones; drops it once the pool has room. */
  #compact(): void {
    const heap = this.#cheapest;
    if (heap === undefined) return;
    if (2 * this.#txs.size < this.limits.maxTxs && 2 * this.#bytes < this.limits.maxBytes) this.#cheapest = undefined;
    else if (heap.size > 2 * this.#txs.size + 64) heap.retain((node) => node.live);
  }
}
