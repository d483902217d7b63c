// Opcode dispatch tables, following Bytom v1.1.1 `protocol/vm/ops.go` (`ops`, `isExpansion`) and
// Vapor's, which adds MULFRACTION. An undefined entry is an expansion opcode.
import type { OpHandler, OpTable } from '../machine.ts';
import { isDataOpcode, isSmallIntOpcode, Opcode } from '../opcodes.ts';
import * as bitwise from './bitwise.ts';
import * as control from './control.ts';
import * as crypto from './crypto.ts';
import * as introspection from './introspection.ts';
import * as numeric from './numeric.ts';
import * as pushdata from './pushdata.ts';
import * as splice from './splice.ts';
import * as stack from './stack.ts';

const NAMED: Readonly<Record<number, OpHandler>> = {
  [Opcode.FALSE]: pushdata.opFalse,
  [Opcode.PUSHDATA1]: pushdata.opPushdata,
  [Opcode.PUSHDATA2]: pushdata.opPushdata,
  [Opcode.PUSHDATA4]: pushdata.opPushdata,
  [Opcode['1NEGATE']]: pushdata.op1Negate,
  [Opcode.NOP]: pushdata.opNop,

  [Opcode.JUMP]: control.opJump,
  [Opcode.JUMPIF]: control.opJumpIf,
  [Opcode.VERIFY]: control.opVerify,
  [Opcode.FAIL]: control.opFail,
  [Opcode.CHECKPREDICATE]: control.opCheckPredicate,

  [Opcode.TOALTSTACK]: stack.opToAltStack,
  [Opcode.FROMALTSTACK]: stack.opFromAltStack,
  [Opcode['2DROP']]: stack.op2Drop,
  [Opcode['2DUP']]: stack.op2Dup,
  [Opcode['3DUP']]: stack.op3Dup,
  [Opcode['2OVER']]: stack.op2Over,
  [Opcode['2ROT']]: stack.op2Rot,
  [Opcode['2SWAP']]: stack.op2Swap,
  [Opcode.IFDUP]: stack.opIfDup,
  [Opcode.DEPTH]: stack.opDepth,
  [Opcode.DROP]: stack.opDrop,
  [Opcode.DUP]: stack.opDup,
  [Opcode.NIP]: stack.opNip,
  [Opcode.OVER]: stack.opOver,
  [Opcode.PICK]: stack.opPick,
  [Opcode.ROLL]: stack.opRoll,
  [Opcode.ROT]: stack.opRot,
  [Opcode.SWAP]: stack.opSwap,
  [Opcode.TUCK]: stack.opTuck,

  [Opcode.CAT]: splice.opCat,
  [Opcode.SUBSTR]: splice.opSubstr,
  [Opcode.LEFT]: splice.opLeft,
  [Opcode.RIGHT]: splice.opRight,
  [Opcode.SIZE]: splice.opSize,
  [Opcode.CATPUSHDATA]: splice.opCatpushdata,

  [Opcode.INVERT]: bitwise.opInvert,
  [Opcode.AND]: bitwise.opAnd,
  [Opcode.OR]: bitwise.opOr,
  [Opcode.XOR]: bitwise.opXor,
  [Opcode.EQUAL]: bitwise.opEqual,
  [Opcode.EQUALVERIFY]: bitwise.opEqualVerify,

  [Opcode['1ADD']]: numeric.op1Add,
  [Opcode['1SUB']]: numeric.op1Sub,
  [Opcode['2MUL']]: numeric.op2Mul,
  [Opcode['2DIV']]: numeric.op2Div,
  [Opcode.NEGATE]: numeric.opNegate,
  [Opcode.ABS]: numeric.opAbs,
  [Opcode.NOT]: numeric.opNot,
  [Opcode['0NOTEQUAL']]: numeric.op0NotEqual,
  [Opcode.ADD]: numeric.opAdd,
  [Opcode.SUB]: numeric.opSub,
  [Opcode.MUL]: numeric.opMul,
  [Opcode.DIV]: numeric.opDiv,
  [Opcode.MOD]: numeric.opMod,
  [Opcode.LSHIFT]: numeric.opLshift,
  [Opcode.RSHIFT]: numeric.opRshift,
  [Opcode.BOOLAND]: numeric.opBoolAnd,
  [Opcode.BOOLOR]: numeric.opBoolOr,
  [Opcode.NUMEQUAL]: numeric.opNumEqual,
  [Opcode.NUMEQUALVERIFY]: numeric.opNumEqualVerify,
  [Opcode.NUMNOTEQUAL]: numeric.opNumNotEqual,
  [Opcode.LESSTHAN]: numeric.opLessThan,
  [Opcode.GREATERTHAN]: numeric.opGreaterThan,
  [Opcode.LESSTHANOREQUAL]: numeric.opLessThanOrEqual,
  [Opcode.GREATERTHANOREQUAL]: numeric.opGreaterThanOrEqual,
  [Opcode.MIN]: numeric.opMin,
  [Opcode.MAX]: numeric.opMax,
  [Opcode.WITHIN]: numeric.opWithin,

  [Opcode.SHA256]: crypto.opSha256,
  [Opcode.SHA3]: crypto.opSha3,
  [Opcode.HASH160]: crypto.opHash160,
  [Opcode.CHECKSIG]: crypto.opCheckSig,
  [Opcode.CHECKMULTISIG]: crypto.opCheckMultiSig,
  [Opcode.TXSIGHASH]: crypto.opTxSigHash,

  [Opcode.CHECKOUTPUT]: introspection.opCheckOutput,
  [Opcode.ASSET]: introspection.opAsset,
  [Opcode.AMOUNT]: introspection.opAmount,
  [Opcode.PROGRAM]: introspection.opProgram,
  [Opcode.INDEX]: introspection.opIndex,
  [Opcode.ENTRYID]: introspection.opEntryId,
  [Opcode.OUTPUTID]: introspection.opOutputId,
  [Opcode.BLOCKHEIGHT]: introspection.opBlockHeight,
};

function buildTable(extra: Readonly<Record<number, OpHandler>>): OpTable {
  const table: (OpHandler | undefined)[] = [];
  for (let op = 0; op < 256; op++) {
    table.push(isDataOpcode(op) || isSmallIntOpcode(op) ? pushdata.opPushdata : (NAMED[op] ?? extra[op]));
  }
  return table;
}

export const MAIN_CHAIN_OPS: OpTable = buildTable({});
export const SIDE_CHAIN_OPS: OpTable = buildTable({ [Opcode.MULFRACTION]: numeric.opMulFraction });
