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

type Node = PoolTx & {
  readonly seq: number;
  readonly parents: Set<string>;
  readonly children: Set<string>;
};
type HeapItem = { readonly key: string; readonly seq: number; readonly feeRate: number };

const cheaperFirst = (a: HeapItem, b: HeapItem) => a.feeRate < b.feeRate || (a.feeRate === b.feeRate && a.seq > b.seq);
const richerFirst = (a: Node, b: Node) => a.feeRate > b.feeRate || (a.feeRate === b.feeRate && a.seq < b.seq);

export class TxPool {
  readonly limits: PoolLimits;
  readonly #txs = new Map<string, Node>();
  /** Spent output (hex) -> the pending tx spending it. */
  readonly #spenders = new Map<string, string>();
  /** Created output (hex) -> the pending tx creating it. */
  readonly #creators = new Map<string, string>();
  /**
   * Wire fingerprint -> the pending tx with those bytes. Only a block decoded without its effects
   * asks (a reorganization, an older validator's event), so it is built when asked and dropped by
   * any change: the usual admit-and-confirm path never hashes wire bytes.
   */
  #byWire: Map<number, string> | undefined;
  /** Keys of transactions with a time range. */
  readonly #expiring = new Set<string>();
  /** Lowest fee rate on top; stale items (removed txs) are skipped and compacted away. */
  readonly #cheapest = new Heap<HeapItem>(cheaperFirst);
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
    return this.#txs.get(key);
  }

  values(): IterableIterator<PoolTx> {
    return this.#txs.values();
  }

  /** The pending transaction spending output `outputKey`, if any. */
  spenderOf(outputKey: string): PoolTx | undefined {
    const key = this.#spenders.get(outputKey);
    return key === undefined ? undefined : this.#txs.get(key);
  }

  /** The pending transaction whose wire bytes are exactly `bytes`, if any. */
  withWireBytes(bytes: Uint8Array): PoolTx | undefined {
    this.#byWire ??= this.#wireIndex();
    const key = this.#byWire.get(wireFingerprint(bytes));
    const node = key === undefined ? undefined : this.#txs.get(key);
    return node !== undefined && bytesEqual(node.bytes, bytes) ? node : undefined;
  }

  /** The entry of output `outputKey` if a pending transaction creates it. */
  createdOutput(outputKey: string): UtxoEntry | undefined {
    const key = this.#creators.get(outputKey);
    return key === undefined ? undefined : this.#txs.get(key)?.created.get(outputKey);
  }

  /** The pending transactions whose outputs `spends` names (the parents it would have). */
  parentsOf(spends: readonly string[]): Set<string> {
    const parents = new Set<string>();
    for (const out of spends) {
      const creator = this.#creators.get(out);
      if (creator !== undefined) parents.add(creator);
    }
    return parents;
  }

  /** The lowest fee rate pending, if any. */
  cheapestFeeRate(): number | undefined {
    this.#dropStaleTop();
    return this.#cheapest.peek()?.feeRate;
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
    const victims = new Map<string, Node>();
    const popped: HeapItem[] = [];
    let ok = false;
    for (;;) {
      const item = this.#cheapest.pop();
      if (item === undefined) break;
      const node = this.#live(item);
      if (node === undefined) continue;
      popped.push(item);
      if (victims.has(node.key) || protect.has(node.key)) continue;
      if (node.feeRate >= feeRate) break;
      for (const victim of this.#withDescendants(node)) {
        if (victims.has(victim.key)) continue;
        victims.set(victim.key, victim);
        count--;
        bytes -= victim.bytes.length;
      }
      if (count <= maxTxs && bytes <= maxBytes) {
        ok = true;
        break;
      }
    }
    for (const item of popped) this.#cheapest.push(item);
    if (ok) return { ok: true, victims: [...victims.values()] };
    return { ok: false, cheapestFeeRate: this.cheapestFeeRate() };
  }

  /** Files a transaction the admission checked (its spends are free, its parents pending). */
  add(tx: PoolTx): void {
    if (this.#txs.has(tx.key)) throw new Error(`tx ${tx.key} is already pending`);
    const node: Node = {
      ...tx,
      seq: this.#seq++,
      parents: this.parentsOf(tx.spends),
      children: new Set(),
    };
    for (const parent of node.parents) this.#txs.get(parent)?.children.add(node.key);
    for (const out of tx.spends) this.#spenders.set(out, tx.key);
    for (const out of tx.created.keys()) this.#creators.set(out, tx.key);
    if (tx.timeRange !== 0n) this.#expiring.add(tx.key);
    this.#byWire = undefined;
    this.#txs.set(tx.key, node);
    this.#bytes += tx.bytes.length;
    this.#cheapest.push({ key: tx.key, seq: node.seq, feeRate: tx.feeRate });
  }

  /** Removes `key` and every pending transaction that spends its outputs, directly or not. */
  removeWithDescendants(key: string): PoolTx[] {
    const node = this.#txs.get(key);
    if (node === undefined) return [];
    const removed = this.#withDescendants(node);
    for (const n of removed) this.#unlink(n);
    this.#compact();
    return removed;
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
    return node;
  }

  /** Removes the transactions whose time range ends below `nextHeight`, with their descendants. */
  expire(nextHeight: bigint): PoolTx[] {
    const removed: PoolTx[] = [];
    for (const key of [...this.#expiring]) {
      const node = this.#txs.get(key);
      if (node !== undefined && node.timeRange < nextHeight) removed.push(...this.removeWithDescendants(key));
    }
    return removed;
  }

  /**
   * The best-paying transactions a block can take: by fee rate, parents before children, within
   * `maxGas` in all and at most `maxTxs`.
   */
  reap(maxGas: number, maxTxs: number): PoolTx[] {
    const waiting = new Map<string, number>();
    const roots: Node[] = [];
    for (const node of this.#txs.values()) {
      if (node.parents.size === 0) roots.push(node);
      else waiting.set(node.key, node.parents.size);
    }
    const ready = new Heap<Node>(richerFirst, roots);
    const out: PoolTx[] = [];
    let gas = 0;
    while (out.length < maxTxs) {
      const node = ready.pop();
      if (node === undefined) break;
      if (gas + node.gas > maxGas) continue;
      out.push(node);
      gas += node.gas;
      for (const child of node.children) {
        const left = (waiting.get(child) ?? 1) - 1;
        waiting.set(child, left);
        if (left === 0) ready.push(this.#txs.get(child)!);
      }
    }
    return out;
  }

  /** `key` and its ancestors among the pending transactions. */
  ancestorsOf(parents: ReadonlySet<string>): Set<string> {
    const seen = new Set<string>();
    const stack = [...parents];
    for (let key = stack.pop(); key !== undefined; key = stack.pop()) {
      if (seen.has(key)) continue;
      seen.add(key);
      const node = this.#txs.get(key);
      if (node !== undefined) stack.push(...node.parents);
    }
    return seen;
  }

  #withDescendants(root: Node): Node[] {
    const out: Node[] = [];
    const seen = new Set<string>();
    const stack: Node[] = [root];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (seen.has(node.key)) continue;
      seen.add(node.key);
      out.push(node);
      for (const child of node.children) {
        const c = this.#txs.get(child);
        if (c !== undefined) stack.push(c);
      }
    }
    return out;
  }

  #unlink(node: Node): void {
    if (!this.#txs.delete(node.key)) return;
    this.#bytes -= node.bytes.length;
    this.#expiring.delete(node.key);
    this.#byWire = undefined;
    for (const out of node.spends) if (this.#spenders.get(out) === node.key) this.#spenders.delete(out);
    for (const out of node.created.keys()) if (this.#creators.get(out) === node.key) this.#creators.delete(out);
    for (const parent of node.parents) this.#txs.get(parent)?.children.delete(node.key);
    for (const child of node.children) this.#txs.get(child)?.parents.delete(node.key);
  }

  #wireIndex(): Map<number, string> {
    const index = new Map<number, string>();
    for (const node of this.#txs.values()) index.set(wireFingerprint(node.bytes), node.key);
    return index;
  }

  #live(item: HeapItem): Node | undefined {
    const node = this.#txs.get(item.key);
    return node !== undefined && node.seq === item.seq ? node : undefined;
  }

  #dropStaleTop(): void {
    for (let top = this.#cheapest.peek(); top !== undefined && !this.#live(top); top = this.#cheapest.peek()) {
      this.#cheapest.pop();
    }
  }

  /** Rebuilds the eviction heap once stale items outnumber live ones. */
  #compact(): void {
    if (this.#cheapest.size > 2 * this.#txs.size + 64) this.#cheapest.retain((item) => this.#live(item) !== undefined);
  }
}
