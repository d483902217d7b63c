// Devnet side-chain payments: a coin (an output of a side-chain transaction) spent by the chainkd
// key its pay-to-key program names (devnetControlProgram), signed over the input's sighash, as a
// wallet would. Load generators and benches build their transfers with these.
import { type XPrv, xprvSign, xprvToXPub, xpubToPublicKey } from '../keys/chainkd.ts';
import { createSideTxEntries } from '../sidechain/tx-entries.ts';
import type { SideTx } from '../sidechain/types.ts';
import { devnetControlProgram } from './devnet.ts';

/** A side-chain output: where it comes from (its transaction's mux and its position) and what it holds. */
export type DevnetSideCoin = {
  readonly sourceId: Uint8Array;
  readonly sourcePosition: bigint;
  readonly assetId: Uint8Array;
  readonly amount: bigint;
};

/** The outputs of `tx`, as coins. */
export function devnetSideCoinsOf(tx: SideTx): DevnetSideCoin[] {
  const { muxId } = createSideTxEntries(tx);
  return tx.outputs.map((o, i) => ({
    sourceId: muxId,
    sourcePosition: BigInt(i),
    assetId: o.assetId,
    amount: o.amount,
  }));
}

/** `coin` (held by `owner`'s devnet program) paid to `outputs` (program, amount) and signed by `owner`. */
export function createDevnetSideSpend(
  owner: XPrv,
  coin: DevnetSideCoin,
  outputs: readonly (readonly [Uint8Array, bigint])[],
): SideTx {
  const ownerXPub = xprvToXPub(owner);
  const input = { type: 'spend' as const, ...coin, controlProgram: devnetControlProgram(ownerXPub) };
  const unsigned: SideTx = {
    version: 1n,
    timeRange: 0n,
    inputs: [{ ...input, arguments: [] }],
    outputs: outputs.map(([controlProgram, amount]) => ({
      type: 'intraChain',
      assetId: coin.assetId,
      amount,
      controlProgram,
    })),
  };
  const sigHash = createSideTxEntries(unsigned).sigHashes[0]!;
  return { ...unsigned, inputs: [{ ...input, arguments: [xprvSign(owner, sigHash), xpubToPublicKey(ownerXPub)] }] };
}
