// The tip the pool is checked against, and a version bumped by every change the chain makes to the
// pool. Admission reads the hot tier asynchronously and files synchronously: if the version moved
// in between, what it read may predate a block the pool has already applied, so it reads again.
import type { ChainTip } from '@bystack/runtime';

export class ChainState {
  #tip: ChainTip | undefined;
  #version = 0;

  constructor(tip?: ChainTip) {
    this.#tip = tip;
  }

  get tip(): ChainTip | undefined {
    return this.#tip;
  }

  get version(): number {
    return this.#version;
  }

  /** Height of the block the pool's transactions would go into. */
  get nextHeight(): bigint {
    return this.#tip === undefined ? 0n : BigInt(this.#tip.height) + 1n;
  }

  setTip(tip: ChainTip | undefined): void {
    this.#tip = tip;
    this.#version++;
  }

  /** A change of the pool's chain-derived contents without a new tip. */
  bump(): void {
    this.#version++;
  }
}

export function sameTip(a: ChainTip | undefined, b: ChainTip | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.height === b.height && Buffer.compare(a.blockId, b.blockId) === 0;
}
