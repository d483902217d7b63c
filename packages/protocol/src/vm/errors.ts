// Typed errors of the virtual machine, one code per upstream error of Bytom v1.1.1
// `protocol/vm/errors.go` (plus `math/checked.ErrOverflow` and the tooling errors of the
// assembler and builders), and one of ours: DEFERRAL_UNSOUND.
import { ProtocolError } from '../errors.ts';

export const VmErrorCode = {
  /** FROMALTSTACK on an empty alt stack (`ErrAltStackUnderflow`). */
  ALT_STACK_UNDERFLOW: 'ALT_STACK_UNDERFLOW',
  /** An operand is out of its domain: negative count, non-32-byte message, over-long number (`ErrBadValue`). */
  BAD_VALUE: 'BAD_VALUE',
  /** An opcode needs a context value the caller did not give (`ErrContext`). */
  CONTEXT: 'CONTEXT',
  /** An opcode needs more data-stack items than there are (`ErrDataStackUnderflow`). */
  STACK_UNDERFLOW: 'STACK_UNDERFLOW',
  /** An expansion (undefined) opcode in a version-1 transaction (`ErrDisallowedOpcode`). */
  DISALLOWED_OPCODE: 'DISALLOWED_OPCODE',
  /** DIV, MOD or MULFRACTION by zero (`ErrDivZero`). */
  DIV_ZERO: 'DIV_ZERO',
  /** The program ended with an empty stack or a false top item (`ErrFalseVMResult`). */
  FALSE_RESULT: 'FALSE_RESULT',
  /** An int64 result overflowed (`ErrRange`). */
  RANGE: 'RANGE',
  /** FAIL (0x6a) executed (`ErrReturn`). */
  FAIL_EXECUTED: 'FAIL_EXECUTED',
  /** The gas budget is exhausted (`ErrRunLimitExceeded`). */
  RUN_LIMIT_EXCEEDED: 'RUN_LIMIT_EXCEEDED',
  /** A push or jump runs past the end of the program (`ErrShortProgram`). */
  SHORT_PROGRAM: 'SHORT_PROGRAM',
  /** A push length makes the program counter overflow 32 bits (`checked.ErrOverflow`). */
  PROGRAM_OVERFLOW: 'PROGRAM_OVERFLOW',
  /** A program with a VM version other than 1 (`ErrUnsupportedVM`). */
  UNSUPPORTED_VM: 'UNSUPPORTED_VM',
  /** VERIFY, EQUALVERIFY or NUMEQUALVERIFY on a false value (`ErrVerifyFailed`). */
  VERIFY_FAILED: 'VERIFY_FAILED',
  /** A caller-supplied callback threw something that is not a protocol error (upstream `ErrUnexpected`). */
  UNEXPECTED: 'UNEXPECTED',
  /** A malformed assembler token or label (`ErrToken`). */
  BAD_TOKEN: 'BAD_TOKEN',
  /** A builder jump whose target was never set (`vmutil.ErrUnresolvedJump`). */
  UNRESOLVED_JUMP: 'UNRESOLVED_JUMP',
  /** A gas limit that is not a non-negative safe integer. */
  BAD_GAS_LIMIT: 'BAD_GAS_LIMIT',
  /** Strict signature mode without a `verify` function. */
  NO_VERIFIER: 'NO_VERIFIER',
  /**
   * Deferred signature mode met a program whose outcome could depend on a signature being invalid
   * (see `deferral.ts`); it must be run in strict mode. Never an upstream outcome: it only says which
   * mode can decide.
   */
  DEFERRAL_UNSOUND: 'DEFERRAL_UNSOUND',
} as const;
export type VmErrorCode = (typeof VmErrorCode)[keyof typeof VmErrorCode];

export class VmError extends ProtocolError<VmErrorCode> {
  /** Gas left when a program run failed (upstream `Verify` returns it with the error). */
  gasLeft: number | undefined;
}

export function isVmError(err: unknown): err is VmError {
  return err instanceof VmError;
}
