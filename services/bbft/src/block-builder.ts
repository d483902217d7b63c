// What a producer adds to the protocol's block assembly (sidechain/assembly.ts): the coinbase's gas
// (taken off the block gas cap before reaping) and the reaped transactions decoded, with the ids the
// mempool computed at admission (so that the block's merkle root maps no transaction again). Pure.
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

/** Reaped transactions decoded, with their wire bytes and, when the mempool gave them, their ids. */
export type DecodedReap = {
  readonly txs: SideTx[];
  readonly bytes: Uint8Array[];
  /** One per tx when the mempool answered one per reaped tx; undefined: computed by the assembly. */
  readonly ids: Uint8Array[] | undefined;
  readonly undecodable: number;
};

/**
 * Reaped wire bytes decoded; a transaction that does not decode is dropped (and counted) with its id.
 * The ids are the mempool's (what it computed at admission), not checked here: the producer's own
 * node validates the block before it is signed, and a wrong id is a wrong merkle root there.
 */
export function decodeReaped(raw: readonly Uint8Array[], rawIds: readonly Uint8Array[] = []): DecodedReap {
  const withIds = rawIds.length === raw.length;
  const txs: SideTx[] = [];
  const bytes: Uint8Array[] = [];
  const ids: Uint8Array[] = [];
  let undecodable = 0;
  raw.forEach((b, i) => {
    try {
      txs.push(decodeSideTx(b));
    } catch {
      undecodable++;
      return;
    }
    bytes.push(b);
    if (withIds) ids.push(rawIds[i]!);
  });
  return { txs, bytes, ids: withIds ? ids : undefined, undecodable };
}
