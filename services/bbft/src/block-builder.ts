// What a producer adds to the protocol's block assembly (sidechain/assembly.ts): the coinbase's gas
// (taken off the block gas cap before reaping) and the reaped transactions decoded. Pure.
import {
  createSideTxEntries,
  decodeSideTx,
  type SideChainParams,
  type SideTx,
  validateSideTxStateless,
} from '@bystack/protocol';

/** Gas the coinbase uses (the protocol's stateless check sizes it: it runs no program, has no signature). */
export function coinbaseGas(params: SideChainParams, coinbase: SideTx, height: bigint): number {
  return validateSideTxStateless(coinbase, createSideTxEntries(coinbase), {
    params,
    consensus: params.consensus,
    federationProgram: new Uint8Array(0),
    blockHeight: height,
    txIndex: 0,
  }).gasUsed;
}

/** Reaped wire bytes decoded; a transaction that does not decode is dropped (and counted). */
export function decodeReaped(raw: readonly Uint8Array[]): { txs: SideTx[]; undecodable: number } {
  const txs: SideTx[] = [];
  let undecodable = 0;
  for (const bytes of raw) {
    try {
      txs.push(decodeSideTx(bytes));
    } catch {
      undecodable++;
    }
  }
  return { txs, undecodable };
}
