// Stage 1's side of the node's filed transaction checks (the protocol's tx-checks-filed.ts): the
// mempool filed each transaction it admitted, keyed by the hash of its wire bytes in the space of the
// chain's rules; here a block's transactions (not its coinbase) are hashed from the block's own bytes
// and looked up in one call, and stage 1 checks only the ones not found. A found record also stands for
// its signatures, verified when the mempool admitted it: the signature cache is trusted the same
// way (whoever can write the node's Redis can already lie about its UTXOs). A Redis that fails, or a
// record that does not unpack, costs time (those transactions are checked here), never a verdict.
import { filedTxCheckKey, type TxCheckRecord, unpackTxCheckRecord } from '@bystack/protocol';
import type { Logger, RedisTxCheckCache } from '@bystack/runtime';

export type FiledTxChecksOptions = {
  readonly cache: Pick<RedisTxCheckCache, 'lookup' | 'forget'>;
  /** The protocol's txChecksFingerprint of the chain. */
  readonly fingerprint: Uint8Array;
  readonly log: Logger;
};

/** A block's filed records: by transaction index (undefined: not filed; never the coinbase). */
export type FiledLookup = {
  readonly records: readonly (TxCheckRecord | undefined)[];
  readonly keys: readonly Uint8Array[];
};

/**
 * Blocks with fewer transactions besides the coinbase are checked without asking: a lookup waits a
 * Redis round trip, which a PSWV window pays block after block (pswv-catchup.test's catch-up of
 * one-peg-in blocks fell under its 5x with a lookup each), to save checks of a few tens of us each.
 */
export const FILED_MIN_TXS = 8;

/** How many of the transactions looked up were found filed, since start. */
export type FiledTxCheckStats = { hits: number; misses: number };

export class FiledTxChecks {
  readonly stats: FiledTxCheckStats = { hits: 0, misses: 0 };
  readonly #o: FiledTxChecksOptions;

  constructor(opts: FiledTxChecksOptions) {
    this.#o = opts;
  }

  /**
   * The records filed for the transactions of the block `blockBytes` (each as long as its decoded
   * `serializedSize`, back to back at the block's end); undefined when none is (or on any failure,
   * or for a block of fewer than FILED_MIN_TXS).
   */
  async lookup(
    blockBytes: Uint8Array | undefined,
    txs: readonly { readonly serializedSize?: number | undefined }[],
  ): Promise<FiledLookup | undefined> {
    if (blockBytes === undefined || txs.length - 1 < FILED_MIN_TXS) return undefined;
    const keys = txKeys(blockBytes, txs);
    if (keys === undefined) return undefined;
    let values: (Uint8Array | undefined)[];
    try {
      values = await this.#o.cache.lookup(this.#o.fingerprint, keys);
    } catch (err) {
      this.#o.log.warn('filed tx checks unavailable; checking every tx', { err });
      return undefined;
    }
    const records: (TxCheckRecord | undefined)[] = [undefined];
    const found: Uint8Array[] = [];
    values.forEach((value, i) => {
      const record = value === undefined ? undefined : unpacked(value);
      records.push(record);
      if (record !== undefined) found.push(keys[i]!);
    });
    this.stats.hits += found.length;
    this.stats.misses += keys.length - found.length;
    return found.length === 0 ? undefined : { records, keys: found };
  }

  /** The records a block that passed stage 1 used are not needed again; removed in the background. */
  forget(lookup: FiledLookup): void {
    this.#o.cache.forget(this.#o.fingerprint, lookup.keys).catch((err: unknown) => {
      this.#o.log.warn('removing used tx check records failed (they expire)', { err });
    });
  }
}

function unpacked(value: Uint8Array): TxCheckRecord | undefined {
  try {
    return unpackTxCheckRecord(value);
  } catch {
    return undefined;
  }
}

/** The keys of transactions 1.. of the block, or undefined when the sizes do not fit its bytes. */
function txKeys(
  blockBytes: Uint8Array,
  txs: readonly { readonly serializedSize?: number | undefined }[],
): Uint8Array[] | undefined {
  let total = 0;
  for (const tx of txs) {
    if (tx.serializedSize === undefined) return undefined;
    total += tx.serializedSize;
  }
  if (total > blockBytes.length) return undefined;
  let offset = blockBytes.length - total + txs[0]!.serializedSize!;
  const keys: Uint8Array[] = [];
  for (let i = 1; i < txs.length; i++) {
    const end = offset + txs[i]!.serializedSize!;
    keys.push(filedTxCheckKey(blockBytes.subarray(offset, end)));
    offset = end;
  }
  return keys;
}
