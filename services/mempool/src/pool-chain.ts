// The chain a mempool serves, as admission and the chain follower need it: the main chain's (Bytom)
// or a side chain's (Vapor: cross-chain, vote and veto entries, peg-ins checked against the
// federation's program) transaction codec, stateless checks and UTXO rules, and what a committed
// block does to the pool (the txs it confirms, the outputs it spends or mints).
import {
  blockId,
  connectSideTx,
  connectTx,
  createSideTxEntries,
  createTxEntries,
  decodeBlock,
  decodeSideBlock,
  decodeSideTx,
  decodeTx,
  encodeSideTx,
  encodeTx,
  type MainChainParams,
  type SideChainParams,
  sideBlockId,
  type TxEntries,
  type TxValidationResult,
  type UtxoChanges,
  type UtxoView,
  validateSideTxStateless,
  validateTxStateless,
} from '@bystack/protocol';
import type { ChainTip } from '@bystack/runtime';
import { hexKey } from './hex.ts';

/** A decoded transaction with its rules bound. */
export interface CandidateTx {
  readonly timeRange: bigint;
  readonly entries: TxEntries;
  /** Output ids it consumes: the outputs it spends; on a side chain also the main-chain outputs it mints. */
  readonly consumes: readonly Uint8Array[];
  /** The protocol's stateless checks (signatures deferred as sets) for a block at `blockHeight`. */
  check(blockHeight: bigint): TxValidationResult;
  /** The UTXO changes it makes on top of `view` at `blockHeight` (throws the protocol's error). */
  connect(view: UtxoView, blockHeight: bigint): UtxoChanges;
}

/** A transaction of a committed block, as the pool reads it. */
export type BlockTx = {
  readonly key: string;
  readonly coinbase: boolean;
  /** Hex ids of the outputs it spends or mints: a pending tx consuming one of them conflicts. */
  readonly consumes: readonly string[];
  /** Wire bytes (a reorganization offers detached txs to admission again). */
  encode(): Uint8Array;
};

export type PoolBlock = { readonly tip: ChainTip; readonly txs: readonly BlockTx[] };

export interface PoolChain {
  decodeTx(bytes: Uint8Array): CandidateTx;
  decodeBlock(bytes: Uint8Array): PoolBlock;
}

function consumed(entries: TxEntries & { readonly mainchainOutputIds?: readonly (Uint8Array | undefined)[] }) {
  const ids: Uint8Array[] = [];
  for (const id of entries.spentOutputIds) if (id !== undefined) ids.push(id);
  for (const id of entries.mainchainOutputIds ?? []) if (id !== undefined) ids.push(id);
  return ids;
}

/** A chain's transaction and block codec and its rules, for `poolChainOf`. */
type ChainTxRules<T extends AnyTx, E extends TxEntries, B extends AnyBlock<T>> = {
  decodeTx(bytes: Uint8Array): T;
  encodeTx(tx: T): Uint8Array;
  entries(tx: T): E;
  check(tx: T, entries: E, blockHeight: bigint): TxValidationResult;
  connect(view: UtxoView, tx: T, entries: E, blockHeight: bigint): UtxoChanges;
  decodeBlock(bytes: Uint8Array): B;
  blockId(block: B): Uint8Array;
};

type AnyTx = { readonly timeRange: bigint; readonly inputs: readonly { readonly type: string }[] };
type AnyBlock<T> = { readonly header: { readonly height: bigint }; readonly transactions: readonly T[] };

function poolChainOf<T extends AnyTx, E extends TxEntries, B extends AnyBlock<T>>(r: ChainTxRules<T, E, B>): PoolChain {
  return {
    decodeTx(bytes) {
      const tx = r.decodeTx(bytes);
      const entries = r.entries(tx);
      return {
        timeRange: tx.timeRange,
        entries,
        consumes: consumed(entries),
        check: (blockHeight) => r.check(tx, entries, blockHeight),
        connect: (view, blockHeight) => r.connect(view, tx, entries, blockHeight),
      };
    },
    decodeBlock(bytes) {
      const block = r.decodeBlock(bytes);
      return {
        tip: { height: Number(block.header.height), blockId: r.blockId(block) },
        txs: block.transactions.map((tx, i) => {
          const entries = r.entries(tx);
          const coinbase = i === 0 || tx.inputs.some((input) => input.type === 'coinbase');
          return {
            key: hexKey(entries.txId),
            coinbase,
            consumes: consumed(entries).map(hexKey),
            encode: () => r.encodeTx(tx),
          };
        }),
      };
    },
  };
}

export function mainPoolChain(params: MainChainParams): PoolChain {
  return poolChainOf({
    decodeTx,
    encodeTx,
    entries: createTxEntries,
    check: (tx, entries, blockHeight) => validateTxStateless(tx, entries, { params, blockHeight }),
    connect: (view, tx, entries, blockHeight) => connectTx(view, tx, entries, { params, blockHeight }),
    decodeBlock,
    blockId: (block) => blockId(block.header),
  });
}

/** A side chain's pool; peg-ins must satisfy `federationProgram`. */
export function sidePoolChain(params: SideChainParams, federationProgram: Uint8Array): PoolChain {
  const { consensus } = params;
  return poolChainOf({
    decodeTx: decodeSideTx,
    encodeTx: encodeSideTx,
    entries: createSideTxEntries,
    check: (tx, entries, blockHeight) =>
      validateSideTxStateless(tx, entries, { params, consensus, federationProgram, blockHeight }),
    connect: (view, tx, entries, blockHeight) => connectSideTx(view, tx, entries, { params, blockHeight }),
    decodeBlock: decodeSideBlock,
    blockId: (block) => sideBlockId(block.header),
  });
}
