// Opcode numbers and names, following Bytom v1.1.1 `protocol/vm/ops.go`; Vapor adds MULFRACTION.
// Opcodes 0x01..0x4b are DATA_1..DATA_75 (push that many following bytes); 0x51..0x60 push 1..16.
// Every byte without a name is an expansion opcode (a NOP, or disallowed in version-1 transactions).

export const Opcode = {
  FALSE: 0x00,
  DATA_1: 0x01,
  DATA_20: 0x14,
  DATA_32: 0x20,
  DATA_75: 0x4b,
  PUSHDATA1: 0x4c,
  PUSHDATA2: 0x4d,
  PUSHDATA4: 0x4e,
  '1NEGATE': 0x4f,
  TRUE: 0x51,
  '1': 0x51,
  '2': 0x52,
  '3': 0x53,
  '4': 0x54,
  '5': 0x55,
  '6': 0x56,
  '7': 0x57,
  '16': 0x60,
  NOP: 0x61,

  JUMP: 0x63,
  JUMPIF: 0x64,
  VERIFY: 0x69,
  FAIL: 0x6a,
  CHECKPREDICATE: 0xc0,

  TOALTSTACK: 0x6b,
  FROMALTSTACK: 0x6c,
  '2DROP': 0x6d,
  '2DUP': 0x6e,
  '3DUP': 0x6f,
  '2OVER': 0x70,
  '2ROT': 0x71,
  '2SWAP': 0x72,
  IFDUP: 0x73,
  DEPTH: 0x74,
  DROP: 0x75,
  DUP: 0x76,
  NIP: 0x77,
  OVER: 0x78,
  PICK: 0x79,
  ROLL: 0x7a,
  ROT: 0x7b,
  SWAP: 0x7c,
  TUCK: 0x7d,

  CAT: 0x7e,
  SUBSTR: 0x7f,
  LEFT: 0x80,
  RIGHT: 0x81,
  SIZE: 0x82,
  CATPUSHDATA: 0x89,

  INVERT: 0x83,
  AND: 0x84,
  OR: 0x85,
  XOR: 0x86,
  EQUAL: 0x87,
  EQUALVERIFY: 0x88,

  '1ADD': 0x8b,
  '1SUB': 0x8c,
  '2MUL': 0x8d,
  '2DIV': 0x8e,
  NEGATE: 0x8f,
  ABS: 0x90,
  NOT: 0x91,
  '0NOTEQUAL': 0x92,
  ADD: 0x93,
  SUB: 0x94,
  MUL: 0x95,
  DIV: 0x96,
  MOD: 0x97,
  LSHIFT: 0x98,
  RSHIFT: 0x99,
  BOOLAND: 0x9a,
  BOOLOR: 0x9b,
  NUMEQUAL: 0x9c,
  NUMEQUALVERIFY: 0x9d,
  NUMNOTEQUAL: 0x9e,
  LESSTHAN: 0x9f,
  GREATERTHAN: 0xa0,
  LESSTHANOREQUAL: 0xa1,
  GREATERTHANOREQUAL: 0xa2,
  MIN: 0xa3,
  MAX: 0xa4,
  WITHIN: 0xa5,
  /** Side chain only (Vapor); an expansion opcode on the main chain. */
  MULFRACTION: 0xa6,

  SHA256: 0xa8,
  SHA3: 0xaa,
  HASH160: 0xab,
  CHECKSIG: 0xac,
  CHECKMULTISIG: 0xad,
  TXSIGHASH: 0xae,

  CHECKOUTPUT: 0xc1,
  ASSET: 0xc2,
  AMOUNT: 0xc3,
  PROGRAM: 0xc4,
  INDEX: 0xc9,
  ENTRYID: 0xca,
  OUTPUTID: 0xcb,
  BLOCKHEIGHT: 0xcd,
} as const;

/** Upstream name of each opcode (`ops[op].name`): DATA_n, 1..16, and `NOPxNN` for expansion opcodes. */
export const OPCODE_NAMES: readonly string[] = (() => {
  const names: string[] = [];
  for (let op = 0; op < 256; op++) {
    if (isDataOpcode(op)) names.push(`DATA_${op}`);
    else if (isSmallIntOpcode(op)) names.push(`${op - Opcode.TRUE + 1}`);
    else names.push(`NOPx${op.toString(16).padStart(2, '0')}`);
  }
  for (const [name, op] of Object.entries(Opcode)) if (!isDataOpcode(op) && !isSmallIntOpcode(op)) names[op] = name;
  return names;
})();

export function isSmallIntOpcode(op: number): boolean {
  return op >= Opcode.TRUE && op <= Opcode['16'];
}

export function isDataOpcode(op: number): boolean {
  return op >= Opcode.DATA_1 && op <= Opcode.DATA_75;
}
