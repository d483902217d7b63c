// Introspection opcodes: Bytom v1.1.1 protocol/vm/introspection_test.go (TestOutputIDAndNonceOp,
// TestBlockHeight, TestIntrospectionOps).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assembleProgram } from '../../src/vm/assemble.ts';
import type { VmContext } from '../../src/vm/context.ts';
import { VmError } from '../../src/vm/errors.ts';
import { Opcode as O } from '../../src/vm/opcodes.ts';
import { ascii, assertState, bytes, errorCode, hex, i64, type MachineState, makeMachine } from './helpers.ts';

test('OUTPUTID (upstream TestOutputIDAndNonceOp)', () => {
  const outputId = hex('0a60f9b12950c84c221012a808ef7782823b7e16b71fe2ba01811cda96a217df');
  const vm = makeMachine({ runLimit: 50000, program: bytes(O.OUTPUTID), context: { spentOutputId: outputId } });
  vm.step();
  assert.deepEqual(vm.dataStack, [outputId]);
  assert.equal(
    errorCode(() => makeMachine({ runLimit: 50000, program: bytes(O.OUTPUTID) }).step()),
    'CONTEXT',
  );
});

test('BLOCKHEIGHT (upstream TestBlockHeight)', () => {
  const run = (source: string) => {
    const vm = makeMachine({ runLimit: 50000, program: assembleProgram(source), context: { blockHeight: 6666n } });
    vm.run();
    return !vm.falseResult();
  };
  assert.ok(run('BLOCKHEIGHT 6666 NUMEQUAL'));
  assert.ok(!run('BLOCKHEIGHT 7777 NUMEQUAL'));
});

type Case = {
  op: number;
  dataStack?: Uint8Array[];
  context: VmContext;
  runLimit?: number;
  want?: MachineState;
  wantErr?: string;
};

test('introspection opcodes (upstream TestIntrospectionOps)', () => {
  const entryId = hex('2e68d78cdeaa98944c12512cf9c719eb4881e9afb61e4b766df5f369aee6392c');
  const assetId = hex('0100000000000000000000000000000000000000000000000000000000000000');
  const controlProg = [
    bytes(4),
    hex('1f2a05f881ed9fa0c9068a84823677409f863891a2196eb55dbfbb677a566374'),
    bytes(7),
    hex(`02${'00'.repeat(31)}`),
    bytes(1),
    ascii('controlprog'),
  ];
  const cases: Case[] = [
    {
      op: O.CHECKOUTPUT,
      dataStack: [bytes(0), bytes(1), hex(`09${'00'.repeat(31)}`), bytes(1), ascii('missingprog')],
      context: { checkOutput: () => false },
      want: { runLimit: 50062, deferredCost: -78, dataStack: [bytes()] },
    },
    {
      op: O.CHECKOUTPUT,
      dataStack: [bytes(4), controlProg[1]!, bytes(7), controlProg[3]!, i64(-1), ascii('controlprog')],
      context: {},
      wantErr: 'BAD_VALUE',
    },
    {
      op: O.CHECKOUTPUT,
      dataStack: [bytes(4), controlProg[1]!, i64(-1), controlProg[3]!, bytes(1), ascii('controlprog')],
      context: {},
      wantErr: 'BAD_VALUE',
    },
    {
      op: O.CHECKOUTPUT,
      dataStack: [i64(-1), controlProg[1]!, bytes(7), controlProg[3]!, bytes(1), ascii('controlprog')],
      context: {},
      wantErr: 'BAD_VALUE',
    },
    {
      op: O.CHECKOUTPUT,
      dataStack: [bytes(5), ...controlProg.slice(1)],
      context: {
        checkOutput: () => {
          throw new VmError('BAD_VALUE', 'index out of range');
        },
      },
      wantErr: 'BAD_VALUE',
    },
    { op: O.CHECKOUTPUT, dataStack: controlProg, context: {}, runLimit: 0, wantErr: 'RUN_LIMIT_EXCEEDED' },
    { op: O.ASSET, context: { assetId }, want: { runLimit: 49959, deferredCost: 40, dataStack: [assetId] } },
    { op: O.AMOUNT, context: { amount: 5n }, want: { runLimit: 49990, deferredCost: 9, dataStack: [bytes(5)] } },
    {
      op: O.PROGRAM,
      context: {},
      want: { runLimit: 49990, deferredCost: 9, dataStack: [bytes(O.PROGRAM)] },
    },
    { op: O.INDEX, context: { destPos: 0n }, want: { runLimit: 49991, deferredCost: 8, dataStack: [bytes()] } },
    { op: O.ENTRYID, context: { entryId }, want: { runLimit: 49959, deferredCost: 40, dataStack: [entryId] } },
  ];
  for (const op of [O.CHECKOUTPUT, O.ASSET, O.AMOUNT, O.PROGRAM, O.INDEX, O.OUTPUTID]) {
    cases.push({ op, context: {}, runLimit: 0, wantErr: 'RUN_LIMIT_EXCEEDED' });
  }
  for (const [i, c] of cases.entries()) {
    const vm = makeMachine({
      runLimit: c.runLimit ?? 50000,
      program: bytes(c.op),
      context: c.context,
      dataStack: c.dataStack ?? [],
    });
    const label = `case ${i} (op 0x${c.op.toString(16)})`;
    assert.equal(
      errorCode(() => vm.run()),
      c.wantErr,
      label,
    );
    if (c.want) assertState(vm, { ...c.want, pc: 1, nextPC: 1 }, label);
  }
});

test('introspection values: absent context, uint64 pushed as int64, CHECKOUTPUT arguments', () => {
  for (const op of [O.ASSET, O.AMOUNT, O.INDEX, O.OUTPUTID, O.BLOCKHEIGHT]) {
    assert.equal(
      errorCode(() => makeMachine({ runLimit: 50000, program: bytes(op) }).run()),
      'CONTEXT',
    );
  }
  const vm = makeMachine({ runLimit: 50000, program: bytes(O.ENTRYID, O.AMOUNT), context: { amount: 2n ** 64n - 1n } });
  vm.run();
  assert.deepEqual(vm.dataStack, [bytes(), i64(-1)], 'no entry id is empty bytes; uint64 max reads as -1');

  const calls: unknown[] = [];
  const checkOutput = (...args: unknown[]) => {
    calls.push(args);
    return true;
  };
  const check = makeMachine({
    runLimit: 50000,
    program: assembleProgram("2 300 0x0a0b 1 'prog' CHECKOUTPUT"),
    context: { checkOutput },
    expansionReserved: true,
  });
  check.run();
  assert.deepEqual(calls, [[2n, 300n, bytes(0x0a, 0x0b), 1n, ascii('prog'), true]]);
  assert.deepEqual(check.dataStack, [bytes(1)]);
});
