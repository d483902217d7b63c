// Witness program recognition and expansion, following Bytom v1.1.1 `consensus/segwit/segwit.go`
// and `protocol/validation/vmcontext.go` (witnessProgram); the side chain also expands Vapor's
// magnetic-contract programs (`magnetic.ts`).
//
// The recognizers are upstream's, loose as they are: the first instruction may be any opcode up
// to OP_16 (a push included). Only version 0 (`OP_0`) expands; any other such program runs as it is.
import { Opcode } from '../opcodes.ts';
import { type Instruction, tryParseInstructions } from '../parse.ts';
import { createP2MCScript, decodeP2WMCInstructions } from './magnetic.ts';
import { createP2PKHSigScript, createP2SHScript, PUBKEY_HASH_LENGTH, SCRIPT_HASH_LENGTH } from './programs.ts';

/** Upstream IsP2WPKHScript: `<version> <20 bytes>`. */
export function isP2WPKHProgram(program: Uint8Array): boolean {
  return pubKeyHashOf(tryParseInstructions(program)) !== undefined;
}

/** Upstream IsP2WSHScript: `<version> <32 bytes>`. */
export function isP2WSHProgram(program: Uint8Array): boolean {
  return scriptHashOf(tryParseInstructions(program)) !== undefined;
}

/** Upstream IsStraightforward: exactly TRUE or exactly FAIL. */
export function isStraightforwardProgram(program: Uint8Array): boolean {
  const insts = tryParseInstructions(program);
  return insts?.length === 1 && (insts[0]!.op === Opcode.TRUE || insts[0]!.op === Opcode.FAIL);
}

/** Upstream IsP2WScript: a P2WPKH, P2WSH or straightforward program. */
export function isP2WProgram(program: Uint8Array): boolean {
  const insts = tryParseInstructions(program);
  return pubKeyHashOf(insts) !== undefined || scriptHashOf(insts) !== undefined || isStraightforwardProgram(program);
}

/** The hash a P2WPKH or P2WSH program commits to (upstream GetHashFromStandardProg), else undefined. */
export function getWitnessProgramHash(program: Uint8Array): Uint8Array | undefined {
  const insts = tryParseInstructions(program);
  return pubKeyHashOf(insts) ?? scriptHashOf(insts);
}

/**
 * The program the VM actually runs for a committed control program (upstream `witnessProgram`):
 * version-0 P2WPKH and P2WSH programs (and, on the side chain, P2WMC programs) expand to their
 * scripts; every other program runs as it is.
 */
export function expandWitnessProgram(program: Uint8Array, sideChain = false): Uint8Array {
  // Fast path for the two standard shapes, `00 14 <20 bytes>` and `00 20 <32 bytes>`.
  if (program[0] === Opcode.FALSE && program.length === 2 + program[1]!) {
    if (program[1] === PUBKEY_HASH_LENGTH) return createP2PKHSigScript(program.subarray(2));
    if (program[1] === SCRIPT_HASH_LENGTH) return createP2SHScript(program.subarray(2));
  }
  const insts = tryParseInstructions(program);
  if (insts === undefined) return program;
  const versionZero = insts[0]?.op === Opcode.FALSE;
  const pubKeyHash = pubKeyHashOf(insts);
  if (pubKeyHash !== undefined) return versionZero ? createP2PKHSigScript(pubKeyHash) : program;
  const scriptHash = scriptHashOf(insts);
  if (scriptHash !== undefined) return versionZero ? createP2SHScript(scriptHash) : program;
  const magnetic = sideChain ? decodeP2WMCInstructions(insts) : undefined;
  return magnetic === undefined ? program : createP2MCScript(magnetic);
}

function pubKeyHashOf(insts: readonly Instruction[] | undefined): Uint8Array | undefined {
  return witnessHashOf(insts, Opcode.DATA_20, PUBKEY_HASH_LENGTH);
}

function scriptHashOf(insts: readonly Instruction[] | undefined): Uint8Array | undefined {
  return witnessHashOf(insts, Opcode.DATA_32, SCRIPT_HASH_LENGTH);
}

function witnessHashOf(
  insts: readonly Instruction[] | undefined,
  pushOp: number,
  length: number,
): Uint8Array | undefined {
  if (insts?.length !== 2 || insts[0]!.op > Opcode['16']) return undefined;
  const push = insts[1]!;
  return push.op === pushOp && push.data.length === length ? push.data : undefined;
}
