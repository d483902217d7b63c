// Stored UTXO records and the protocol's UTXO entries (what stage 2 reads and produces), both ways:
// the record's kind flags (coinbase, vote, cross-chain marker) are the entry's kind. Built without
// spreads: a block converts ~15,000 of them on the validator's main thread.
import type { UtxoChange, UtxoEntry } from '@bystack/protocol';
import type { UtxoRecord } from './types.ts';

/** A stored output as the protocol's UTXO checks read it. */
export function utxoEntryOf(r: UtxoRecord): UtxoEntry {
  const { assetId, amount, controlProgram, vote } = r;
  const height = BigInt(r.height);
  if (r.crossChain) return { kind: 'crossChain', height, assetId, amount, controlProgram };
  if (vote) return { kind: 'vote', height, assetId, amount, controlProgram, vote };
  return { kind: r.coinbase ? 'coinbase' : 'normal', height, assetId, amount, controlProgram };
}

/** An output a block at `height` creates, as the store files it. */
export function utxoRecordOf(c: UtxoChange, height: number): UtxoRecord {
  const { kind, assetId, amount, controlProgram, vote } = c.entry;
  const outputId = c.outputId;
  if (kind === 'vote') return { outputId, assetId, amount, controlProgram, height, coinbase: false, vote };
  if (kind === 'crossChain')
    return { outputId, assetId, amount, controlProgram, height, coinbase: false, crossChain: true };
  return { outputId, assetId, amount, controlProgram, height, coinbase: kind === 'coinbase' };
}
