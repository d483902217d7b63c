// The producer's view of the side chain's recent blocks: every valid block above a final root, the
// signatures each holds by witness slot, which blocks are irreversible (more than 2/3 of their round's
// producers signed), and the head that fork choice picks (protocol `shouldSwitchChain`: a branch with
// a more recent irreversible block wins, else a longer one, never leaving our last irreversible block
// for a shorter-finality branch). Pure and synchronous; the Bbft engine feeds it.
import {
  addBlockSignature,
  type BlockSignatureSet,
  createBlockSignatureSet,
  type ForkChoiceTip,
  isBlockIrreversible,
  removeBlockSignature,
  shouldSwitchChain,
  signedProducerOrders,
} from '@bystack/protocol';
import { ownBytes, toHex } from './bytes.ts';

/** How a block reached the tree. */
export type TreeBlockSource =
  /** This producer made it. */
  | 'own'
  /** Announced on the network, its producer's signature checked, then validated by the node's validator. */
  | 'network'
  /** Read from the node's validator (start-up, or a missing ancestor): validated there, maybe unsigned. */
  | 'history';

export type TreeBlock = {
  readonly id: Uint8Array;
  /** Lowercase hex of the id. */
  readonly key: string;
  readonly height: bigint;
  /** Key of the parent ('' for the root). */
  readonly parentKey: string;
  readonly timestampMs: bigint;
  /** The round's producer keys (hex), by order; empty for the root. */
  readonly producers: readonly string[];
  /** Order of the producer whose slot holds the block's timestamp (-1 for the root). */
  readonly producerOrder: number;
  readonly source: TreeBlockSource;
  /** Insertion order: among equals, the block seen first wins. */
  readonly seq: number;
  /** Signatures by witness slot (verified before they are added); undefined for the root. */
  signatures: BlockSignatureSet | undefined;
  /** More than 2/3 of the round signed (the root counts as final). */
  irreversible: boolean;
  /** The signature of the block's own producer is known and valid. */
  ownerSigned: boolean;
};

export type NewTreeBlock = {
  readonly id: Uint8Array;
  readonly height: bigint;
  readonly parentId: Uint8Array;
  readonly timestampMs: bigint;
  readonly producers: readonly string[];
  readonly producerOrder: number;
  readonly source: TreeBlockSource;
};

export type TreeRoot = { readonly id: Uint8Array; readonly height: bigint; readonly timestampMs: bigint };

export type SignatureOutcome =
  /** The slot already held a signature, or the block is the root. */
  | 'unchanged'
  | 'added'
  /** Added, and the block just became irreversible. */
  | 'irreversible';

export class BlockTree {
  readonly #nodes = new Map<string, TreeBlock>();
  readonly #children = new Map<string, Set<string>>();
  #root: TreeBlock;
  #lastIrreversible: TreeBlock;
  #head: TreeBlock;
  #seq = 0;

  constructor(root: TreeRoot) {
    this.#root = this.#insert({
      id: ownBytes(root.id),
      key: toHex(root.id),
      height: root.height,
      parentKey: '',
      timestampMs: root.timestampMs,
      producers: [],
      producerOrder: -1,
      source: 'history',
      seq: this.#seq++,
      signatures: undefined,
      irreversible: true,
      ownerSigned: true,
    });
    this.#lastIrreversible = this.#root;
    this.#head = this.#root;
  }

  get root(): TreeBlock {
    return this.#root;
  }

  /** The most recent irreversible block seen (the root until one is). */
  get lastIrreversible(): TreeBlock {
    return this.#lastIrreversible;
  }

  /** The head picked by the last `updateHead`. */
  get head(): TreeBlock {
    return this.#head;
  }

  get size(): number {
    return this.#nodes.size;
  }

  has(key: string): boolean {
    return this.#nodes.has(key);
  }

  get(key: string): TreeBlock | undefined {
    return this.#nodes.get(key);
  }

  /** Every block at `height`, first seen first. */
  blocksAt(height: bigint): TreeBlock[] {
    return [...this.#nodes.values()].filter((n) => n.height === height).sort((a, b) => a.seq - b.seq);
  }

  /** Adds a valid block whose parent is in the tree. */
  add(block: NewTreeBlock): TreeBlock {
    const key = toHex(block.id);
    const existing = this.#nodes.get(key);
    if (existing !== undefined) return existing;
    const parentKey = toHex(block.parentId);
    const parent = this.#nodes.get(parentKey);
    if (parent === undefined) throw new RangeError(`parent ${parentKey} of block ${key} is not in the tree`);
    if (block.height !== parent.height + 1n) {
      throw new RangeError(`block ${key} at height ${block.height} does not follow its parent at ${parent.height}`);
    }
    if (block.producers.length === 0 || block.producerOrder < 0 || block.producerOrder >= block.producers.length) {
      throw new RangeError(`block ${key} needs its round's producers and its producer's order`);
    }
    return this.#insert({
      id: ownBytes(block.id),
      key,
      height: block.height,
      parentKey,
      timestampMs: block.timestampMs,
      producers: [...block.producers],
      producerOrder: block.producerOrder,
      source: block.source,
      seq: this.#seq++,
      signatures: createBlockSignatureSet(block.id, block.producers.length),
      irreversible: false,
      ownerSigned: false,
    });
  }

  #insert(node: TreeBlock): TreeBlock {
    this.#nodes.set(node.key, node);
    this.#children.set(node.key, new Set());
    if (node.parentKey !== '') this.#children.get(node.parentKey)?.add(node.key);
    return node;
  }

  /** Order of `producerKey` (hex) in the round of block `key`, or undefined. */
  orderOf(key: string, producerKey: string): number | undefined {
    const i = this.#nodes.get(key)?.producers.indexOf(producerKey) ?? -1;
    return i < 0 ? undefined : i;
  }

  /** Records a verified signature in slot `order` of block `key`. */
  addSignature(key: string, order: number, signature: Uint8Array): SignatureOutcome {
    const node = this.#nodes.get(key);
    if (node?.signatures === undefined) return 'unchanged';
    const next = addBlockSignature(node.signatures, order, signature);
    if (next === node.signatures) return 'unchanged';
    node.signatures = next;
    if (order === node.producerOrder) node.ownerSigned = true;
    if (node.irreversible || !isBlockIrreversible(next)) return 'added';
    node.irreversible = true;
    if (node.height > this.#lastIrreversible.height) this.#lastIrreversible = node;
    return 'irreversible';
  }

  /** Clears slot `order` of block `key` (a double signer's signature counts for no block at that height). */
  removeSignature(key: string, order: number): void {
    const node = this.#nodes.get(key);
    if (node?.signatures === undefined) return;
    node.signatures = removeBlockSignature(node.signatures, order);
  }

  /** The signature in slot `order` of block `key`, if any. */
  signatureOf(key: string, order: number): Uint8Array | undefined {
    return this.#nodes.get(key)?.signatures?.signatures[order];
  }

  signatureCount(key: string): number {
    const set = this.#nodes.get(key)?.signatures;
    return set === undefined ? 0 : signedProducerOrders(set).length;
  }

  /** Whether `ancestorKey` is `key` or one of its ancestors. */
  isAncestor(ancestorKey: string, key: string): boolean {
    const ancestor = this.#nodes.get(ancestorKey);
    if (ancestor === undefined) return false;
    return this.ancestorAt(key, ancestor.height)?.key === ancestorKey;
  }

  /** The ancestor of block `key` (or itself) at `height`, if the tree holds it. */
  ancestorAt(key: string, height: bigint): TreeBlock | undefined {
    let node = this.#nodes.get(key);
    while (node !== undefined && node.height > height) node = this.#nodes.get(node.parentKey);
    return node?.height === height ? node : undefined;
  }

  /** Height of the most recent irreversible block on the branch ending at `key`. */
  branchIrreversibleHeight(key: string): bigint {
    let node = this.#nodes.get(key);
    while (node !== undefined && !node.irreversible) node = this.#nodes.get(node.parentKey);
    return node?.height ?? this.#root.height;
  }

  #tipOf(node: TreeBlock): ForkChoiceTip {
    return { height: node.height, irreversibleHeight: this.branchIrreversibleHeight(node.key) };
  }

  #forkHeight(a: TreeBlock, b: TreeBlock): bigint {
    let x: TreeBlock | undefined = a;
    let y: TreeBlock | undefined = b;
    while (x !== undefined && y !== undefined && x.key !== y.key) {
      if (x.height >= y.height) x = this.#nodes.get(x.parentKey);
      else y = this.#nodes.get(y.parentKey);
    }
    return x?.height ?? this.#root.height;
  }

  /** Blocks without children, first seen first. */
  leaves(): TreeBlock[] {
    return [...this.#nodes.values()].filter((n) => this.#children.get(n.key)?.size === 0).sort((a, b) => a.seq - b.seq);
  }

  /** Runs fork choice from the current head over every leaf; returns the (possibly new) head. */
  updateHead(): TreeBlock {
    let best = this.#nodes.get(this.#head.key) ?? this.#lastIrreversible;
    for (const leaf of this.leaves()) {
      if (leaf.key === best.key) continue;
      if (shouldSwitchChain(this.#tipOf(best), this.#tipOf(leaf), this.#forkHeight(best, leaf))) best = leaf;
    }
    this.#head = best;
    return best;
  }

  /**
   * Moves the root up to `keepDepth` blocks below the last irreversible block and drops every block
   * that does not descend from it (older blocks and dead forks). Returns the number dropped.
   */
  prune(keepDepth: bigint): number {
    const target = this.#lastIrreversible.height - keepDepth;
    if (target <= this.#root.height) return 0;
    const newRoot = this.ancestorAt(this.#lastIrreversible.key, target);
    if (newRoot === undefined) return 0;
    const keep = new Set<string>();
    const stack = [newRoot.key];
    while (stack.length > 0) {
      const key = stack.pop()!;
      keep.add(key);
      for (const child of this.#children.get(key) ?? []) stack.push(child);
    }
    let dropped = 0;
    for (const key of [...this.#nodes.keys()]) {
      if (keep.has(key)) continue;
      this.#nodes.delete(key);
      this.#children.delete(key);
      dropped++;
    }
    newRoot.irreversible = true;
    this.#root = newRoot;
    if (!this.#nodes.has(this.#head.key)) this.#head = this.#lastIrreversible;
    return dropped;
  }
}
