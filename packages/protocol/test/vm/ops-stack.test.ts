// Stack opcodes and stack underflow: Bytom v1.1.1 protocol/vm/stack_test.go (TestStackOps,
// TestStackUnderflow).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Opcode as O } from '../../src/vm/opcodes.ts';
import { bytes, errorCode, makeMachine, type OpCase, runOpCases } from './helpers.ts';

const b = (n: number) => bytes(n);

test('stack opcodes (upstream TestStackOps)', () => {
  const cases: OpCase[] = [
    { op: O.TOALTSTACK, start: { runLimit: 50000, dataStack: [b(1)] }, want: { runLimit: 49998, altStack: [b(1)] } },
    { op: O.FROMALTSTACK, start: { runLimit: 50000, altStack: [b(1)] }, want: { runLimit: 49998, dataStack: [b(1)] } },
    { op: O.FROMALTSTACK, start: { runLimit: 50000 }, wantErr: 'ALT_STACK_UNDERFLOW' },
    { op: O['2DROP'], start: { runLimit: 50000, dataStack: [b(1), b(1)] }, want: { runLimit: 50016 } },
    {
      op: O['2DUP'],
      start: { runLimit: 50000, dataStack: [b(2), b(1)] },
      want: { runLimit: 49980, dataStack: [b(2), b(1), b(2), b(1)] },
    },
    {
      op: O['3DUP'],
      start: { runLimit: 50000, dataStack: [b(3), b(2), b(1)] },
      want: { runLimit: 49970, dataStack: [b(3), b(2), b(1), b(3), b(2), b(1)] },
    },
    {
      op: O['2OVER'],
      start: { runLimit: 50000, dataStack: [b(4), b(3), b(2), b(1)] },
      want: { runLimit: 49980, dataStack: [b(4), b(3), b(2), b(1), b(4), b(3)] },
    },
    { op: O['2OVER'], start: { runLimit: 2, dataStack: [b(4), b(3), b(2), b(1)] }, wantErr: 'RUN_LIMIT_EXCEEDED' },
    {
      op: O['2ROT'],
      start: { runLimit: 50000, dataStack: [b(6), b(5), b(4), b(3), b(2), b(1)] },
      want: { runLimit: 49998, dataStack: [b(4), b(3), b(2), b(1), b(6), b(5)] },
    },
    {
      op: O['2SWAP'],
      start: { runLimit: 50000, dataStack: [b(4), b(3), b(2), b(1)] },
      want: { runLimit: 49998, dataStack: [b(2), b(1), b(4), b(3)] },
    },
    { op: O.IFDUP, start: { runLimit: 50000, dataStack: [b(1)] }, want: { runLimit: 49990, dataStack: [b(1), b(1)] } },
    { op: O.IFDUP, start: { runLimit: 50000, dataStack: [bytes()] }, want: { runLimit: 49999, dataStack: [bytes()] } },
    { op: O.IFDUP, start: { runLimit: 1, dataStack: [b(1)] }, wantErr: 'RUN_LIMIT_EXCEEDED' },
    { op: O.DEPTH, start: { runLimit: 50000, dataStack: [b(1)] }, want: { runLimit: 49990, dataStack: [b(1), b(1)] } },
    { op: O.DEPTH, start: { runLimit: 1, dataStack: [b(1)] }, wantErr: 'RUN_LIMIT_EXCEEDED' },
    { op: O.DROP, start: { runLimit: 50000, dataStack: [b(1)] }, want: { runLimit: 50008 } },
    { op: O.DUP, start: { runLimit: 50000, dataStack: [b(1)] }, want: { runLimit: 49990, dataStack: [b(1), b(1)] } },
    { op: O.DUP, start: { runLimit: 1, dataStack: [b(1)] }, wantErr: 'RUN_LIMIT_EXCEEDED' },
    { op: O.NIP, start: { runLimit: 50000, dataStack: [b(2), b(1)] }, want: { runLimit: 50008, dataStack: [b(1)] } },
    {
      op: O.OVER,
      start: { runLimit: 50000, dataStack: [b(2), b(1)] },
      want: { runLimit: 49990, dataStack: [b(2), b(1), b(2)] },
    },
    { op: O.OVER, start: { runLimit: 1, dataStack: [b(2), b(1)] }, wantErr: 'RUN_LIMIT_EXCEEDED' },
    {
      op: O.PICK,
      start: { runLimit: 50000, dataStack: [b(3), b(2), b(1), b(2)] },
      want: { runLimit: 49998, dataStack: [b(3), b(2), b(1), b(3)] },
    },
    {
      op: O.PICK,
      start: { runLimit: 2, dataStack: [bytes(0xff, 0xff), b(2), b(1), b(2)] },
      wantErr: 'RUN_LIMIT_EXCEEDED',
    },
    {
      op: O.ROLL,
      start: { runLimit: 50000, dataStack: [b(3), b(2), b(1), b(2)] },
      want: { runLimit: 50007, dataStack: [b(2), b(1), b(3)] },
    },
    {
      op: O.ROT,
      start: { runLimit: 50000, dataStack: [b(3), b(2), b(1)] },
      want: { runLimit: 49998, dataStack: [b(2), b(1), b(3)] },
    },
    {
      op: O.SWAP,
      start: { runLimit: 50000, dataStack: [b(2), b(1)] },
      want: { runLimit: 49999, dataStack: [b(1), b(2)] },
    },
    {
      op: O.TUCK,
      start: { runLimit: 50000, dataStack: [b(2), b(1)] },
      want: { runLimit: 49990, dataStack: [b(1), b(2), b(1)] },
    },
    { op: O.TUCK, start: { runLimit: 1, dataStack: [b(2), b(1)] }, wantErr: 'RUN_LIMIT_EXCEEDED' },
  ];
  const stackOps = [
    O.DEPTH,
    O.FROMALTSTACK,
    O.TOALTSTACK,
    O['2DROP'],
    O['2DUP'],
    O['3DUP'],
    O['2OVER'],
    O['2ROT'],
    O['2SWAP'],
    O.IFDUP,
    O.DROP,
    O.DUP,
    O.NIP,
    O.OVER,
    O.PICK,
    O.ROLL,
    O.ROT,
    O.SWAP,
    O.TUCK,
  ];
  for (const op of stackOps) cases.push({ op, start: { runLimit: 0 }, wantErr: 'RUN_LIMIT_EXCEEDED' });
  runOpCases(cases);
});

test('PICK and ROLL refuse negative and maximal indices', () => {
  const max = bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f);
  const neg = bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
  runOpCases([
    { op: O.PICK, start: { runLimit: 50000, dataStack: [b(1), neg] }, wantErr: 'BAD_VALUE' },
    { op: O.PICK, start: { runLimit: 50000, dataStack: [b(1), max] }, wantErr: 'BAD_VALUE' },
    { op: O.ROLL, start: { runLimit: 50000, dataStack: [b(1), neg] }, wantErr: 'BAD_VALUE' },
    { op: O.PICK, start: { runLimit: 50000, dataStack: [b(1), b(1)] }, wantErr: 'STACK_UNDERFLOW' },
    {
      op: O.ROLL,
      start: { runLimit: 50000, dataStack: [b(1), bytes(0, 0, 0, 0, 0, 0, 0, 0x40)] },
      wantErr: 'STACK_UNDERFLOW',
    },
  ]);
});

// Each opcode with fewer items than it needs fails with STACK_UNDERFLOW (upstream TestStackUnderflow).
const UNDERFLOW: [number, number][] = [
  [O.INVERT, 1],
  [O.AND, 2],
  [O.OR, 2],
  [O.XOR, 2],
  [O.EQUAL, 2],
  [O.EQUALVERIFY, 2],
  [O.VERIFY, 1],
  [O.CHECKPREDICATE, 3],
  [O.JUMPIF, 1],
  [O.SHA256, 1],
  [O.SHA3, 1],
  [O.CHECKSIG, 3],
  [O.CHECKMULTISIG, 3],
  [O.CHECKOUTPUT, 5],
  [O['1ADD'], 1],
  [O['1SUB'], 1],
  [O['2MUL'], 1],
  [O['2DIV'], 1],
  [O.NEGATE, 1],
  [O.ABS, 1],
  [O.NOT, 1],
  [O['0NOTEQUAL'], 1],
  [O.ADD, 2],
  [O.SUB, 2],
  [O.MUL, 2],
  [O.DIV, 2],
  [O.MOD, 2],
  [O.LSHIFT, 2],
  [O.RSHIFT, 2],
  [O.BOOLAND, 2],
  [O.BOOLOR, 2],
  [O.NUMEQUAL, 2],
  [O.NUMEQUALVERIFY, 2],
  [O.NUMNOTEQUAL, 2],
  [O.LESSTHAN, 2],
  [O.GREATERTHAN, 2],
  [O.LESSTHANOREQUAL, 2],
  [O.GREATERTHANOREQUAL, 2],
  [O.MIN, 2],
  [O.MAX, 2],
  [O.WITHIN, 3],
  [O.CAT, 2],
  [O.SUBSTR, 3],
  [O.LEFT, 2],
  [O.RIGHT, 2],
  [O.SIZE, 1],
  [O.CATPUSHDATA, 2],
  [O.TOALTSTACK, 1],
  [O['2DROP'], 2],
  [O['2DUP'], 2],
  [O['3DUP'], 3],
  [O['2OVER'], 4],
  [O['2ROT'], 6],
  [O['2SWAP'], 4],
  [O.IFDUP, 1],
  [O.DROP, 1],
  [O.DUP, 1],
  [O.NIP, 2],
  [O.OVER, 2],
  [O.PICK, 2],
  [O.ROLL, 2],
  [O.ROT, 3],
  [O.SWAP, 2],
  [O.TUCK, 2],
];

test('stack underflow (upstream TestStackUnderflow)', () => {
  for (const [op, needed] of UNDERFLOW) {
    for (let n = 0; n < needed; n++) {
      const vm = makeMachine({ runLimit: 50000, dataStack: Array.from({ length: n }, () => bytes()) });
      const handler = vm.execution.ops[op]!;
      assert.equal(
        errorCode(() => handler(vm)),
        'STACK_UNDERFLOW',
        `opcode 0x${op.toString(16)} with ${n} items`,
      );
    }
  }
});
