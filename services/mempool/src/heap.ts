// A binary heap ordered by `before(a, b)` (true when a comes out first).
export class Heap<T> {
  #items: T[];
  readonly #before: (a: T, b: T) => boolean;

  /** Takes `items` as they are and orders them in O(n) (bottom-up), not one push each. */
  constructor(before: (a: T, b: T) => boolean, items: Iterable<T> = []) {
    this.#before = before;
    this.#items = [...items];
    this.#heapify();
  }

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    this.#siftDown(0);
    return top;
  }

  /** Keeps only the items `keep` accepts (a rebuild, O(n)). */
  retain(keep: (item: T) => boolean): void {
    this.#items = this.#items.filter(keep);
    this.#heapify();
  }

  #heapify(): void {
    for (let i = (this.#items.length >> 1) - 1; i >= 0; i--) this.#siftDown(i);
  }

  #siftDown(i: number): void {
    const items = this.#items;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      if (left < items.length && this.#before(items[left]!, items[best]!)) best = left;
      if (right < items.length && this.#before(items[right]!, items[best]!)) best = right;
      if (best === i) break;
      [items[i], items[best]] = [items[best]!, items[i]!];
      i = best;
    }
  }
}
