// The UTXO state stage 2 reads, as a consumer-defined interface (Bytom v1.1.1
// `protocol/state/utxo_view.go`, `database/storage` UtxoEntry; Vapor adds vote and cross-chain
// entries), the changes a transaction or block makes to it, and an in-memory overlay.
//
// The view is synchronous: stage 2 is in order and must be fast, so a store prefetches the entries
// a block needs (the spent and main-chain output ids of its transactions' entries) into memory
// first. Changes are plain data: a store commits `spent` (delete) and `created` (insert); undoing
// them for a reorganization is committing `invertUtxoChanges(changes)`.
import { bytesKey } from './bytes-key.ts';

/**
 * normal / coinbase / vote: a spendable output (a coinbase output and a side-chain vote wait some
 * blocks). crossChain: a side-chain marker that the main-chain output with this id was minted; it
 * is never spendable, and only its existence counts.
 */
export type UtxoKind = 'normal' | 'coinbase' | 'vote' | 'crossChain';

export type UtxoEntry = {
  readonly kind: UtxoKind;
  /** Height of the block that created it. */
  readonly height: bigint;
  readonly assetId: Uint8Array;
  readonly amount: bigint;
  /** Empty for a crossChain marker. */
  readonly controlProgram: Uint8Array;
  /** vote: the candidate it stakes for. */
  readonly vote?: Uint8Array | undefined;
  /** A view that keeps spent entries (like an overlay) marks them; a store may instead drop them. */
  readonly spent?: boolean | undefined;
};

export interface UtxoView {
  get(outputId: Uint8Array): UtxoEntry | undefined;
}

export type UtxoChange = { readonly outputId: Uint8Array; readonly entry: UtxoEntry };

export type UtxoChanges = {
  /** Entries removed, as they were (to restore on undo). */
  readonly spent: readonly UtxoChange[];
  /** Entries added. */
  readonly created: readonly UtxoChange[];
};

/** The changes that undo `changes`. */
export function invertUtxoChanges(changes: UtxoChanges): UtxoChanges {
  return { spent: changes.created, created: changes.spent };
}

/**
 * A view layered over `base` (or over nothing: an in-memory UTXO set). `apply` records changes
 * without touching the base; entries spent here read back with `spent: true`, so a later double
 * spend is told from an unknown output. `changes()` is the net difference from the base: an entry
 * created and then spent here appears in neither list.
 */
export type UtxoOverlay = UtxoView & {
  apply(changes: UtxoChanges): void;
  changes(): UtxoChanges;
};

export function createUtxoOverlay(base?: UtxoView): UtxoOverlay {
  return new Overlay(base);
}

class Overlay implements UtxoOverlay {
  readonly #base: UtxoView | undefined;
  readonly #created = new Map<string, UtxoChange>();
  readonly #spent = new Map<string, UtxoChange>();

  constructor(base: UtxoView | undefined) {
    this.#base = base;
  }

  get(outputId: Uint8Array): UtxoEntry | undefined {
    const key = bytesKey(outputId);
    const created = this.#created.get(key);
    if (created !== undefined) return created.entry;
    const spent = this.#spent.get(key);
    if (spent !== undefined) return { ...spent.entry, spent: true };
    return this.#base?.get(outputId);
  }

  // Spending what was created here, or recreating what was spent here (an undo), cancels out.
  apply(changes: UtxoChanges): void {
    for (const change of changes.spent) {
      const key = bytesKey(change.outputId);
      if (!this.#created.delete(key)) this.#spent.set(key, change);
    }
    for (const change of changes.created) {
      const key = bytesKey(change.outputId);
      if (!this.#spent.delete(key)) this.#created.set(key, change);
    }
  }

  changes(): UtxoChanges {
    return { spent: [...this.#spent.values()], created: [...this.#created.values()] };
  }
}
