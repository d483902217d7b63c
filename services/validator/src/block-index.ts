// The in-memory block index: every valid block the validator knows (main chain and side branches),
// linked to its parent, with its cumulative work; the main chain as an array by height. Built at
// start-up from the store's main chain; side branches are added as blocks arrive. Generic over the
// header (main chain or side chain): the index itself reads only heights, links and timestamps.

/** What the index reads of a header. */
export type IndexHeader = { readonly height: bigint; readonly previousBlockId: Uint8Array; readonly timestamp: bigint };

export type IndexNode<H extends IndexHeader = IndexHeader> = {
  readonly id: Uint8Array;
  /** Hex of the id: the map key. */
  readonly key: string;
  readonly parent: IndexNode<H> | undefined;
  readonly height: number;
  readonly header: H;
  /** Cumulative work of the chain ending here (side chains: one per block, so the length). */
  readonly work: bigint;
};

export class BlockIndex<H extends IndexHeader = IndexHeader> {
  private readonly nodes = new Map<string, IndexNode<H>>();
  private readonly main: IndexNode<H>[] = [];

  get size(): number {
    return this.nodes.size;
  }

  get(key: string): IndexNode<H> | undefined {
    return this.nodes.get(key);
  }

  add(node: IndexNode<H>): void {
    this.nodes.set(node.key, node);
  }

  /** Removes a node (found invalid) and every indexed descendant of it; returns them. */
  removeBranch(node: IndexNode<H>): IndexNode<H>[] {
    const removed = [node];
    this.nodes.delete(node.key);
    for (const n of [...this.nodes.values()]) {
      for (let p = n.parent; p && p.height >= node.height; p = p.parent) {
        if (p === node) {
          this.nodes.delete(n.key);
          removed.push(n);
          break;
        }
      }
    }
    return removed;
  }

  get tip(): IndexNode<H> {
    const tip = this.main[this.main.length - 1];
    if (!tip) throw new Error('the block index has no main chain yet');
    return tip;
  }

  get hasTip(): boolean {
    return this.main.length > 0;
  }

  mainAt(height: number): IndexNode<H> | undefined {
    return this.main[height];
  }

  onMain(node: IndexNode<H>): boolean {
    return this.main[node.height] === node;
  }

  /** The ancestor of `node` (or `node` itself) at `height` <= node.height, along node's branch. */
  ancestor(node: IndexNode<H>, height: number): IndexNode<H> {
    if (height > node.height || height < 0) throw new RangeError(`no ancestor at ${height} of ${node.height}`);
    let n = node;
    while (n.height > height && !this.onMain(n)) n = n.parent!;
    return this.onMain(n) ? this.main[height]! : n;
  }

  /** The highest ancestor of `node` (or node) on the main chain. */
  forkPoint(node: IndexNode<H>): IndexNode<H> {
    let n: IndexNode<H> | undefined = node;
    while (n && !this.onMain(n)) n = n.parent;
    if (!n) throw new Error('block not connected to the main chain');
    return n;
  }

  /** The blocks after `from` up to `to` along to's branch, in height order. */
  path(from: IndexNode<H>, to: IndexNode<H>): IndexNode<H>[] {
    const out: IndexNode<H>[] = [];
    for (let n: IndexNode<H> | undefined = to; n && n !== from; n = n.parent) out.push(n);
    return out.reverse();
  }

  /** Main-chain blocks from `fromHeight` to the tip, in height order. */
  mainFrom(fromHeight: number): IndexNode<H>[] {
    return this.main.slice(Math.max(0, fromHeight));
  }

  /** Drops the main chain above `height`. */
  truncateMain(height: number): void {
    this.main.length = Math.min(this.main.length, height + 1);
  }

  /** Appends a child of the tip to the main chain. */
  pushMain(node: IndexNode<H>): void {
    if (node.height !== this.main.length || (node.height > 0 && node.parent !== this.main[node.height - 1])) {
      throw new Error(`block at ${node.height} does not extend the main chain at ${this.main.length - 1}`);
    }
    this.add(node);
    this.main.push(node);
  }

  /** Timestamps of `node` and its ancestors, newest first, at most `count`. */
  pastTimestamps(node: IndexNode<H>, count: number): bigint[] {
    const out: bigint[] = [];
    for (let n: IndexNode<H> | undefined = node; n && out.length < count; n = n.parent) out.push(n.header.timestamp);
    return out;
  }
}
