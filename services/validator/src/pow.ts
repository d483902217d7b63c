// Tensority caches by seed (16 MiB and ~60 ms each to build): the seed moves every
// `seedPerRetarget` blocks, so a few recent ones cover a seed change and forks around it.
import { createTensorityCache, type TensorityCache, tensorityWithCache } from '@bystack/protocol';
import { hex } from './bytes.ts';

export class TensorityCaches {
  private readonly max: number;
  private readonly caches = new Map<string, TensorityCache>();
  built = 0;

  constructor(max = 3) {
    this.max = max;
  }

  /** The Tensority hash of `blockId` under `seed`. */
  hash(seed: Uint8Array, blockId: Uint8Array): Uint8Array {
    return tensorityWithCache(this.cache(seed), blockId);
  }

  cache(seed: Uint8Array): TensorityCache {
    const key = hex(seed);
    let cache = this.caches.get(key);
    if (cache) {
      this.caches.delete(key); // most recent last
    } else {
      cache = createTensorityCache(seed);
      this.built++;
    }
    this.caches.set(key, cache);
    while (this.caches.size > this.max) this.caches.delete(this.caches.keys().next().value as string);
    return cache;
  }
}
