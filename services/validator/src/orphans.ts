// Blocks whose parent is unknown, kept (bounded, oldest evicted first) until the parent arrives.
export type Orphan<B> = {
  readonly key: string;
  readonly id: Uint8Array;
  readonly parentKey: string;
  readonly block: B;
  readonly bytes: Uint8Array;
};

export class OrphanPool<B> {
  private readonly max: number;
  private readonly byKey = new Map<string, Orphan<B>>();
  private readonly byParent = new Map<string, Set<string>>();

  constructor(max: number) {
    this.max = max;
  }

  get size(): number {
    return this.byKey.size;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Adds an orphan; evicts the oldest ones beyond the bound. */
  add(orphan: Orphan<B>): void {
    if (this.byKey.has(orphan.key)) return;
    this.byKey.set(orphan.key, orphan);
    let siblings = this.byParent.get(orphan.parentKey);
    if (!siblings) {
      siblings = new Set();
      this.byParent.set(orphan.parentKey, siblings);
    }
    siblings.add(orphan.key);
    while (this.byKey.size > this.max) {
      const oldest = this.byKey.keys().next().value as string;
      this.remove(oldest);
    }
  }

  /** Removes and returns the orphans waiting for `parentKey`. */
  takeChildren(parentKey: string): Orphan<B>[] {
    const keys = this.byParent.get(parentKey);
    if (!keys) return [];
    const out: Orphan<B>[] = [];
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
    const siblings = this.byParent.get(o.parentKey);
    siblings?.delete(key);
    if (siblings?.size === 0) this.byParent.delete(o.parentKey);
  }
}
