// What an input's program may learn about its transaction, Bytom v1.1.1
// `protocol/validation/vmcontext.go` (NewTxVMContext, entryContext.checkOutput; Vapor alike).
// Every input feeds the mux, so CHECKOUTPUT's `index` is an output position: an output or a vote
// matches on its program and value, a retirement on its value with VM version 0 and an empty
// program (any program under `expansion`), a peg-out output never (Vapor ErrContext). A cross-chain
// input may not call CHECKOUTPUT at all (Vapor: its entry type is not handled there).
import { equalBytes } from '../encoding/bytes.ts';
import type { CheckOutputFn, VmContext } from '../vm/context.ts';
import { VmError, VmErrorCode } from '../vm/errors.ts';
import type { OutputFacts, TxFacts } from './tx-facts.ts';

/** The version of every control program an output commits to. */
const OUTPUT_VM_VERSION = 1n;
/** A retirement has no program: upstream compares against an empty bc.Program. */
const RETIREMENT_VM_VERSION = 0n;

export function createCheckOutput(outputs: readonly OutputFacts[]): CheckOutputFn {
  return (index, amount, assetId, vmVersion, code, expansion) => {
    const output = index < BigInt(outputs.length) ? outputs[Number(index)] : undefined;
    if (output === undefined) {
      throw new VmError(VmErrorCode.BAD_VALUE, `output index ${index} >= ${outputs.length}`);
    }
    let matches: boolean;
    switch (output.kind) {
      case 'output':
      case 'vote':
        matches = vmVersion === OUTPUT_VM_VERSION && equalBytes(output.controlProgram, code);
        break;
      case 'retirement':
        matches = vmVersion === RETIREMENT_VM_VERSION && (expansion || code.length === 0);
        break;
      case 'crossChain':
        throw new VmError(VmErrorCode.CONTEXT, 'CHECKOUTPUT on a cross-chain output');
    }
    return matches && output.amount === amount && equalBytes(output.assetId, assetId);
  };
}

function checkOutputUnavailable(): never {
  throw new VmError(VmErrorCode.CONTEXT, 'CHECKOUTPUT from a cross-chain input');
}

/**
 * The VM context of input `inputIndex`; `checkOutput` is shared by the transaction's inputs.
 * `onBlockHeight` is told when the program reads the block height.
 */
export function createInputVmContext(
  facts: TxFacts,
  inputIndex: number,
  blockHeight: bigint,
  checkOutput: CheckOutputFn,
  sideChain: boolean,
  onBlockHeight?: () => void,
): VmContext {
  const input = facts.inputs[inputIndex]!;
  const { entries } = facts;
  return {
    txVersion: facts.version,
    get blockHeight() {
      onBlockHeight?.();
      return blockHeight;
    },
    entryId: entries.inputIds[inputIndex],
    txSigHash: () => entries.sigHashes[inputIndex]!,
    assetId: input.assetId,
    amount: input.amount,
    destPos: BigInt(inputIndex),
    spentOutputId: input.spentOutputId,
    checkOutput: input.kind === 'crossChain' ? checkOutputUnavailable : checkOutput,
    sideChain,
  };
}
