// Instruction decoding, following Bytom v1.1.1 `protocol/vm/ops.go` (ParseOp, ParseProgram,
// IsPushdata). Lengths are uint32 upstream: a push whose end overflows 32 bits is PROGRAM_OVERFLOW,
// one that runs past the program is SHORT_PROGRAM. Unknown opcodes decode as one-byte instructions.
import { VmError, VmErrorCode } from './errors.ts';
import { isDataOpcode, isSmallIntOpcode, Opcode } from './opcodes.ts';
import { FALSE_BYTES } from './values.ts';

export type Instruction = {
  readonly op: number;
  /** Encoded length, opcode byte included. */
  readonly len: number;
  /** Pushed bytes (a view into the program), the small integer of 1..16, or the 4-byte jump target. */
  readonly data: Uint8Array;
};

const UINT32_MAX = 0xffffffff;
const SMALL_INTS: readonly Uint8Array[] = Array.from({ length: 16 }, (_, i) => Uint8Array.of(i + 1));

export function parseInstruction(program: Uint8Array, pc: number): Instruction {
  const l = program.length;
  if (pc >= l) throw short(pc);
  const op = program[pc]!;
  if (isSmallIntOpcode(op)) return { op, len: 1, data: SMALL_INTS[op - Opcode.TRUE]! };
  if (isDataOpcode(op)) return slice(program, pc, op, 1, op);
  switch (op) {
    case Opcode.PUSHDATA1:
      if (pc + 2 > l) throw short(pc);
      return slice(program, pc, op, 2, program[pc + 1]!);
    case Opcode.PUSHDATA2:
      if (pc + 3 > l) throw short(pc);
      return slice(program, pc, op, 3, program[pc + 1]! | (program[pc + 2]! << 8));
    case Opcode.PUSHDATA4:
      if (pc + 5 > l) throw short(pc);
      return slice(
        program,
        pc,
        op,
        5,
        (program[pc + 1]! | (program[pc + 2]! << 8) | (program[pc + 3]! << 16) | (program[pc + 4]! << 24)) >>> 0,
      );
    case Opcode.JUMP:
    case Opcode.JUMPIF:
      return slice(program, pc, op, 1, 4);
    default:
      return { op, len: 1, data: FALSE_BYTES };
  }
}

export function parseInstructions(program: Uint8Array): Instruction[] {
  const out: Instruction[] = [];
  for (let pc = 0; pc < program.length; ) {
    const inst = parseInstruction(program, pc);
    out.push(inst);
    pc += inst.len;
  }
  return out;
}

/** Upstream `IsPushdata`: FALSE, DATA_n, PUSHDATA1/2/4 and the small integers (not 1NEGATE). */
export function isPushdataInstruction(inst: Instruction): boolean {
  return inst.op <= Opcode.PUSHDATA4 || isSmallIntOpcode(inst.op);
}

function slice(program: Uint8Array, pc: number, op: number, headerLen: number, dataLen: number): Instruction {
  const len = headerLen + dataLen;
  if (len > UINT32_MAX || pc + len > UINT32_MAX) {
    throw new VmError(VmErrorCode.PROGRAM_OVERFLOW, `push at ${pc} ends beyond 2^32`);
  }
  if (pc + len > program.length) throw short(pc);
  return { op, len, data: program.subarray(pc + headerLen, pc + len) };
}

function short(pc: number): VmError {
  return new VmError(VmErrorCode.SHORT_PROGRAM, `unexpected end of program at ${pc}`);
}

/** `parseInstructions`, or undefined for a malformed program (what upstream recognizers treat as "no match"). */
export function tryParseInstructions(program: Uint8Array): Instruction[] | undefined {
  try {
    return parseInstructions(program);
  } catch (err) {
    if (err instanceof VmError) return undefined;
    throw err;
  }
}

/** The address a JUMP or JUMPIF instruction's 4 data bytes encode (uint32, little-endian). */
export function jumpAddress(data: Uint8Array): number {
  return (data[0]! | (data[1]! << 8) | (data[2]! << 16) | (data[3]! << 24)) >>> 0;
}
