// The part of a transaction's entry graph that both chains build alike (Bytom v1.1.1
// `protocol/bc/types/map.go` mapTx, Vapor's map.go): every input feeds one mux whose program is
// OP_TRUE; every output (or retirement) takes its value from the mux at its own position; the tx
// header lists the result ids; each input's signature hash binds its entry id to the tx id.
import { computeSigHash, muxEntryId, programV1, txHeaderEntryId, type ValueSource } from './entry-id.ts';
import type { AssetAmount } from './types.ts';

const OP_TRUE = 0x51;
const OP_FAIL = 0x6a;
const MUX_PROGRAM = programV1(new Uint8Array([OP_TRUE]));

/** Ids of one transaction's entry graph, computed once and shared by every later check. */
export type TxEntries = {
  readonly txId: Uint8Array;
  readonly muxId: Uint8Array;
  /** Entry id of each input (issuance / spend / coinbase ...), in input order. */
  readonly inputIds: readonly Uint8Array[];
  /** Asset and amount each input puts into the mux (an issuance's asset id is computed). */
  readonly inputValues: readonly AssetAmount[];
  /** For each spend-like input, the id of the output it spends; undefined for the others. */
  readonly spentOutputIds: readonly (Uint8Array | undefined)[];
  /** Entry id of each output or retirement, in output order. */
  readonly outputIds: readonly Uint8Array[];
  /** Signature hash of each input: SHA3(input entry id || tx id). */
  readonly sigHashes: readonly Uint8Array[];
};

/** Outputs whose program starts with OP_FAIL are retirements (vmutil.IsUnspendable). */
export function isRetirementProgram(controlProgram: Uint8Array): boolean {
  return controlProgram.length > 0 && controlProgram[0] === OP_FAIL;
}

/** What a chain's mapping hands over: its inputs' ids and values, and how to id its outputs. */
export type MappedInputs = {
  readonly inputIds: readonly Uint8Array[];
  readonly inputValues: readonly AssetAmount[];
  readonly spentOutputIds: readonly (Uint8Array | undefined)[];
};

export function assembleTxEntries<O extends AssetAmount>(
  tx: { readonly version: bigint; readonly timeRange: bigint; readonly outputs: readonly O[] },
  mapped: MappedInputs,
  resultEntryId: (source: ValueSource, output: O) => Uint8Array,
  withSigHashes: boolean,
): TxEntries {
  const { inputIds, inputValues } = mapped;
  const sources: ValueSource[] = [];
  for (let i = 0; i < inputIds.length; i++) sources.push({ ref: inputIds[i]!, value: inputValues[i]!, position: 0n });
  const muxId = muxEntryId(sources, MUX_PROGRAM);
  const outputIds: Uint8Array[] = [];
  for (let i = 0; i < tx.outputs.length; i++) {
    const output = tx.outputs[i]!;
    const source = { ref: muxId, value: output, position: BigInt(i) };
    outputIds.push(resultEntryId(source, output));
  }
  const txId = txHeaderEntryId(tx.version, tx.timeRange, outputIds);
  const sigHashes = withSigHashes ? inputIds.map((id) => computeSigHash(id, txId)) : [];
  return { txId, muxId, inputIds, inputValues, spentOutputIds: mapped.spentOutputIds, outputIds, sigHashes };
}
