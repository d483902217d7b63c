// The bbft service's data and the interfaces it consumes. They are defined here, by the consumer
// (cometbft style): the gRPC adapters (chain-client.ts), the store adapter (signer-guard.ts) and
// the NATS adapter (network.ts) implement them, and tests run them against real servers.
import type { RoundInfo, SideBlock } from '@bystack/protocol';
import type { BbftBlock } from './block-bytes.ts';

export type { RoundInfo };

/** A side-chain block: its id and height. */
export type SideBlockRef = { readonly id: Uint8Array; readonly height: bigint };

/** The node's side chain, as its validator holds it. */
export interface SideChainView {
  /** The validator's best block. */
  getTip(signal?: AbortSignal): Promise<SideBlockRef>;
  /** The last block the validator holds irreversible, if it tracks one. */
  getIrreversible(signal?: AbortSignal): Promise<SideBlockRef | undefined>;
  /** A block the validator accepted (any branch), or undefined if it has none with that id. */
  getBlockById(id: Uint8Array, signal?: AbortSignal): Promise<SideBlock | undefined>;
  /** The block at `height` of the validator's best chain, or undefined above its tip. */
  getBlockByHeight(height: bigint, signal?: AbortSignal): Promise<SideBlock | undefined>;
  /** The producer set, schedule start and coinbase payouts of the block that would follow `parentId`. */
  roundAfter(parentId: Uint8Array, signal?: AbortSignal): Promise<RoundInfo>;
  /** Optional: a block the validator accepted that the caller already holds, so it need not be read again. */
  noteBlock?(block: BbftBlock, id: Uint8Array): void;
}

/** What the node's validator says of a block. */
export type ValidationVerdict =
  /**
   * Fully valid: connected, filed on a side branch, or already known (the validator keeps only valid
   * blocks); or, for `checkBlock`, checked without being filed.
   */
  | { readonly kind: 'valid'; readonly disposition: 'connected' | 'side_branch' | 'duplicate' | 'checked' }
  /** The validator lacks the parent: nothing was checked yet. */
  | { readonly kind: 'orphan' }
  /** Rejected, with the validator's typed error code (e.g. DOUBLE_SPEND, BAD_SIGNATURE). */
  | { readonly kind: 'invalid'; readonly code: string; readonly message: string };

/**
 * Full validation of a side block before this producer signs it (the node's validator:
 * `chainV1.ChainService.SubmitBlock` with the side chain's id). A typed rejection of the block is an
 * 'invalid' verdict; a failure to ask (validator down, deadline) rejects the promise.
 */
export interface BlockValidator {
  /** Validates and files a block carrying its producer's signature in its witness. */
  validateBlock(block: BbftBlock, signal?: AbortSignal): Promise<ValidationVerdict>;
  /** Validates this producer's own block before it signs it (`check_only`: nothing is filed). */
  checkBlock(block: SideBlock, signal?: AbortSignal): Promise<ValidationVerdict>;
}

/** Transactions reaped for a block (raw wire bytes, in an order valid to include). */
export type ReapedTxs = {
  readonly txs: readonly Uint8Array[];
  /** Their ids as the mempool computed them at admission (one per tx; empty from an older mempool). */
  readonly ids: readonly Uint8Array[];
  readonly totalGas: bigint;
  readonly totalFee: bigint;
  /** The chain tip the pool stood at when it answered (absent if the mempool did not say). */
  readonly tip?: { readonly height: bigint; readonly blockId: Uint8Array } | undefined;
};

/** A block a producer made from its mempool's transactions: its ref, its parent's, and those transactions' ids. */
export type UnfollowedBlock = {
  readonly block: { readonly height: bigint; readonly blockId: Uint8Array };
  readonly parent: { readonly height: bigint; readonly blockId: Uint8Array };
  readonly txIds: readonly Uint8Array[];
};

/** Pending transactions to include (the mempool's `ReapTxs` with the side chain's id). */
export interface TxSource {
  /**
   * `onBlock`: the block built on, when this producer made it from this source's transactions; a
   * pool still standing on its parent answers as if it had followed it (ReapTxs' `on_block`).
   */
  reapTxs(maxGas: number, maxTxs: number, signal?: AbortSignal, onBlock?: UnfollowedBlock): Promise<ReapedTxs>;
}

/**
 * This producer's durable memory of what it signed (the runtime's SignerStateStore on the node's
 * data dir, in a keyspace of this chain and key). `recordSigned` is a compare-and-set that returns
 * once the record is on disk: true when `blockId` is (now or already) the record at `height`, false
 * when another block is. Nothing else may ever make this producer sign at a height.
 */
export interface SignerGuard {
  recordSigned(height: bigint, blockId: Uint8Array): Promise<boolean>;
  getSigned(height: bigint): Promise<Uint8Array | undefined>;
  getLastSigned(): Promise<SideBlockRef | undefined>;
}

/** One producer's signature of one block, as it travels on `net.sig`. */
export type SignatureMessage = {
  readonly blockId: Uint8Array;
  readonly height: bigint;
  readonly producerKey: Uint8Array;
  readonly signature: Uint8Array;
};

/** What the bbft sends to the other producers and nodes (NATS core subjects of the chain). */
export interface BbftNetwork {
  /** `net.block`: a block with the signatures this producer holds in its witness. */
  announceBlock(block: SideBlock): void;
  /** `net.sig` */
  publishSignature(signature: SignatureMessage): void;
  /** `net.evidence`: canonical double-sign evidence bytes. */
  publishEvidence(evidence: Uint8Array): void;
}
