// From the chain's list of a program's unspent outputs to coins the wallet can spend. A spend input
// carries the whole output it spends (source mux id, position, asset, amount, program), and the
// chain lists only the output id and its height: the source comes from the block at that height,
// whose transactions' entry graphs name each output id and the mux it came from.
import { type Block, createTxEntries } from '@bystack/protocol';
import { toHex } from '../hex.ts';
import { WalletError, WalletErrorCode } from './errors.ts';
import type { ListedUtxo, SpendableUtxo } from './types.ts';

/** What the wallet reads from the chain (implemented over ChainService, or in memory in tests). */
export interface UtxoChainReader {
  listUtxos(controlProgram: Uint8Array): Promise<readonly ListedUtxo[]>;
  blockAt(height: bigint): Promise<Block>;
  /** Of `outputIds`, the hex ids of those pending transactions spend (the node's mempool). */
  pendingSpends?(outputIds: readonly Uint8Array[]): Promise<ReadonlySet<string>>;
}

export type SpendableOptions = {
  /** Height of the next block: coinbase outputs spendable there are kept. */
  readonly nextHeight: bigint;
  readonly coinbaseMaturity: number;
  /** Output ids to leave out (spent by a transaction of ours not yet confirmed). */
  readonly exclude?: ReadonlySet<string>;
};

/** Whether a coin may be spent in the block at `nextHeight` (coinbase maturity). */
export function isMature(utxo: Pick<ListedUtxo, 'height' | 'coinbase'>, nextHeight: bigint, maturity: number): boolean {
  return !utxo.coinbase || utxo.height + BigInt(maturity) <= nextHeight;
}

/** The program's coins spendable in the next block, each with its source. */
export async function spendableUtxos(
  reader: UtxoChainReader,
  controlProgram: Uint8Array,
  opts: SpendableOptions,
): Promise<SpendableUtxo[]> {
  const listed = (await reader.listUtxos(controlProgram)).filter(
    (u) => isMature(u, opts.nextHeight, opts.coinbaseMaturity) && !opts.exclude?.has(toHex(u.outputId)),
  );
  // A coin a pending transaction spends (sent a moment ago, not yet in a block) is not spendable.
  const pending =
    listed.length > 0 && reader.pendingSpends ? await reader.pendingSpends(listed.map((u) => u.outputId)) : undefined;
  return resolveSources(reader, pending ? listed.filter((u) => !pending.has(toHex(u.outputId))) : listed);
}

/** Adds the source (mux id, position) of each listed output, reading each block once. */
export async function resolveSources(
  reader: Pick<UtxoChainReader, 'blockAt'>,
  listed: readonly ListedUtxo[],
): Promise<SpendableUtxo[]> {
  const sources = new Map<string, { sourceId: Uint8Array; sourcePosition: bigint }>();
  const heights = [...new Set(listed.map((u) => u.height))];
  for (const height of heights) {
    const block = await reader.blockAt(height);
    for (const tx of block.transactions) {
      const entries = createTxEntries(tx);
      entries.outputIds.forEach((id, position) => {
        sources.set(toHex(id), { sourceId: entries.muxId, sourcePosition: BigInt(position) });
      });
    }
  }
  return listed.map((u) => {
    const source = sources.get(toHex(u.outputId));
    if (source === undefined) {
      throw new WalletError(
        WalletErrorCode.UTXO_SOURCE_NOT_FOUND,
        `output ${toHex(u.outputId)} is not in the block at height ${u.height}`,
      );
    }
    return { ...u, ...source };
  });
}
