// Public API of the virtual machine (Bytom v1.1.1 `protocol/vm`, `vmutil`, `consensus/segwit`).
export { assembleProgram, disassembleProgram } from './assemble.ts';
export type { CheckOutputFn, VmContext } from './context.ts';
export { isVmError, VmError, VmErrorCode } from './errors.ts';
export { OPCODE_NAMES, Opcode } from './opcodes.ts';
export { type Instruction, isPushdataInstruction, parseInstruction, parseInstructions } from './parse.ts';
export { pushdataBytes, pushdataInt64 } from './pushdata.ts';
export {
  type SignaturePair,
  type VerifySignatureFn,
  type VmSignatureSet,
  verifyVmSignatureSet,
  verifyVmSignatureSets,
  vmSignatureSetHolds,
  vmSignatureSetPairs,
} from './signatures.ts';
export { ProgramBuilder } from './standard/builder.ts';
export {
  createP2MCScript,
  createP2WMCProgram,
  decodeP2WMCProgram,
  isP2WMCProgram,
  type MagneticContractArgs,
} from './standard/magnetic.ts';
export {
  createCoinbaseProgram,
  createMultisigScript,
  createP2PKHSigScript,
  createP2SHScript,
  createP2WPKHProgram,
  createP2WSHProgram,
  createRetireProgram,
  getIssuanceProgramRestrictHeight,
  isUnspendableProgram,
} from './standard/programs.ts';
export {
  expandWitnessProgram,
  getWitnessProgramHash,
  isP2WPKHProgram,
  isP2WProgram,
  isP2WSHProgram,
  isStraightforwardProgram,
} from './standard/segwit.ts';
export { boolToVmBytes, int64ToVmBytes, vmBytesToBool, vmBytesToInt64 } from './values.ts';
export { type VerifyProgramOptions, type VerifyProgramResult, type VmProgram, verifyProgram } from './verify.ts';
