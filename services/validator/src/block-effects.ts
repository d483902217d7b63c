// What a committed block's transactions did (their ids, the outputs they consume), taken from the
// store commit the pipeline made anyway, so that the committed event can carry it and the mempool
// need not decode the block's body to learn it. Kept only until the block's event is out: a block
// whose event goes out after a restart, or after many others (NATS away), is published without it
// and its followers decode the body as before.
import type { BlockCommit } from '@bystack/runtime';
import { BoundedMap } from './bounded-map.ts';
import { hex } from './bytes.ts';

/** The block's net changes: an output it creates and spends again is in neither list. */
export type BlockTxEffects = {
  /** In block order. */
  readonly txIds: readonly Uint8Array[];
  /** The outputs the block spends, and on a side chain the main-chain outputs its peg-ins mint. */
  readonly consumedOutputIds: readonly Uint8Array[];
  /** The outputs it creates and leaves unspent. */
  readonly createdOutputIds: readonly Uint8Array[];
};

/** Blocks committed and not yet published kept by default (a window is at most 128). */
const DEFAULT_MAX_BLOCKS = 256;
/** Ids kept at most by default (~20 MB), the last block's whatever its size. */
const DEFAULT_MAX_IDS = 200_000;

export class RecentBlockEffects {
  readonly #byBlock: BoundedMap<string, BlockTxEffects>;

  constructor(maxBlocks = DEFAULT_MAX_BLOCKS, maxIds = DEFAULT_MAX_IDS) {
    this.#byBlock = new BoundedMap(maxBlocks, {
      weigh: (e) => e.txIds.length + e.consumedOutputIds.length + e.createdOutputIds.length,
      max: maxIds,
      keep: 1,
    });
  }

  get size(): number {
    return this.#byBlock.size;
  }

  /** Keeps what `commit` (a block the durable store just took) did; the oldest go beyond the bounds. */
  record(commit: BlockCommit): void {
    const consumedOutputIds = [...commit.spent];
    const createdOutputIds: Uint8Array[] = [];
    for (const created of commit.created) {
      // A peg-in's main-chain output is not spent on the side chain: it is filed as a minted marker.
      if (created.crossChain === true) consumedOutputIds.push(created.outputId);
      else createdOutputIds.push(created.outputId);
    }
    this.#byBlock.set(hex(commit.blockId), { txIds: commit.txIds, consumedOutputIds, createdOutputIds });
  }

  /** The effects of the block with hex id `key`, if kept. */
  get(key: string): BlockTxEffects | undefined {
    return this.#byBlock.get(key);
  }

  /** Forgets block `key` (its event is out). */
  forget(key: string): void {
    this.#byBlock.delete(key);
  }
}
