// Numeric opcodes: Bytom v1.1.1 protocol/vm/numeric_test.go (TestNumericOps, TestRangeErrs), with
// Vapor HEAD's MULFRACTION cases from the same file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assembleProgram } from '../../src/vm/assemble.ts';
import { Opcode as O } from '../../src/vm/opcodes.ts';
import { bytes, errorCode, i64, makeMachine, type OpCase, runOpCases } from './helpers.ts';

const b = (n: number) => bytes(n);
const side = { sideChain: true };

test('numeric opcodes (upstream TestNumericOps)', () => {
  const cases: OpCase[] = [
    { op: O['1ADD'], start: { runLimit: 50000, dataStack: [b(2)] }, want: { runLimit: 49998, dataStack: [b(3)] } },
    { op: O['1SUB'], start: { runLimit: 50000, dataStack: [b(2)] }, want: { runLimit: 49998, dataStack: [b(1)] } },
    { op: O['2MUL'], start: { runLimit: 50000, dataStack: [b(2)] }, want: { runLimit: 49998, dataStack: [b(4)] } },
    { op: O['2DIV'], start: { runLimit: 50000, dataStack: [b(2)] }, want: { runLimit: 49998, dataStack: [b(1)] } },
    {
      op: O['2DIV'],
      start: { runLimit: 50000, dataStack: [i64(-2)] },
      want: { runLimit: 49998, dataStack: [i64(-1)] },
    },
    {
      op: O['2DIV'],
      start: { runLimit: 50000, dataStack: [i64(-1)] },
      want: { runLimit: 49998, dataStack: [i64(-1)] },
    },
    {
      op: O.NEGATE,
      start: { runLimit: 50000, dataStack: [b(2)] },
      want: { runLimit: 49998, deferredCost: 7, dataStack: [i64(-2)] },
    },
    { op: O.ABS, start: { runLimit: 50000, dataStack: [b(2)] }, want: { runLimit: 49998, dataStack: [b(2)] } },
    {
      op: O.ABS,
      start: { runLimit: 50000, dataStack: [i64(-2)] },
      want: { runLimit: 49998, deferredCost: -7, dataStack: [b(2)] },
    },
    {
      op: O.NOT,
      start: { runLimit: 50000, dataStack: [b(2)] },
      want: { runLimit: 49998, deferredCost: -1, dataStack: [bytes()] },
    },
    { op: O['0NOTEQUAL'], start: { runLimit: 50000, dataStack: [b(2)] }, want: { runLimit: 49998, dataStack: [b(1)] } },
    binary(O.ADD, [b(2), b(1)], 49998, -9, b(3)),
    binary(O.SUB, [b(2), b(1)], 49998, -9, b(1)),
    binary(O.MUL, [b(2), b(1)], 49992, -9, b(2)),
    binary(O.DIV, [b(2), b(1)], 49992, -9, b(2)),
    binary(O.DIV, [i64(-2), b(1)], 49992, -9, i64(-2)),
    binary(O.DIV, [i64(-2), i64(-1)], 49992, -23, b(2)),
    binary(O.DIV, [i64(-3), i64(2)], 49992, -9, i64(-1)),
    { op: O.DIV, start: { runLimit: 50000, dataStack: [b(2), bytes()] }, wantErr: 'DIV_ZERO' },
    binary(O.MOD, [b(2), b(1)], 49992, -10, bytes()),
    binary(O.MOD, [i64(-12), b(10)], 49992, -16, b(8)),
    { op: O.MOD, start: { runLimit: 50000, dataStack: [b(2), b(0)] }, wantErr: 'DIV_ZERO' },
    binary(O.LSHIFT, [b(2), b(1)], 49992, -9, b(4)),
    binary(O.LSHIFT, [i64(-2), b(1)], 49992, -9, i64(-4)),
    binary(O.RSHIFT, [b(2), b(1)], 49992, -9, b(1)),
    binary(O.RSHIFT, [i64(-2), b(1)], 49992, -9, i64(-1)),
    binary(O.BOOLAND, [b(2), b(1)], 49998, -9, b(1)),
    binary(O.BOOLOR, [b(2), b(1)], 49998, -9, b(1)),
    binary(O.NUMEQUAL, [b(2), b(1)], 49998, -10, bytes()),
    {
      op: O.NUMEQUALVERIFY,
      start: { runLimit: 50000, dataStack: [b(2), b(2)] },
      want: { runLimit: 49998, deferredCost: -18 },
    },
    { op: O.NUMEQUALVERIFY, start: { runLimit: 50000, dataStack: [b(1), b(2)] }, wantErr: 'VERIFY_FAILED' },
    binary(O.NUMNOTEQUAL, [b(2), b(1)], 49998, -9, b(1)),
    binary(O.LESSTHAN, [b(2), b(1)], 49998, -10, bytes()),
    binary(O.LESSTHANOREQUAL, [b(2), b(1)], 49998, -10, bytes()),
    binary(O.GREATERTHAN, [b(2), b(1)], 49998, -9, b(1)),
    binary(O.GREATERTHANOREQUAL, [b(2), b(1)], 49998, -9, b(1)),
    binary(O.MIN, [b(2), b(1)], 49998, -9, b(1)),
    binary(O.MIN, [b(1), b(2)], 49998, -9, b(1)),
    binary(O.MAX, [b(2), b(1)], 49998, -9, b(2)),
    binary(O.MAX, [b(1), b(2)], 49998, -9, b(2)),
    {
      op: O.WITHIN,
      start: { runLimit: 50000, dataStack: [b(1), b(1), b(2)] },
      want: { runLimit: 49996, deferredCost: -18, dataStack: [b(1)] },
    },
    // Vapor HEAD numeric_test.go
    {
      op: O.MULFRACTION,
      start: { runLimit: 50000, dataStack: [b(15), b(2), b(3)], context: side },
      want: { runLimit: 49992, deferredCost: -18, dataStack: [b(10)] },
    },
    {
      op: O.MULFRACTION,
      start: { runLimit: 50000, dataStack: [i64(-654), b(3), b(2)], context: side },
      want: { runLimit: 49992, deferredCost: -18, dataStack: [i64(-981)] },
    },
    {
      op: O.MULFRACTION,
      start: { runLimit: 50000, dataStack: [i64(-654), b(3), bytes()], context: side },
      wantErr: 'DIV_ZERO',
    },
  ];
  const numOps = [
    O['1ADD'],
    O['1SUB'],
    O['2MUL'],
    O['2DIV'],
    O.NEGATE,
    O.ABS,
    O.NOT,
    O['0NOTEQUAL'],
    O.ADD,
    O.SUB,
    O.MUL,
    O.DIV,
    O.MOD,
    O.LSHIFT,
    O.RSHIFT,
    O.BOOLAND,
    O.BOOLOR,
    O.NUMEQUAL,
    O.NUMEQUALVERIFY,
    O.NUMNOTEQUAL,
    O.LESSTHAN,
    O.LESSTHANOREQUAL,
    O.GREATERTHAN,
    O.GREATERTHANOREQUAL,
    O.MIN,
    O.MAX,
    O.WITHIN,
    O.MULFRACTION,
  ];
  for (const op of numOps) {
    cases.push({
      op,
      start: { runLimit: 0, dataStack: [b(2), b(2), b(2)], context: side },
      wantErr: 'RUN_LIMIT_EXCEEDED',
    });
  }
  runOpCases(cases);
});

function binary(op: number, stack: Uint8Array[], runLimit: number, deferredCost: number, result: Uint8Array): OpCase {
  return { op, start: { runLimit: 50000, dataStack: stack }, want: { runLimit, deferredCost, dataStack: [result] } };
}

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;

// [program, expect RANGE]
const RANGE_CASES: [string, boolean][] = [
  ['0 1ADD', false],
  [`${MIN} 1ADD`, false],
  [`${MAX - 1n} 1ADD`, false],
  [`${MAX} 1ADD`, true],
  ['0 1SUB', false],
  [`${MAX} 1SUB`, false],
  [`${MIN + 1n} 1SUB`, false],
  [`${MIN} 1SUB`, true],
  ['1 2MUL', false],
  [`${MAX / 2n - 1n} 2MUL`, false],
  [`${MAX / 2n + 1n} 2MUL`, true],
  [`${MIN / 2n + 1n} 2MUL`, false],
  [`${MIN / 2n - 1n} 2MUL`, true],
  ['1 NEGATE', false],
  ['-1 NEGATE', false],
  [`${MAX} NEGATE`, false],
  [`${MIN} NEGATE`, true],
  ['1 ABS', false],
  ['-1 ABS', false],
  [`${MAX} ABS`, false],
  [`${MIN} ABS`, true],
  ['2 3 ADD', false],
  [`${MIN} ${MAX} ADD`, false],
  [`${MAX / 2n - 1n} ${MAX / 2n - 2n} ADD`, false],
  [`${MAX / 2n + 1n} ${MAX / 2n + 2n} ADD`, true],
  [`${MIN / 2n + 1n} ${MIN / 2n + 2n} ADD`, false],
  [`${MIN / 2n - 1n} ${MIN / 2n - 2n} ADD`, true],
  ['2 3 SUB', false],
  [`1 ${MAX} SUB`, false],
  [`-1 ${MIN} SUB`, false],
  [`1 ${MIN} SUB`, true],
  [`-1 ${MAX} SUB`, false],
  [`-2 ${MAX} SUB`, true],
  ['1 2 LSHIFT', false],
  ['-1 2 LSHIFT', false],
  ['-1 63 LSHIFT', false],
  ['-1 64 LSHIFT', true],
  ['0 64 LSHIFT', false],
  ['1 62 LSHIFT', false],
  ['1 63 LSHIFT', true],
  [`${MAX} 0 LSHIFT`, false],
  [`${MAX} 1 LSHIFT`, true],
  [`${MAX / 2n} 1 LSHIFT`, false],
  [`${MAX / 2n} 2 LSHIFT`, true],
  [`${MIN} 0 LSHIFT`, false],
  [`${MIN} 1 LSHIFT`, true],
  [`${MIN / 2n} 1 LSHIFT`, false],
  [`${MIN / 2n} 2 LSHIFT`, true],
  // Vapor HEAD numeric_test.go
  [`${MAX / 2n - 1n} 2 1 MULFRACTION`, false],
  [`${MAX / 2n + 1n} 2 1 MULFRACTION`, true],
  [`${MIN / 2n + 1n} 2 1 MULFRACTION`, false],
  [`${MIN / 2n - 1n} 2 1 MULFRACTION`, true],
  [`${MAX} 3 2 MULFRACTION`, true],
  [`${MAX} 2 3 MULFRACTION`, false],
  [`${MIN} 3 2 MULFRACTION`, true],
  [`${MIN} 2 3 MULFRACTION`, false],
];

test('int64 overflow is RANGE (upstream TestRangeErrs)', () => {
  for (const [source, expectRange] of RANGE_CASES) {
    const vm = makeMachine({ program: assembleProgram(source), runLimit: 50000, context: side });
    assert.equal(
      errorCode(() => vm.run()),
      expectRange ? 'RANGE' : undefined,
      source,
    );
  }
});

test('division, modulo and shifts at the int64 edges', () => {
  const run = (source: string) => {
    const vm = makeMachine({ program: assembleProgram(source), runLimit: 50000 });
    const code = errorCode(() => vm.run());
    return code ?? vm.dataStack.at(-1);
  };
  assert.equal(run(`${MIN} -1 DIV`), 'RANGE');
  assert.equal(run(`${MIN} -1 MOD`), 'RANGE');
  assert.deepEqual(run('-7 2 DIV'), i64(-3));
  assert.deepEqual(run('7 -2 MOD'), i64(-1));
  assert.deepEqual(run('-7 2 MOD'), i64(1));
  assert.deepEqual(run(`${MIN} 200 RSHIFT`), i64(-1));
  assert.deepEqual(run(`${MAX} 64 RSHIFT`), i64(0));
  assert.equal(run('5 -1 RSHIFT'), 'BAD_VALUE');
  assert.equal(run('5 -1 LSHIFT'), 'BAD_VALUE');
  assert.equal(run('0x010203040506070809 1ADD'), 'BAD_VALUE');
});
