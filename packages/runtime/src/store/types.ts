// The store's vocabulary and the interfaces its consumers program against.
//
// The store is ignorant of the protocol package: blocks, headers and transactions are opaque bytes
// with their ids (the protocol core encodes and hashes them); an unspent output is the plain record
// below. Every chain a node follows is its own keyspace, named by a chain id string.
//
// Who uses which interface (cometbft style: the consumer's view, not the adapter's):
//   mempool            UtxoReader (+ ChainStateReader for the version it read at), usually the hot tier
//   validator          ChainStateStore + BlockStore (commit, revert, fork blocks), through TieredStore
//   bbft               SignerStateStore (durable compare-and-set before it signs), ChainStateReader
//   blockcenter, APIs  BlockStore, UtxoReader, ChainStateReader, ProgramUtxoReader (UTXOs of an address)
// Adapters: the embedded KV stores (LMDB by default, node:sqlite as the measured alternative) and
// MongoDB implement DurableStore; Redis (RedisHotTier) implements UtxoReader for the hot tier.

/** One unspent output, as the store files it. */
export type UtxoRecord = {
  readonly outputId: Uint8Array;
  readonly assetId: Uint8Array;
  /** 0 <= amount < 2^64. */
  readonly amount: bigint;
  readonly controlProgram: Uint8Array;
  /** Height of the block that created the output. */
  readonly height: number;
  readonly coinbase: boolean;
  /** Side chains: a vote output, stake for this candidate key (a veto spends it). */
  readonly vote?: Uint8Array | undefined;
  /** Side chains: a marker that the main-chain output with this id was minted (never spendable). */
  readonly crossChain?: boolean | undefined;
};

/** A chain's best block as a store has applied it. */
export type ChainTip = {
  readonly height: number;
  readonly blockId: Uint8Array;
};

/** The block index: everything fork choice needs about a block, without its body. */
export type BlockIndexEntry = {
  readonly blockId: Uint8Array;
  /** Empty for a genesis block. */
  readonly parentId: Uint8Array;
  readonly height: number;
  /** The encoded header, opaque to the store. */
  readonly header: Uint8Array;
  /** Cumulative work of the chain ending here (PoW main chain); side chains may keep 0n. */
  readonly work: bigint;
};

/** Where a transaction of the main chain lives. */
export type TxLocation = {
  readonly blockId: Uint8Array;
  readonly height: number;
  /** Position of the transaction in its block. */
  readonly index: number;
};

/**
 * One block to connect on top of a chain's tip. `spent` are output ids the block consumes (they may
 * include outputs `created` by the same block: creations apply before spends); `created` are the
 * outputs it adds, each with `height` equal to the block's. Undo data is not supplied by the caller:
 * the store reads the spent records from its own UTXO set inside the commit's transaction, so the
 * undo journal can never disagree with what was removed.
 */
export type BlockCommit = {
  readonly chain: string;
  readonly height: number;
  readonly blockId: Uint8Array;
  /** Empty for height 0. */
  readonly parentId: Uint8Array;
  readonly header: Uint8Array;
  readonly work: bigint;
  readonly blockBytes: Uint8Array;
  /** The block's transaction ids, in block order (their TxLocation index is the position here). */
  readonly txIds: readonly Uint8Array[];
  readonly spent: readonly Uint8Array[];
  readonly created: readonly UtxoRecord[];
};

/**
 * A block's journal entry: what it did to the UTXO set (redo: `created`; undo: the full `spent`
 * records). Kept by block id after a revert, so the hot tier can be rolled back or forward from it.
 */
export type BlockDelta = {
  readonly chain: string;
  readonly height: number;
  readonly blockId: Uint8Array;
  readonly parentId: Uint8Array;
  readonly txIds: readonly Uint8Array[];
  readonly created: readonly UtxoRecord[];
  readonly spent: readonly UtxoRecord[];
};

export type CommitResult = {
  /** False when the block was already connected at its height: the commit was a no-op. */
  readonly applied: boolean;
  readonly tip: ChainTip;
};

export type RevertResult = {
  /** False when the block was not (or no longer) on the main chain: the revert was a no-op. */
  readonly reverted: boolean;
  /** The tip after the call; undefined when the chain is empty again. */
  readonly tip: ChainTip | undefined;
  /** The reverted block's journal entry, when `reverted`. */
  readonly delta: BlockDelta | undefined;
};

/** A durable chain's state: its tip and a counter bumped by every commit and revert. */
export type DurableChainState = {
  readonly tip: ChainTip | undefined;
  /** Number of commits plus reverts ever applied to the chain; lets a long scan detect a reorg. */
  readonly revision: number;
};

/** A bbft signer's record of what it signed at one height. */
export type SignedRecord = {
  readonly height: number;
  readonly blockId: Uint8Array;
};

/** Reads unspent outputs. Implemented by every durable adapter and by the Redis hot tier. */
export interface UtxoReader {
  /** One answer per id, in order; undefined where the output is not unspent. One consistent snapshot. */
  getUtxos(chain: string, outputIds: readonly Uint8Array[]): Promise<(UtxoRecord | undefined)[]>;
}

/**
 * Unspent outputs by control program (an address's balance). Every durable adapter keeps a program
 * index (program -> output ids) that changes in the same transaction as the UTXO set, so the answer
 * is always exactly the outputs of that program in one committed state.
 */
export interface ProgramUtxoReader {
  /**
   * The unspent outputs whose control program is `controlProgram`, in output-id order, at most
   * `limit` of them (default: all). One consistent snapshot.
   */
  getUtxosByProgram(chain: string, controlProgram: Uint8Array, limit?: number): Promise<UtxoRecord[]>;
}

/** Reads where a chain stands. */
export interface ChainStateReader {
  getTip(chain: string): Promise<ChainTip | undefined>;
  /** The main chain's block at `height`, if the chain reaches it. */
  getMainChainBlockId(chain: string, height: number): Promise<Uint8Array | undefined>;
  /** The highest block marked irreversible (bbft), if any. */
  getIrreversible(chain: string): Promise<ChainTip | undefined>;
}

/** Connects and disconnects blocks: the validator's view. Each call is atomic and idempotent. */
export interface ChainStateStore extends ChainStateReader {
  /** Connects a block on top of the tip; committing the block already at `height` is a no-op. */
  commitBlock(commit: BlockCommit): Promise<CommitResult>;
  /**
   * Connects several blocks, each on top of the one before, in one transaction: all or none (a
   * validator's window in stage 2: one durable sync for the lot). Results in order.
   */
  commitBlocks(commits: readonly BlockCommit[]): Promise<CommitResult[]>;
  /** Disconnects the tip block (for a reorg) from its undo journal; a block not on the main chain is a no-op. */
  revertBlock(chain: string, blockId: Uint8Array): Promise<RevertResult>;
  /** Marks a main-chain block irreversible; heights only go up; blocks at or below it cannot be reverted. */
  setIrreversible(chain: string, height: number, blockId: Uint8Array): Promise<void>;
}

/** Block index, bodies and transaction locations: fork choice, sync and APIs. */
export interface BlockStore {
  getBlockIndex(chain: string, blockId: Uint8Array): Promise<BlockIndexEntry | undefined>;
  getBlockBody(chain: string, blockId: Uint8Array): Promise<Uint8Array | undefined>;
  /** Main-chain transactions only. */
  getTxLocation(chain: string, txId: Uint8Array): Promise<TxLocation | undefined>;
  /** Files a block that is not (yet) connected, e.g. on a lighter fork. Idempotent. */
  saveBlock(chain: string, entry: BlockIndexEntry, body: Uint8Array): Promise<void>;
}

/** bbft's memory of its own signatures, durable before it signs. */
export interface SignerStateStore {
  /**
   * Durably records that this signer signs `blockId` at `height` (compare-and-set): recording the same
   * id again is a no-op; a different id at an already-signed height throws StoreError SignerConflict.
   * Returns once the record is on disk (or majority-acknowledged and journaled, for MongoDB).
   */
  recordSigned(chain: string, height: number, blockId: Uint8Array): Promise<void>;
  getSigned(chain: string, height: number): Promise<Uint8Array | undefined>;
  /** The record with the highest height. */
  getLastSigned(chain: string): Promise<SignedRecord | undefined>;
}

/** The source of truth: one interface for the embedded stores and MongoDB, one conformance suite. */
export interface DurableStore extends UtxoReader, ProgramUtxoReader, ChainStateStore, BlockStore, SignerStateStore {
  /** 'lmdb', 'sqlite', 'mongodb'. */
  readonly kind: string;
  getChainState(chain: string): Promise<DurableChainState>;
  /** Main-chain block ids for heights from..to (inclusive), stopping at the tip. */
  getMainChainRange(chain: string, fromHeight: number, toHeight: number): Promise<Uint8Array[]>;
  /** A block's journal entry (connected or reverted), if the store has it. */
  getBlockDelta(chain: string, blockId: Uint8Array): Promise<BlockDelta | undefined>;
  /**
   * Every unspent output of a chain, in batches. Not one snapshot: each output is seen as it was at
   * some moment of the scan (rebuilds replay the blocks committed meanwhile; see DurableChainState).
   */
  scanUtxos(chain: string, batchSize?: number): AsyncIterable<UtxoRecord[]>;
  /** Chains with any committed state. */
  listChains(): Promise<string[]>;
  close(): Promise<void>;
}

/** Operations and test hooks: what a commit did (the validator's events), faults between the two tiers. */
export type TieredStoreHooks = {
  /**
   * Called after the durable commit (the validator keeps the block's effects for its event; a test
   * crash point): before the hot tier is touched when it applies after the durable tier; when it
   * applies alongside, Redis may already have the block.
   */
  readonly afterDurableCommit?: (commit: BlockCommit) => void | Promise<void>;
  /** Alongside only: called once Redis applied the block, whether or not the durable commit is done. */
  readonly afterHotApply?: (commit: BlockCommit) => void | Promise<void>;
  /** Called after the durable revert, before the hot tier is touched. */
  readonly afterDurableRevert?: (chain: string, blockId: Uint8Array) => void | Promise<void>;
};
