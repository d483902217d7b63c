// A Map bounded in entries and, optionally, in a total weight (e.g. transactions of decoded blocks):
// the oldest entries (in insertion order; a set() moves its key to the end) go first.

/** A weight limit of a BoundedMap: the oldest entries go while the total is over `max`, down to `keep` entries. */
type WeightLimit<V> = {
  // A method (bivariant), so that a pipeline of any block type is an AnyChain.
  weigh(value: V): number;
  readonly max: number;
  readonly keep: number;
};

/** A Map that forgets its oldest entries beyond `max`, and beyond a total weight if given. */
export class BoundedMap<K, V> extends Map<K, V> {
  private readonly max: number;
  private readonly limit: WeightLimit<V> | undefined;
  private weight = 0;
  constructor(max: number, limit?: WeightLimit<V>) {
    super();
    this.max = max;
    this.limit = limit;
  }
  /** The total weight of the entries (0 without a weight limit). */
  get totalWeight(): number {
    return this.weight;
  }
  override set(key: K, value: V): this {
    this.delete(key);
    super.set(key, value);
    if (this.limit) this.weight += this.limit.weigh(value);
    while (this.size > this.max || (this.limit && this.weight > this.limit.max && this.size > this.limit.keep)) {
      this.delete(this.keys().next().value as K);
    }
    return this;
  }
  override delete(key: K): boolean {
    const value = super.get(key);
    if (value === undefined && !super.has(key)) return false;
    if (this.limit) this.weight -= this.limit.weigh(value as V);
    return super.delete(key);
  }
  override clear(): void {
    this.weight = 0;
    super.clear();
  }
}
