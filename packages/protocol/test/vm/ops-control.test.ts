// Control opcodes: Bytom v1.1.1 protocol/vm/control_test.go (TestControlOps).
import { test } from 'node:test';
import { Opcode as O } from '../../src/vm/opcodes.ts';
import { bytes, i64, type OpCase, runOpCases } from './helpers.ts';

test('control opcodes (upstream TestControlOps)', () => {
  const cases: OpCase[] = [
    {
      op: O.JUMP,
      start: { runLimit: 50000, nextPC: 1, data: bytes(0x05, 0, 0, 0) },
      want: { runLimit: 49999, pc: 0, nextPC: 5 },
    },
    {
      op: O.JUMP,
      start: { runLimit: 50000, nextPC: 1, data: bytes(0xff, 0xff, 0xff, 0xff) },
      want: { runLimit: 49999, pc: 0, nextPC: 4294967295 },
    },
    {
      op: O.JUMPIF,
      start: { runLimit: 50000, nextPC: 1, dataStack: [bytes(1)], data: bytes(0x05, 0, 0, 0) },
      want: { runLimit: 49999, deferredCost: -9, pc: 0, nextPC: 5 },
    },
    {
      op: O.JUMPIF,
      start: { runLimit: 50000, nextPC: 1, dataStack: [bytes()], data: bytes(0x05, 0, 0, 0) },
      want: { runLimit: 49999, deferredCost: -8, pc: 0, nextPC: 1 },
    },
    { op: O.VERIFY, start: { runLimit: 50000, dataStack: [bytes(1)] }, want: { runLimit: 49999, deferredCost: -9 } },
    {
      op: O.VERIFY,
      start: { runLimit: 50000, dataStack: [bytes(1, 1)] },
      want: { runLimit: 49999, deferredCost: -10 },
    },
    { op: O.VERIFY, start: { runLimit: 50000, dataStack: [bytes()] }, wantErr: 'VERIFY_FAILED' },
    { op: O.FAIL, start: { runLimit: 50000 }, wantErr: 'FAIL_EXECUTED' },
    {
      op: O.CHECKPREDICATE,
      start: { runLimit: 50000, dataStack: [bytes(), bytes(O.TRUE), bytes()] },
      want: { runLimit: 0, deferredCost: -49951, dataStack: [bytes(1)] },
    },
    {
      op: O.CHECKPREDICATE,
      start: { runLimit: 50000, dataStack: [bytes(), bytes(), bytes()] },
      want: { runLimit: 0, deferredCost: -49952, dataStack: [bytes()] },
    },
    {
      op: O.CHECKPREDICATE,
      start: { runLimit: 50000, dataStack: [bytes(), bytes(O.FAIL), bytes()] },
      want: { runLimit: 0, deferredCost: -49952, dataStack: [bytes()] },
    },
    { op: O.CHECKPREDICATE, start: { runLimit: 50000, dataStack: [bytes(), bytes(), i64(-1)] }, wantErr: 'BAD_VALUE' },
    {
      op: O.CHECKPREDICATE,
      start: { runLimit: 50000, dataStack: [bytes(), bytes(), i64(50000)] },
      wantErr: 'RUN_LIMIT_EXCEEDED',
    },
    {
      op: O.CHECKPREDICATE,
      start: {
        runLimit: 50000,
        dataStack: [bytes(0x05), bytes(0x07), bytes(0x02), bytes(O.ADD, O['16'] - 4, O.NUMEQUAL), bytes()],
      },
      want: { runLimit: 0, deferredCost: -49968, dataStack: [bytes(0x01)] },
    },
    {
      // Stack underflow in the child is a false result in the parent.
      op: O.CHECKPREDICATE,
      start: {
        runLimit: 50000,
        dataStack: [bytes(0x05), bytes(0x07), bytes(0x01), bytes(O.ADD, 0x0c, O.NUMEQUAL), bytes()],
      },
      want: { runLimit: 0, deferredCost: -49954, dataStack: [bytes(0x05), bytes()] },
    },
  ];
  for (const op of [O.CHECKPREDICATE, O.VERIFY, O.FAIL]) {
    cases.push({ op, start: { runLimit: 0 }, wantErr: 'RUN_LIMIT_EXCEEDED' });
  }
  runOpCases(cases);
});
