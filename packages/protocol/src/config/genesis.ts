// Genesis blocks built from parameters: the shape of Bytom's `config/genesis.go` (one coinbase
// paying the genesis subsidy to one program) and of Vapor's, for devnets and new side chains.

import { blockId } from '../chain/block-codec.ts';
import { BTM_ASSET_ID } from '../chain/constants.ts';
import { txMerkleRoot, txStatusMerkleRoot } from '../chain/merkle-roots.ts';
import { txId } from '../chain/tx-entries.ts';
import type { Block, BlockHeader, Tx } from '../chain/types.ts';
import { checkProofOfWork } from '../pow/difficulty.ts';
import { initialTensoritySeed } from '../pow/seed-schedule.ts';
import { createTensorityCache, tensorityWithCache } from '../pow/tensority.ts';
import { sideTxId } from '../sidechain/tx-entries.ts';
import type { SideBlock, SideTx } from '../sidechain/types.ts';

export type MainGenesisOptions = {
  /** Where the genesis subsidy goes. */
  readonly controlProgram: Uint8Array;
  readonly amount: bigint;
  /** Seconds since the Unix epoch. */
  readonly timestamp: bigint;
  readonly bits: bigint;
  /** The coinbase's free data (Bytom's mainnet says "Information is power. ..."). */
  readonly arbitrary: Uint8Array;
  /** Nonce to start the search at (default 0). */
  readonly startNonce?: bigint;
};

/**
 * A main-chain genesis block whose proof of work holds: the nonce is searched from `startNonce`
 * with Tensority on the initial seed. Meant for tiny devnet difficulties, where the first nonce or
 * two succeed; on a real difficulty this would run for ever.
 */
export function createMainGenesisBlock(opts: MainGenesisOptions): Block {
  const tx: Tx = {
    version: 1n,
    timeRange: 0n,
    inputs: [{ type: 'coinbase', arbitrary: opts.arbitrary }],
    outputs: [{ assetId: BTM_ASSET_ID, amount: opts.amount, controlProgram: opts.controlProgram }],
  };
  const cache = createTensorityCache(initialTensoritySeed());
  for (let nonce = opts.startNonce ?? 0n; ; nonce++) {
    const header: BlockHeader = {
      version: 1n,
      height: 0n,
      previousBlockId: new Uint8Array(32),
      timestamp: opts.timestamp,
      transactionsMerkleRoot: txMerkleRoot([txId(tx)]),
      transactionStatusHash: txStatusMerkleRoot([false]),
      nonce,
      bits: opts.bits,
    };
    if (checkProofOfWork(tensorityWithCache(cache, blockId(header)), opts.bits)) {
      return { header, transactions: [tx] };
    }
  }
}

export type SideGenesisOptions = {
  readonly controlProgram: Uint8Array;
  readonly amount: bigint;
  /** Milliseconds since the Unix epoch. */
  readonly timestampMs: bigint;
  readonly arbitrary: Uint8Array;
};

/** A side-chain genesis block: one coinbase with one intra-chain output, no producer signatures. */
export function createSideGenesisBlock(opts: SideGenesisOptions): SideBlock {
  const tx: SideTx = {
    version: 1n,
    timeRange: 0n,
    inputs: [{ type: 'coinbase', arbitrary: opts.arbitrary }],
    outputs: [{ type: 'intraChain', assetId: BTM_ASSET_ID, amount: opts.amount, controlProgram: opts.controlProgram }],
  };
  return {
    header: {
      version: 1n,
      height: 0n,
      previousBlockId: new Uint8Array(32),
      timestamp: opts.timestampMs,
      transactionsMerkleRoot: txMerkleRoot([sideTxId(tx)]),
      transactionStatusHash: txStatusMerkleRoot([false]),
      witness: [],
    },
    transactions: [tx],
  };
}
