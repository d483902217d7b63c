// A devnet peg-in: a side-chain transaction minting a main-chain output (one cross-chain input of
// BTM, signed by the devnet federation key) and paying it to a program, less a fee. This is how
// funds appear on a side devnet until the federation service relays real main-chain deposits.
import { BTM_ASSET_ID } from '../chain/constants.ts';
import { type XPrv, xprvSign } from '../keys/chainkd.ts';
import { createSideTxEntries } from '../sidechain/tx-entries.ts';
import type { SideCrossChainInput, SideTx } from '../sidechain/types.ts';
import { devnetFederationScript, devnetFederationXPrv } from './devnet.ts';

export type DevnetPegIn = {
  /** The main-chain output being minted: its source id (unique per peg-in) and position. */
  readonly sourceId: Uint8Array;
  readonly sourcePosition?: bigint;
  readonly amount: bigint;
  readonly fee: bigint;
  /** Who receives `amount - fee` on the side chain. */
  readonly controlProgram: Uint8Array;
  /** Sign with another key instead of the federation's (an invalid peg-in, for tests). */
  readonly signedBy?: XPrv;
};

export function createDevnetPegIn(p: DevnetPegIn): SideTx {
  const input: SideCrossChainInput = {
    type: 'crossChain',
    sourceId: p.sourceId,
    assetId: BTM_ASSET_ID,
    amount: p.amount,
    sourcePosition: p.sourcePosition ?? 0n,
    controlProgram: p.controlProgram,
    issuanceVmVersion: 1n,
    assetDefinition: new TextEncoder().encode('{}'),
    issuanceProgram: new Uint8Array(0),
    arguments: [],
  };
  const unsigned: SideTx = {
    version: 1n,
    timeRange: 0n,
    inputs: [input],
    outputs: [
      { type: 'intraChain', assetId: BTM_ASSET_ID, amount: p.amount - p.fee, controlProgram: p.controlProgram },
    ],
  };
  const sigHash = createSideTxEntries(unsigned).sigHashes[0]!;
  const signature = xprvSign(p.signedBy ?? devnetFederationXPrv(), sigHash);
  return { ...unsigned, inputs: [{ ...input, arguments: [signature, devnetFederationScript()] }] };
}
