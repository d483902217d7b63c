// Blocks whose parent is unknown, kept (bounded, oldest evicted first) until the parent arrives.
// Nothing vouches for an orphan (its parent, hence its proof of work's target, is unknown), so the
// pool keeps only its bytes, bounded in count and in total size; it is decoded again when adopted.
export type Orphan = {
  readonly key: string;
  readonly id: Uint8Array;
  readonly parentKey: string;
  readonly bytes: Uint8Array;
};

export class OrphanPool {
  private readonly max: number;
  private readonly maxBytes: number;
  private bytes = 0;
  private readonly byKey = new Map<string, Orphan>();
  private readonly byParent = new Map<string, Set<string>>();

  /** At most `max` orphans and `maxBytes` of them in all (the newest is kept even when bigger). */
  constructor(max: number, maxBytes = Number.POSITIVE_INFINITY) {
    this.max = max;
    this.maxBytes = maxBytes;
  }

  get size(): number {
    return this.byKey.size;
  }

  /** The orphans' total size in bytes. */
  get totalBytes(): number {
    return this.bytes;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Adds an orphan; evicts the oldest ones beyond the bounds. */
  add(orphan: Orphan): void {
    if (this.byKey.has(orphan.key)) return;
    this.byKey.set(orphan.key, orphan);
    this.bytes += orphan.bytes.length;
    let siblings = this.byParent.get(orphan.parentKey);
    if (!siblings) {
      siblings = new Set();
      this.byParent.set(orphan.parentKey, siblings);
    }
    siblings.add(orphan.key);
    while (this.byKey.size > this.max || (this.bytes > this.maxBytes && this.byKey.size > 1)) {
      const oldest = this.byKey.keys().next().value as string;
      this.remove(oldest);
    }
  }

  /** Removes and returns the orphans waiting for `parentKey`. */
  takeChildren(parentKey: string): Orphan[] {
    const keys = this.byParent.get(parentKey);
    if (!keys) return [];
    const out: Orphan[] = [];
    for (const key of [...keys]) {
      const o = this.byKey.get(key);
      this.remove(key);
      if (o) out.push(o);
    }
    return out;
  }

  remove(key: string): void {
    const o = this.byKey.get(key);
    if (!o) return;
    this.byKey.delete(key);
    this.bytes -= o.bytes.length;
    const siblings = this.byParent.get(o.parentKey);
    siblings?.delete(key);
    if (siblings?.size === 0) this.byParent.delete(o.parentKey);
  }
}
