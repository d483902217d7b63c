// Instruction decoding, value encodings and push encodings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Opcode } from '../../src/vm/opcodes.ts';
import { isPushdataInstruction, parseInstruction, parseInstructions } from '../../src/vm/parse.ts';
import { pushdataBytes, pushdataInt64 } from '../../src/vm/pushdata.ts';
import { boolToVmBytes, int64ToVmBytes, vmBytesToBool, vmBytesToInt64 } from '../../src/vm/values.ts';
import { bytes, errorCode, hex, i64, type OpCase, runOpCases, toHex } from './helpers.ts';

// Bytom v1.1.1 protocol/vm/ops_test.go TestParseOp
test('parseInstruction: upstream TestParseOp vectors', () => {
  const ok: [number[], number, number, number[], number][] = [
    [[Opcode.ADD], 0, Opcode.ADD, [], 1],
    [[Opcode['16']], 0, Opcode['16'], [16], 1],
    [[0x05, 1, 1, 1, 1, 1], 0, 0x05, [1, 1, 1, 1, 1], 6],
    [[0x05, 1, 1, 1, 1, 1, 255], 0, 0x05, [1, 1, 1, 1, 1], 6],
    [[Opcode.PUSHDATA1, 1, 1], 0, Opcode.PUSHDATA1, [1], 3],
    [[Opcode.PUSHDATA1, 1, 1, 255], 0, Opcode.PUSHDATA1, [1], 3],
    [[Opcode.PUSHDATA2, 1, 0, 1], 0, Opcode.PUSHDATA2, [1], 4],
    [[Opcode.PUSHDATA2, 1, 0, 1, 255], 0, Opcode.PUSHDATA2, [1], 4],
    [[Opcode.PUSHDATA4, 1, 0, 0, 0, 1], 0, Opcode.PUSHDATA4, [1], 6],
    [[Opcode.PUSHDATA4, 1, 0, 0, 0, 1, 255], 0, Opcode.PUSHDATA4, [1], 6],
  ];
  for (const [prog, pc, op, data, len] of ok) {
    const inst = parseInstruction(Uint8Array.from(prog), pc);
    assert.deepEqual({ op: inst.op, len: inst.len, data: [...inst.data] }, { op, len, data }, toHex(bytes(...prog)));
  }
  const short: [number[], number][] = [
    [[], 0],
    [[Opcode.FALSE], 1],
    [[Opcode.DATA_1], 0],
    [[Opcode.PUSHDATA1], 0],
    [[Opcode.PUSHDATA1, 1], 0],
    [[Opcode.PUSHDATA2], 0],
    [[Opcode.PUSHDATA2, 1, 0], 0],
    [[Opcode.PUSHDATA4], 0],
    [[Opcode.PUSHDATA4, 1, 0, 0, 0], 0],
    [[Opcode.JUMP, 1, 0, 0], 0],
  ];
  for (const [prog, pc] of short) {
    assert.equal(
      errorCode(() => parseInstruction(Uint8Array.from(prog), pc)),
      'SHORT_PROGRAM',
    );
  }
  // PUSHDATA4 with length 0xffffffff at pc 71: the end overflows uint32 (checked.ErrOverflow).
  const overflow = hex(
    '6d6baa203030303030303030303030303030303030303030303030303030303030303030203030303030303030303030' +
      '30303030303030303030303030303030303030303000004effffffff3030303030303030303030303030303030303030' +
      '30303030303030303030303030',
  );
  assert.equal(overflow[71], Opcode.PUSHDATA4);
  assert.equal(
    errorCode(() => parseInstruction(overflow, 71)),
    'PROGRAM_OVERFLOW',
  );
});

// Bytom v1.1.1 protocol/vm/ops_test.go TestParseProgram
test('parseInstructions: upstream TestParseProgram vectors', () => {
  const insts = parseInstructions(bytes(Opcode['2'], Opcode['3'], Opcode.ADD, Opcode['5'], Opcode.NUMEQUAL));
  assert.deepEqual(
    insts.map((i) => [i.op, i.len, toHex(i.data)]),
    [
      [0x52, 1, '02'],
      [0x53, 1, '03'],
      [Opcode.ADD, 1, ''],
      [0x55, 1, '05'],
      [Opcode.NUMEQUAL, 1, ''],
    ],
  );
  assert.deepEqual(
    parseInstructions(bytes(255)).map((i) => [i.op, i.len]),
    [[255, 1]],
  );
});

// Bytom v1.1.1 protocol/vm/ops_test.go TestIsPushData
test('isPushdataInstruction: FALSE, DATA_n, PUSHDATA and small integers only', () => {
  const is = (op: number) => isPushdataInstruction({ op, len: 1, data: new Uint8Array(0) });
  assert.ok(is(Opcode['16']) && is(Opcode.DATA_32) && is(Opcode.FALSE) && is(Opcode.TRUE) && is(Opcode.PUSHDATA4));
  assert.ok(!is(Opcode.JUMP) && !is(Opcode.ADD) && !is(Opcode['1NEGATE']) && !is(Opcode.NOP));
});

// Bytom v1.1.1 protocol/vm/types_test.go TestBoolBytes, TestAsBool, TestInt64
test('values: upstream types_test vectors', () => {
  assert.deepEqual([...boolToVmBytes(true)], [1]);
  assert.deepEqual([...boolToVmBytes(false)], []);
  const bools: [number[], boolean][] = [
    [[0, 0, 0, 0], false],
    [[0], false],
    [[], false],
    [[1], true],
    [[1, 1, 1, 1], true],
    [[0, 0, 0, 1], true],
    [[1, 0, 0, 0], true],
    [[2], true],
  ];
  for (const [b, want] of bools) assert.equal(vmBytesToBool(Uint8Array.from(b)), want);
  const ints: [bigint, string][] = [
    [0n, ''],
    [1n, '01'],
    [255n, 'ff'],
    [256n, '0001'],
    [1n << 16n, '000001'],
    [-1n, 'ffffffffffffffff'],
    [-2n, 'feffffffffffffff'],
  ];
  for (const [n, h] of ints) {
    assert.equal(toHex(int64ToVmBytes(n)), h);
    assert.equal(vmBytesToInt64(hex(h)), n);
  }
  assert.equal(
    errorCode(() => vmBytesToInt64(hex('010101010101010101'))),
    'BAD_VALUE',
  );
  assert.equal(vmBytesToInt64(hex('0000000000000080')), -(2n ** 63n));
  assert.equal(vmBytesToInt64(hex('ffffffffffffff7f')), 2n ** 63n - 1n);
  assert.equal(vmBytesToInt64(hex('0100')), 1n, 'non-minimal encodings are read too');
});

// Bytom v1.1.1 protocol/vm/pushdata_test.go TestPushDataBytes, TestPushdataInt64
test('pushdataBytes / pushdataInt64: upstream vectors', () => {
  assert.equal(toHex(pushdataBytes(new Uint8Array(0))), '00');
  assert.equal(toHex(pushdataBytes(new Uint8Array(255))), `4cff${'00'.repeat(255)}`);
  assert.equal(toHex(pushdataBytes(new Uint8Array(256))), `4d0001${'00'.repeat(256)}`);
  assert.equal(toHex(pushdataBytes(new Uint8Array(1 << 16))), `4e00000100${'00'.repeat(1 << 16)}`);
  for (let i = 1; i <= 75; i++) assert.equal(toHex(pushdataBytes(new Uint8Array(i))), toHex(bytes(i)) + '00'.repeat(i));
  const ints: [bigint, string][] = [
    [0n, '00'],
    [17n, '0111'],
    [255n, '01ff'],
    [256n, '020001'],
    [-1n, '08ffffffffffffffff'],
    [-2n, '08feffffffffffffff'],
  ];
  for (let i = 1; i <= 16; i++) ints.push([BigInt(i), toHex(bytes(0x50 + i))]);
  for (const [n, h] of ints) assert.equal(toHex(pushdataInt64(n)), h, `${n}`);
});

// Bytom v1.1.1 protocol/vm/pushdata_test.go TestPushdataOps
test('push opcodes: gas and stack (upstream TestPushdataOps)', () => {
  const data = new TextEncoder().encode('data');
  const cases: OpCase[] = [
    { op: Opcode.FALSE, start: { runLimit: 50000 }, want: { runLimit: 49991, dataStack: [bytes()] } },
    { op: Opcode.FALSE, start: { runLimit: 1 }, wantErr: 'RUN_LIMIT_EXCEEDED' },
    { op: Opcode['1NEGATE'], start: { runLimit: 50000 }, want: { runLimit: 49983, dataStack: [i64(-1)] } },
    { op: Opcode['1NEGATE'], start: { runLimit: 1 }, wantErr: 'RUN_LIMIT_EXCEEDED' },
  ];
  const pushOps = [Opcode.PUSHDATA1, Opcode.PUSHDATA2, Opcode.PUSHDATA4];
  for (let i = 1; i <= 75; i++) pushOps.push(i as typeof Opcode.PUSHDATA1);
  for (const op of pushOps) {
    cases.push(
      { op, start: { runLimit: 50000, data }, want: { runLimit: 49987, dataStack: [data] } },
      { op, start: { runLimit: 1, data }, wantErr: 'RUN_LIMIT_EXCEEDED' },
    );
  }
  for (const op of [...pushOps, Opcode.FALSE, Opcode['1NEGATE'], Opcode.NOP]) {
    cases.push({ op, start: { runLimit: 0 }, wantErr: 'RUN_LIMIT_EXCEEDED' });
  }
  runOpCases(cases);
});
