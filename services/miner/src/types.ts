// The miner's data and the interfaces it consumes (defined here, by the consumer: the gRPC
// adapters in chain-client.ts implement them, and tests may run them against real servers).
import type { Block, BlockHeader, Tx } from '@bystack/protocol';

/** A block of the validator's chain: its id and height. */
export type BlockRef = { readonly id: Uint8Array; readonly height: bigint };

/** What the validator did with a submitted block (chainV1.BlockDisposition, by name). */
export type BlockDisposition = 'connected' | 'side_branch' | 'orphan' | 'duplicate' | 'unspecified';

export type SubmitOutcome = { readonly ref: BlockRef; readonly disposition: BlockDisposition };

/** The chain as the miner needs it: the validator's tip and its blocks. */
export interface ChainReader {
  getTip(signal?: AbortSignal): Promise<BlockRef>;
  /** The block with this id; rejects (NOT_FOUND) when the validator does not have it. */
  getBlockById(id: Uint8Array, signal?: AbortSignal): Promise<Block>;
  /** The main chain's block at this height. */
  getBlockByHeight(height: bigint, signal?: AbortSignal): Promise<{ readonly ref: BlockRef; readonly block: Block }>;
}

/** Where found blocks go (the validator's SubmitBlock). Rejects with the validator's typed error. */
export interface BlockSink {
  submitBlock(block: Block, signal?: AbortSignal): Promise<SubmitOutcome>;
}

/** Pending transactions to include (the mempool's ReapTxs): raw wire bytes, in an order valid to include. */
export interface TxSource {
  reapTxs(maxGas: number, maxTxs: number, signal?: AbortSignal): Promise<readonly Uint8Array[]>;
}

/** A block template: everything of a block but the nonce. */
export type Template = {
  /** Work id handed to outside miners (GetWork), unique per template. */
  readonly workId: string;
  readonly parent: BlockRef;
  readonly height: bigint;
  /** The header with nonce 0. */
  readonly header: BlockHeader;
  readonly transactions: readonly Tx[];
  /** Tensority seed of this height. */
  readonly seed: Uint8Array;
  readonly bits: bigint;
  /** Native fees of the included transactions (the coinbase collects them with the subsidy). */
  readonly fees: bigint;
  readonly gasUsed: number;
  /** Ids of the parent and the ancestors read for the median time (parent first). */
  readonly ancestry: readonly Uint8Array[];
  /** Epoch ms it was built at. */
  readonly createdAt: number;
};

/** A nonce whose Tensority hash meets the target. */
export type FoundNonce = {
  readonly nonce: bigint;
  readonly blockId: Uint8Array;
  readonly hash: Uint8Array;
};
