// Stored UTXO records and the protocol's UTXO entries (what stage 2 reads and produces), both ways:
// the record's kind flags (coinbase, vote, cross-chain marker) are the entry's kind.
import type { UtxoChange, UtxoEntry } from '@bystack/protocol';
import type { UtxoRecord } from './types.ts';

/** A stored output as the protocol's UTXO checks read it. */
export function utxoEntryOf(r: UtxoRecord): UtxoEntry {
  const kind = r.crossChain ? 'crossChain' : r.vote ? 'vote' : r.coinbase ? 'coinbase' : 'normal';
  return {
    kind,
    height: BigInt(r.height),
    assetId: r.assetId,
    amount: r.amount,
    controlProgram: r.controlProgram,
    ...(r.vote ? { vote: r.vote } : {}),
  };
}

/** An output a block at `height` creates, as the store files it. */
export function utxoRecordOf(c: UtxoChange, height: number): UtxoRecord {
  const { kind, assetId, amount, controlProgram, vote } = c.entry;
  return {
    outputId: c.outputId,
    assetId,
    amount,
    controlProgram,
    height,
    coinbase: kind === 'coinbase',
    ...(kind === 'vote' ? { vote } : {}),
    ...(kind === 'crossChain' ? { crossChain: true } : {}),
  };
}
