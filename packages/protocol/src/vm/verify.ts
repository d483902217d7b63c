// Running a control or issuance program against its witness, following Bytom v1.1.1
// `protocol/vm/vm.go` (Verify) with the program expansion of `protocol/validation/vmcontext.go`.
import { ProtocolError } from '../errors.ts';
import type { VmContext } from './context.ts';
import { createStrictChecker, SignatureDeferral } from './deferral.ts';
import { VmError, VmErrorCode } from './errors.ts';
import { type Execution, Machine } from './machine.ts';
import { MAIN_CHAIN_OPS, SIDE_CHAIN_OPS } from './ops/table.ts';
import type { VerifySignatureFn, VmSignatureSet } from './signatures.ts';
import { expandWitnessProgram } from './standard/segwit.ts';

/** A program as committed in an output or an issuance (`bc.Program`). */
export type VmProgram = { readonly vmVersion: bigint; readonly code: Uint8Array };

export type VerifyProgramOptions = {
  /** Gas available to this program (upstream passes the transaction's remaining gas). */
  readonly gasLimit: number;
  /**
   * strict: CHECKSIG/CHECKMULTISIG call `verify` at once. deferred: they assume success and return
   * the checks as `signatureSets`, which the caller must all verify (see `deferral.ts`); a program
   * for which that would not be exact is rerun strictly if `verify` is given, else DEFERRAL_UNSOUND.
   */
  readonly signatures: 'strict' | 'deferred';
  /** Ed25519 verification with Bytom's semantics; required in strict mode. */
  readonly verify?: VerifySignatureFn;
};

export type VerifyProgramResult = {
  readonly gasLeft: number;
  readonly gasUsed: number;
  /** Deferred mode: checks assumed to hold, all of which must be verified. Empty after a strict run. */
  readonly signatureSets: readonly VmSignatureSet[];
};

/**
 * Runs `program` with `args` pushed first; it succeeds iff it ends without error with a true top
 * item. Otherwise throws a `VmError` whose `gasLeft` is upstream's remaining gas. P2WPKH and P2WSH
 * programs (P2WMC too on the side chain) run as their expansion, as upstream validation does.
 */
export function verifyProgram(
  program: VmProgram,
  args: readonly Uint8Array[],
  context: VmContext,
  options: VerifyProgramOptions,
): VerifyProgramResult {
  const { gasLimit, signatures, verify } = options;
  if (!Number.isSafeInteger(gasLimit) || gasLimit < 0) {
    throw new VmError(VmErrorCode.BAD_GAS_LIMIT, `gas limit ${gasLimit} is not a non-negative safe integer`);
  }
  if (signatures === 'strict' && verify === undefined) {
    throw new VmError(VmErrorCode.NO_VERIFIER, 'strict signature mode needs a verify function');
  }
  if (program.vmVersion !== 1n) {
    throw failed(new VmError(VmErrorCode.UNSUPPORTED_VM, `VM version ${program.vmVersion}`), gasLimit);
  }
  try {
    return run(program, args, context, gasLimit, signatures === 'strict' ? verify : undefined);
  } catch (err) {
    if (!(err instanceof VmError && err.code === VmErrorCode.DEFERRAL_UNSOUND) || verify === undefined) throw err;
    return run(program, args, context, gasLimit, verify);
  }
}

/** One run: strict when `verify` is given, deferred otherwise. */
function run(
  program: VmProgram,
  args: readonly Uint8Array[],
  context: VmContext,
  gasLimit: number,
  verify: VerifySignatureFn | undefined,
): VerifyProgramResult {
  const deferral = verify === undefined ? new SignatureDeferral() : undefined;
  const sideChain = context.sideChain === true;
  const code = expandWitnessProgram(program.code, sideChain);
  const execution: Execution = {
    context,
    code,
    ops: sideChain ? SIDE_CHAIN_OPS : MAIN_CHAIN_OPS,
    signatures: deferral ?? createStrictChecker(verify!),
    deferral,
  };
  const vm = new Machine(execution, code, gasLimit, [], context.txVersion === 1n);
  try {
    for (const arg of args) vm.push(arg, false);
    vm.run();
    if (vm.falseResult()) throw new VmError(VmErrorCode.FALSE_RESULT, 'false VM result');
    deferral?.finish(vm);
  } catch (err) {
    deferral?.checkFailure(vm, err);
    throw failed(err, vm.runLimit);
  }
  return { gasLeft: vm.runLimit, gasUsed: gasLimit - vm.runLimit, signatureSets: deferral?.sets ?? [] };
}

/** Adds the gas left; a non-protocol error thrown by a context callback becomes UNEXPECTED (upstream recovers panics so). */
function failed(err: unknown, gasLeft: number): ProtocolError {
  const vmErr = err instanceof ProtocolError ? err : new VmError(VmErrorCode.UNEXPECTED, String(err), { cause: err });
  if (vmErr instanceof VmError) vmErr.gasLeft = gasLeft;
  return vmErr;
}
