// Assembling a side-chain block as a producer does (Vapor createCoinbaseTxByReward and the block
// header over its transactions): the coinbase (arbitrary 0x00 || height in decimal, a zero-value
// first output to the producer's reward program, where the block's subsidy and fees accrue in the
// tally, then the previous round's payouts when the block opens a round), the roots, the witness
// slots. Producers build blocks with it; validators' tests build the blocks they check with it.
import { BTM_ASSET_ID } from '../chain/constants.ts';
import { txMerkleRoot, txStatusMerkleRoot } from '../chain/merkle-roots.ts';
import type { ProducerReward } from '../consensus/rewards.ts';
import { sideTxId } from './tx-entries.ts';
import type { SideBlock, SideTx } from './types.ts';

/** Vapor's coinbase arbitrary: 0x00, the height in decimal, then `extra` (e.g. a producer tag). */
export function coinbaseArbitrary(height: bigint, extra: Uint8Array = new Uint8Array(0)): Uint8Array {
  const digits = new TextEncoder().encode(height.toString(10));
  const out = new Uint8Array(1 + digits.length + extra.length);
  out.set(digits, 1);
  out.set(extra, 1 + digits.length);
  return out;
}

export function createSideCoinbase(
  height: bigint,
  rewardProgram: Uint8Array,
  payouts: readonly ProducerReward[],
  extra?: Uint8Array,
): SideTx {
  return {
    version: 1n,
    timeRange: 0n,
    inputs: [{ type: 'coinbase', arbitrary: coinbaseArbitrary(height, extra) }],
    outputs: [
      { type: 'intraChain', assetId: BTM_ASSET_ID, amount: 0n, controlProgram: rewardProgram },
      ...payouts.map((p) => ({
        type: 'intraChain' as const,
        assetId: BTM_ASSET_ID,
        amount: p.amount,
        controlProgram: p.controlProgram,
      })),
    ],
  };
}

export type BlockDraft = {
  readonly parentId: Uint8Array;
  readonly height: bigint;
  readonly timestampMs: bigint;
  readonly coinbase: SideTx;
  readonly txs: readonly SideTx[];
  /**
   * The ids of `txs` when already known (a producer's own mempool computed them at admission), so
   * that they are not mapped again; taken as given: a wrong one makes a block with a wrong merkle
   * root, which validation refuses. Computed when absent (or not one per tx).
   */
  readonly txIds?: readonly Uint8Array[] | undefined;
};

/** The block of `draft`: roots over the coinbase and txs, every transaction a success, no signature yet. */
export function assembleSideBlock(draft: BlockDraft): SideBlock {
  const transactions = [draft.coinbase, ...draft.txs];
  const known = draft.txIds?.length === draft.txs.length ? draft.txIds : undefined;
  const ids = [sideTxId(draft.coinbase), ...(known ?? draft.txs.map(sideTxId))];
  return {
    header: {
      version: 1n,
      height: draft.height,
      previousBlockId: draft.parentId,
      timestamp: draft.timestampMs,
      transactionsMerkleRoot: txMerkleRoot(ids),
      transactionStatusHash: txStatusMerkleRoot(ids.map(() => false)),
      witness: [],
    },
    transactions,
  };
}

/** A witness of `producerCount` slots with `signature` in slot `order` and the others empty. */
export function witnessWith(producerCount: number, order: number, signature: Uint8Array): Uint8Array[] {
  return Array.from({ length: producerCount }, (_, i) => (i === order ? signature : new Uint8Array(0)));
}
