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
import { bytesEqual, type ChainTip } from '@bystack/runtime';
import { hexKey } from './hex.ts';
import { wireFingerprint } from './wire-fingerprint.ts';

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

/** A transaction of a block as its wire bytes, nothing hashed. */
export type WireTx = {
  readonly coinbase: boolean;
  /** Wire bytes, a view into the block's (a reorganization offers detached txs to admission again). */
  readonly bytes: Uint8Array;
};

/** A transaction of a committed block, as the pool reads it. */
export type BlockTx = WireTx & {
  readonly key: string;
  /** Hex ids of the outputs it spends or mints: a pending tx consuming one of them conflicts. */
  readonly consumes: readonly string[];
};

export type PoolBlock<T extends WireTx = BlockTx> = { readonly tip: ChainTip; readonly txs: readonly T[] };

/** What a committed block does to the pool: the txs it confirms, the outputs it spends or mints. */
export type BlockEffects = {
  /** Hex ids of its txs. */
  readonly txKeys: readonly string[];
  /** Hex ids of the outputs its txs consume: a pending tx consuming one of them conflicts. */
  readonly consumes: readonly string[];
  /**
   * Given when `consumes` is the block's net change (as the validator files it: without the outputs
   * its own txs create and spend again): whether the block leaves output `out` unspent.
   */
  readonly leavesUnspent?: (out: string) => boolean;
};

/** The effects of a decoded block. */
export function poolBlockEffects(block: PoolBlock): BlockEffects {
  const consumes: string[] = [];
  for (const tx of block.txs) for (const out of tx.consumes) consumes.push(out);
  return { txKeys: block.txs.map((tx) => tx.key), consumes };
}

/** A lookup's answer for a block tx whose effects the pool reflects already: left out of the block. */
export const SETTLED = 'settled';

/**
 * What the pool already knows of a tx with exactly these wire bytes: its id and consumed outputs,
 * SETTLED, or undefined when it knows nothing (the tx is hashed).
 */
export type PendingTxLookup = (
  txBytes: Uint8Array,
) => { readonly key: string; readonly consumes: readonly string[] } | typeof SETTLED | undefined;

/** The txs of some blocks found by their wire bytes, remembering which were asked for. */
export class WireTxMatch {
  readonly #byWire = new Map<number, WireTx>();
  readonly #found = new Set<WireTx>();

  constructor(blocks: readonly PoolBlock<WireTx>[]) {
    for (const block of blocks) for (const tx of block.txs) this.#byWire.set(wireFingerprint(tx.bytes), tx);
  }

  /** Whether one of the txs has exactly these bytes (it is then found). */
  find(txBytes: Uint8Array): boolean {
    const tx = this.#byWire.get(wireFingerprint(txBytes));
    if (tx === undefined || !bytesEqual(tx.bytes, txBytes)) return false;
    this.#found.add(tx);
    return true;
  }

  /** `blocks` without the txs found. */
  unfound(blocks: readonly PoolBlock<WireTx>[]): PoolBlock<WireTx>[] {
    return blocks.map(({ tip, txs }) => ({ tip, txs: txs.filter((tx) => !this.#found.has(tx)) }));
  }
}

export interface PoolChain {
  decodeTx(bytes: Uint8Array): CandidateTx;
  /**
   * A committed block's txs. With `pending`, a tx whose wire bytes a pending tx has takes its id
   * and consumed outputs from the pool instead of hashing its entries again (most of a block's cost).
   */
  decodeBlock(bytes: Uint8Array, pending?: PendingTxLookup): PoolBlock;
  /** A block's txs as wire bytes: nothing hashed but its header. */
  wireTxs(bytes: Uint8Array): PoolBlock<WireTx>;
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

type AnyTx = {
  readonly timeRange: bigint;
  readonly inputs: readonly { readonly type: string }[];
  readonly serializedSize?: number | undefined;
};
type AnyBlock<T> = { readonly header: { readonly height: bigint }; readonly transactions: readonly T[] };

/**
 * Where each tx's wire bytes lie in `blockBytes`: a block ends with its tx list, each tx as long
 * as the decoder measured it, so the last ends at the block's end and each other where the next
 * starts. Undefined when a size is missing.
 */
function txSpans(blockBytes: Uint8Array, txs: readonly AnyTx[]): { start: number; end: number }[] | undefined {
  const spans: { start: number; end: number }[] = new Array(txs.length);
  let end = blockBytes.length;
  for (let i = txs.length - 1; i >= 0; i--) {
    const size = txs[i]!.serializedSize;
    if (size === undefined || size > end) return undefined;
    spans[i] = { start: end - size, end };
    end -= size;
  }
  return spans;
}

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
    decodeBlock(bytes, pending) {
      const { tip, txs } = split(bytes);
      const out: BlockTx[] = [];
      for (const { tx, coinbase, bytes: txBytes } of txs) {
        const known = pending?.(txBytes);
        if (known === SETTLED) continue;
        if (known !== undefined) {
          out.push({ key: known.key, coinbase, consumes: known.consumes, bytes: txBytes });
          continue;
        }
        const entries = r.entries(tx);
        out.push({ key: hexKey(entries.txId), coinbase, consumes: consumed(entries).map(hexKey), bytes: txBytes });
      }
      return { tip, txs: out };
    },
    wireTxs(bytes) {
      const { tip, txs } = split(bytes);
      return { tip, txs: txs.map(({ coinbase, bytes: txBytes }) => ({ coinbase, bytes: txBytes })) };
    },
  };

  /** A block's tip and each tx decoded with its wire bytes. */
  function split(bytes: Uint8Array): { tip: ChainTip; txs: (WireTx & { tx: T })[] } {
    const block = r.decodeBlock(bytes);
    const spans = txSpans(bytes, block.transactions);
    return {
      tip: { height: Number(block.header.height), blockId: r.blockId(block) },
      txs: block.transactions.map((tx, i) => {
        const coinbase = i === 0 || tx.inputs.some((input) => input.type === 'coinbase');
        const span = spans?.[i];
        return { tx, coinbase, bytes: span === undefined ? r.encodeTx(tx) : bytes.subarray(span.start, span.end) };
      }),
    };
  }
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
