// A main-chain transaction (Bytom v1.1.1) as the shared rules see it (tx-facts.ts), and the
// main chain's rule switches.
import { encodeTx } from '../chain/tx-codec.ts';
import type { TxEntries } from '../chain/tx-graph.ts';
import { isRetirementProgram } from '../chain/tx-graph.ts';
import type { Tx, TxInput, TxOutput } from '../chain/types.ts';
import type { MainChainParams } from '../config/params.ts';
import { checkEntriesShape } from './entries-shape.ts';
import type { InputFacts, OutputFacts, TxFacts, TxRules } from './tx-facts.ts';

/** Control programs of spent outputs always run on VM version 1 (the decoder refuses others). */
const CONTROL_PROGRAM_VM_VERSION = 1n;

export function mainTxRules(params: MainChainParams): TxRules {
  return {
    gas: { ...params.gas, creditAddsToGasLeft: false },
    gasWithoutNativeAsset: false,
    standardNativePrograms: true,
    sideChainVm: false,
    coinbaseArbitrarySizeLimit: params.coinbaseArbitrarySizeLimit,
    minVoteOutputAmount: undefined,
  };
}

/** The decoder sets the size; a transaction built in memory is encoded to learn it. */
export function mainTxSize(tx: Tx): number {
  return tx.serializedSize ?? encodeTx(tx).length;
}

export function mainTxFacts(tx: Tx, entries: TxEntries): TxFacts {
  checkEntriesShape(tx, entries);
  return {
    version: tx.version,
    timeRange: tx.timeRange,
    inputs: tx.inputs.map((input, i) => inputFacts(input, entries, i)),
    outputs: tx.outputs.map(outputFacts),
    entries,
  };
}

function inputFacts(input: TxInput, entries: TxEntries, i: number): InputFacts {
  const value = entries.inputValues[i]!;
  switch (input.type) {
    case 'spend':
      return {
        kind: 'spend',
        assetId: value.assetId,
        amount: value.amount,
        program: { vmVersion: CONTROL_PROGRAM_VM_VERSION, code: input.controlProgram },
        args: input.arguments,
        spentOutputId: entries.spentOutputIds[i],
      };
    case 'issuance':
      return {
        kind: 'issuance',
        assetId: value.assetId,
        amount: value.amount,
        program: { vmVersion: input.vmVersion, code: input.issuanceProgram },
        args: input.arguments,
        spentOutputId: undefined,
      };
    case 'coinbase':
      return {
        kind: 'coinbase',
        assetId: value.assetId,
        amount: value.amount,
        program: undefined,
        args: [],
        spentOutputId: undefined,
        arbitrary: input.arbitrary,
      };
  }
}

function outputFacts(output: TxOutput): OutputFacts {
  return {
    kind: isRetirementProgram(output.controlProgram) ? 'retirement' : 'output',
    assetId: output.assetId,
    amount: output.amount,
    controlProgram: output.controlProgram,
  };
}
