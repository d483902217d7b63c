// Text form of programs, following Bytom v1.1.1 `protocol/vm/assemble.go`: for tests and tooling.
// Assembly tokens: opcode names, decimal int64s, 0x-hex and 'quoted' strings (backslash escapes
// the next byte) as shortest pushes, `$label` definitions and `JUMP:$label` / `JUMPIF:1234`.
import { VmError, VmErrorCode } from './errors.ts';
import { OPCODE_NAMES, Opcode } from './opcodes.ts';
import { jumpAddress, parseInstruction } from './parse.ts';
import { pushdataBytes, pushdataInt64 } from './pushdata.ts';
import { INT64_MAX, INT64_MIN } from './values.ts';

/** Names the assembler accepts: every named opcode (not expansion NOPs), plus "0" and "TRUE". */
const OPCODES_BY_NAME: ReadonlyMap<string, number> = new Map([
  ...OPCODE_NAMES.flatMap((name, op): [string, number][] => (name.startsWith('NOPx') ? [] : [[name, op]])),
  ['0', Opcode.FALSE],
  ['TRUE', Opcode.TRUE],
]);

const LABEL_WORDS =
  'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whisky xray yankee zulu'.split(
    ' ',
  );

export function assembleProgram(source: string): Uint8Array {
  const out: number[] = [];
  const labels = new Map<string, number>();
  const uses: [label: string, at: number][] = [];
  const emit = (bytes: ArrayLike<number>) => {
    for (let i = 0; i < bytes.length; i++) out.push(bytes[i]!);
  };
  for (const token of tokenize(source)) {
    const op = OPCODES_BY_NAME.get(token);
    if (op !== undefined) {
      if (token.startsWith('PUSHDATA') || token.startsWith('JUMP')) throw badToken(token);
      out.push(op);
    } else if (token.startsWith('JUMP:') || token.startsWith('JUMPIF:')) {
      const [name, target] = token.split(':', 2) as [string, string];
      out.push(name === 'JUMP' ? Opcode.JUMP : Opcode.JUMPIF);
      if (target.startsWith('$')) {
        uses.push([target, out.length]);
        emit([0, 0, 0, 0]);
      } else {
        if (!/^\d+$/.test(target) || Number(target) > 0xffffffff) throw badToken(token);
        emit(uint32le(Number(target)));
      }
    } else if (token.startsWith('$')) {
      if (labels.has(token)) throw badToken(`label ${token} redefined`);
      labels.set(token, out.length);
    } else if (token.startsWith('0x')) {
      const hex = token.slice(2);
      if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw badToken(token);
      emit(pushdataBytes(Uint8Array.from(Buffer.from(hex, 'hex'))));
    } else if (token.length >= 2 && token.startsWith("'") && token.endsWith("'")) {
      emit(pushdataBytes(unquote(token)));
    } else if (/^[+-]?\d+$/.test(token) && BigInt(token) >= INT64_MIN && BigInt(token) <= INT64_MAX) {
      emit(pushdataInt64(BigInt(token)));
    } else {
      throw badToken(token);
    }
  }
  for (const [label, at] of uses) {
    const address = labels.get(label);
    if (address === undefined) throw badToken(`undefined label ${label}`);
    out.splice(at, 4, ...uint32le(address));
  }
  return Uint8Array.from(out);
}

/** Instructions as text: pushes as 0x-hex, jump targets as generated labels. */
export function disassembleProgram(program: Uint8Array): string {
  const insts = [];
  const labels = new Map<number, string>();
  for (let pc = 0; pc < program.length; ) {
    const inst = parseInstruction(program, pc);
    if (inst.op === Opcode.JUMP || inst.op === Opcode.JUMPIF) {
      const address = jumpAddress(inst.data);
      if (!labels.has(address)) {
        const n = labels.size;
        const word = LABEL_WORDS[n % LABEL_WORDS.length]!;
        labels.set(address, n >= LABEL_WORDS.length ? `${word}${Math.floor(n / LABEL_WORDS.length) + 1}` : word);
      }
    }
    insts.push({ pc, inst });
    pc += inst.len;
  }
  const words: string[] = [];
  for (const { pc, inst } of insts) {
    const label = labels.get(pc);
    if (label !== undefined) words.push(`$${label}`);
    if (inst.op === Opcode.JUMP || inst.op === Opcode.JUMPIF) {
      words.push(`${OPCODE_NAMES[inst.op]}:$${labels.get(jumpAddress(inst.data))}`);
    } else {
      words.push(inst.data.length > 0 ? `0x${Buffer.from(inst.data).toString('hex')}` : OPCODE_NAMES[inst.op]!);
    }
  }
  const end = labels.get(program.length);
  if (end !== undefined) words.push(`$${end}`);
  return words.join(' ');
}

/** Whitespace-separated words; a word starting with a quote runs to the closing unescaped quote. */
function* tokenize(source: string): Generator<string> {
  let i = 0;
  while (i < source.length) {
    if (/\s/.test(source[i]!)) {
      i++;
      continue;
    }
    const start = i;
    if (source[i] === "'") {
      for (i++; i < source.length && source[i] !== "'"; i++) if (source[i] === '\\') i++;
      if (i >= source.length) throw badToken('unterminated quote');
      i++;
    } else {
      while (i < source.length && !/\s/.test(source[i]!)) i++;
    }
    yield source.slice(start, i);
  }
}

function unquote(token: string): Uint8Array {
  const bytes = new TextEncoder().encode(token.slice(1, -1));
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x5c) i++;
    if (i < bytes.length) out.push(bytes[i]!);
  }
  return Uint8Array.from(out);
}

function uint32le(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
}

function badToken(token: string): VmError {
  return new VmError(VmErrorCode.BAD_TOKEN, `unrecognized token ${token}`);
}
