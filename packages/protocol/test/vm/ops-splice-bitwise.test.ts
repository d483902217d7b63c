// Byte-string and bitwise opcodes: Bytom v1.1.1 protocol/vm/splice_test.go (TestSpliceOps) and
// bitwise_test.go (TestBitwiseOps).
import { test } from 'node:test';
import { Opcode as O } from '../../src/vm/opcodes.ts';
import { ascii, bytes, i64, type OpCase, runOpCases } from './helpers.ts';

const hw = ascii('helloworld');

test('splice opcodes (upstream TestSpliceOps)', () => {
  const cases: OpCase[] = [
    {
      op: O.CAT,
      start: { runLimit: 50000, dataStack: [ascii('hello'), ascii('world')] },
      want: { runLimit: 49986, deferredCost: -18, dataStack: [hw] },
    },
    { op: O.CAT, start: { runLimit: 4, dataStack: [ascii('hello'), ascii('world')] }, wantErr: 'RUN_LIMIT_EXCEEDED' },
    {
      op: O.SUBSTR,
      start: { runLimit: 50000, dataStack: [hw, bytes(3), bytes(5)] },
      want: { runLimit: 49991, deferredCost: -28, dataStack: [ascii('lowor')] },
    },
    { op: O.SUBSTR, start: { runLimit: 50000, dataStack: [hw, bytes(3), i64(-1)] }, wantErr: 'BAD_VALUE' },
    { op: O.SUBSTR, start: { runLimit: 50000, dataStack: [hw, i64(-1), bytes(5)] }, wantErr: 'BAD_VALUE' },
    { op: O.SUBSTR, start: { runLimit: 50000, dataStack: [hw, bytes(6), bytes(5)] }, wantErr: 'BAD_VALUE' },
    { op: O.SUBSTR, start: { runLimit: 4, dataStack: [hw, bytes(3), bytes(5)] }, wantErr: 'RUN_LIMIT_EXCEEDED' },
    {
      op: O.LEFT,
      start: { runLimit: 50000, dataStack: [hw, bytes(5)] },
      want: { runLimit: 49991, deferredCost: -19, dataStack: [ascii('hello')] },
    },
    { op: O.LEFT, start: { runLimit: 50000, dataStack: [hw, i64(-1)] }, wantErr: 'BAD_VALUE' },
    { op: O.LEFT, start: { runLimit: 50000, dataStack: [hw, bytes(11)] }, wantErr: 'BAD_VALUE' },
    { op: O.LEFT, start: { runLimit: 4, dataStack: [hw, bytes(5)] }, wantErr: 'RUN_LIMIT_EXCEEDED' },
    {
      op: O.RIGHT,
      start: { runLimit: 50000, dataStack: [hw, bytes(5)] },
      want: { runLimit: 49991, deferredCost: -19, dataStack: [ascii('world')] },
    },
    { op: O.RIGHT, start: { runLimit: 50000, dataStack: [hw, i64(-1)] }, wantErr: 'BAD_VALUE' },
    { op: O.RIGHT, start: { runLimit: 50000, dataStack: [hw, bytes(11)] }, wantErr: 'BAD_VALUE' },
    { op: O.RIGHT, start: { runLimit: 4, dataStack: [hw, bytes(5)] }, wantErr: 'RUN_LIMIT_EXCEEDED' },
    {
      op: O.SIZE,
      start: { runLimit: 50000, dataStack: [hw] },
      want: { runLimit: 49999, deferredCost: 9, dataStack: [hw, bytes(10)] },
    },
    {
      op: O.CATPUSHDATA,
      start: { runLimit: 50000, dataStack: [bytes(0xff), bytes(0xab, 0xcd)] },
      want: { runLimit: 49993, deferredCost: -10, dataStack: [bytes(0xff, 0x02, 0xab, 0xcd)] },
    },
    {
      op: O.CATPUSHDATA,
      start: { runLimit: 4, dataStack: [bytes(0xff), bytes(0xab, 0xcd)] },
      wantErr: 'RUN_LIMIT_EXCEEDED',
    },
  ];
  for (const op of [O.CAT, O.SUBSTR, O.LEFT, O.RIGHT, O.CATPUSHDATA, O.SIZE]) {
    cases.push({ op, start: { runLimit: 0 }, wantErr: 'RUN_LIMIT_EXCEEDED' });
  }
  runOpCases(cases);
});

test('bitwise opcodes (upstream TestBitwiseOps)', () => {
  const two = (
    op: number,
    a: number[],
    b: number[],
    runLimit: number,
    deferredCost: number,
    res: number[],
  ): OpCase => ({
    op,
    start: { runLimit: 50000, dataStack: [bytes(...a), bytes(...b)] },
    want: { runLimit, deferredCost, dataStack: [bytes(...res)] },
  });
  const cases: OpCase[] = [
    {
      op: O.INVERT,
      start: { runLimit: 50000, dataStack: [bytes(255)] },
      want: { runLimit: 49998, dataStack: [bytes(0)] },
    },
    {
      op: O.INVERT,
      start: { runLimit: 50000, dataStack: [bytes(255, 0)] },
      want: { runLimit: 49997, dataStack: [bytes(0, 255)] },
    },
    two(O.AND, [0xff], [0x80], 49998, -9, [0x80]),
    two(O.AND, [0xff], [0x80, 0xff], 49998, -10, [0x80]),
    two(O.AND, [0x80, 0xff], [0xff], 49998, -10, [0x80]),
    two(O.OR, [0xff], [0x80], 49998, -9, [0xff]),
    two(O.OR, [0xff], [0x80, 0x10], 49997, -9, [0xff, 0x10]),
    two(O.OR, [0xff, 0x10], [0x80], 49997, -9, [0xff, 0x10]),
    two(O.XOR, [0xff], [0x80], 49998, -9, [0x7f]),
    two(O.XOR, [0xff], [0x80, 0x10], 49997, -9, [0x7f, 0x10]),
    two(O.XOR, [0xff, 0x10], [0x80], 49997, -9, [0x7f, 0x10]),
    two(O.EQUAL, [0xff], [0xff], 49998, -9, [1]),
    two(O.EQUAL, [0xff, 0x10], [0xff, 0x10], 49997, -11, [1]),
    two(O.EQUAL, [0xff], [0x80], 49998, -10, []),
    two(O.EQUAL, [0xff], [0xff, 0x80], 49998, -11, []),
    two(O.EQUAL, [0xff, 0x80], [0xff], 49998, -11, []),
    {
      op: O.EQUALVERIFY,
      start: { runLimit: 50000, dataStack: [bytes(0xff), bytes(0xff)] },
      want: { runLimit: 49998, deferredCost: -18 },
    },
    {
      op: O.EQUALVERIFY,
      start: { runLimit: 50000, dataStack: [bytes(0xff, 0x10), bytes(0xff, 0x10)] },
      want: { runLimit: 49997, deferredCost: -20 },
    },
    { op: O.EQUALVERIFY, start: { runLimit: 50000, dataStack: [bytes(0xff), bytes(0x80)] }, wantErr: 'VERIFY_FAILED' },
    {
      op: O.EQUALVERIFY,
      start: { runLimit: 50000, dataStack: [bytes(0xff), bytes(0xff, 0x80)] },
      wantErr: 'VERIFY_FAILED',
    },
    {
      op: O.EQUALVERIFY,
      start: { runLimit: 50000, dataStack: [bytes(0xff, 0x80), bytes(0xff)] },
      wantErr: 'VERIFY_FAILED',
    },
  ];
  for (const op of [O.INVERT, O.AND, O.OR, O.XOR, O.EQUAL, O.EQUALVERIFY]) {
    for (const runLimit of [0, 1]) {
      cases.push({ op, start: { runLimit, dataStack: [bytes(0xff), bytes(0xff)] }, wantErr: 'RUN_LIMIT_EXCEEDED' });
    }
  }
  runOpCases(cases);
});
