// Whole-program runs: Bytom v1.1.1 protocol/vm/vm_test.go and assemble_test.go.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { assembleProgram, disassembleProgram } from '../../src/vm/assemble.ts';
import { isVmError } from '../../src/vm/errors.ts';
import { Opcode } from '../../src/vm/opcodes.ts';
import { verifyProgram } from '../../src/vm/verify.ts';
import { assertState, bytes, errorCode, hex, i64, makeMachine, toHex } from './helpers.ts';

// vm_test.go doOKNotOK: each program succeeds as is and fails with FALSE_RESULT once NOT is appended.
const OK_PROGRAMS: [string, Uint8Array[]][] = [
  ['TRUE', []],
  ['INVERT 0xfef0 EQUAL', [bytes(0x01, 0x0f)]],
  ['AND 0x02 EQUAL', [bytes(0x03), bytes(0x06)]],
  ['AND 0x02 EQUAL', [bytes(0x03, 0xff), bytes(0x06)]],
  ['OR 0x07 EQUAL', [bytes(0x03), bytes(0x06)]],
  ['OR 0x07ff EQUAL', [bytes(0x03, 0xff), bytes(0x06)]],
  ['XOR 0x05 EQUAL', [bytes(0x03), bytes(0x06)]],
  ['XOR 0x05ff EQUAL', [bytes(0x03, 0xff), bytes(0x06)]],
  ['1ADD 2 NUMEQUAL', [i64(1)]],
  ['1ADD 0 NUMEQUAL', [i64(-1)]],
  ['1SUB 1 NUMEQUAL', [i64(2)]],
  ['1SUB -1 NUMEQUAL', [i64(0)]],
  ['2MUL 2 NUMEQUAL', [i64(1)]],
  ['2MUL 0 NUMEQUAL', [i64(0)]],
  ['2MUL -2 NUMEQUAL', [i64(-1)]],
  ['2DIV 1 NUMEQUAL', [i64(2)]],
  ['2DIV 0 NUMEQUAL', [i64(1)]],
  ['2DIV 0 NUMEQUAL', [i64(0)]],
  ['2DIV -1 NUMEQUAL', [i64(-1)]],
  ['2DIV -1 NUMEQUAL', [i64(-2)]],
  ['NEGATE -1 NUMEQUAL', [i64(1)]],
  ['NEGATE 1 NUMEQUAL', [i64(-1)]],
  ['NEGATE 0 NUMEQUAL', [i64(0)]],
  ['ABS 1 NUMEQUAL', [i64(1)]],
  ['ABS 1 NUMEQUAL', [i64(-1)]],
  ['ABS 0 NUMEQUAL', [i64(0)]],
  ['0NOTEQUAL', [i64(1)]],
  ['0NOTEQUAL NOT', [i64(0)]],
  ['ADD 5 NUMEQUAL', [i64(2), i64(3)]],
  ['SUB 2 NUMEQUAL', [i64(5), i64(3)]],
  ['MUL 6 NUMEQUAL', [i64(2), i64(3)]],
  ['DIV 2 NUMEQUAL', [i64(6), i64(3)]],
  ['MOD 0 NUMEQUAL', [i64(6), i64(2)]],
  ['MOD 0 NUMEQUAL', [i64(-6), i64(2)]],
  ['MOD 0 NUMEQUAL', [i64(6), i64(-2)]],
  ['MOD 0 NUMEQUAL', [i64(-6), i64(-2)]],
  ['MOD 2 NUMEQUAL', [i64(12), i64(10)]],
  ['MOD 8 NUMEQUAL', [i64(-12), i64(10)]],
  ['MOD -8 NUMEQUAL', [i64(12), i64(-10)]],
  ['MOD -2 NUMEQUAL', [i64(-12), i64(-10)]],
  ['LSHIFT 2 NUMEQUAL', [i64(1), i64(1)]],
  ['LSHIFT 4 NUMEQUAL', [i64(1), i64(2)]],
  ['LSHIFT -2 NUMEQUAL', [i64(-1), i64(1)]],
  ['LSHIFT -4 NUMEQUAL', [i64(-1), i64(2)]],
  ['1 1 BOOLAND', []],
  ['1 0 BOOLAND NOT', []],
  ['0 1 BOOLAND NOT', []],
  ['0 0 BOOLAND NOT', []],
  ['1 1 BOOLOR', []],
  ['1 0 BOOLOR', []],
  ['0 1 BOOLOR', []],
  ['0 0 BOOLOR NOT', []],
  ['1 2 OR 3 EQUAL', []],
  ['0 CATPUSHDATA 0x0000 EQUAL', [bytes(0x00)]],
  ['0 0xff CATPUSHDATA 0x01ff EQUAL', []],
  ['CATPUSHDATA 0x050105 EQUAL', [bytes(0x05), bytes(0x05)]],
  ['CATPUSHDATA 0xff01ff EQUAL', [bytes(0xff), bytes(0xff)]],
  ['0 0xcccccc CATPUSHDATA 0x03cccccc EQUAL', []],
  ['0x05 0x05 SWAP 0xdeadbeef CATPUSHDATA DROP 0x05 EQUAL', []],
  ['1 JUMP:7 0 1 EQUAL', []],
  ['1 JUMP:$target 0 $target 1 EQUAL', []],
  ['1 1 JUMPIF:8 0 1 EQUAL', []],
  ['1 1 JUMPIF:$target 0 $target 1 EQUAL', []],
  ['1 0 JUMPIF:8 0 1 EQUAL NOT', []],
  ['1 0 JUMPIF:$target 0 $target 1 EQUAL NOT', []],
  ['1 0 JUMPIF:1', []],
  ['1 $target 0 JUMPIF:$target', []],
  ['4 1 JUMPIF:14 5 EQUAL JUMP:16 4 EQUAL', []],
  ['4 1 JUMPIF:$true 5 EQUAL JUMP:$end $true 4 EQUAL $end', []],
  ['5 0 JUMPIF:14 5 EQUAL JUMP:16 4 EQUAL', []],
  ['5 0 JUMPIF:$true 5 EQUAL JUMP:$end $true 4 $test EQUAL $end', []],
  ['0 1 2 3 4 5 6 JUMP:13 DROP DUP 0 NUMNOTEQUAL JUMPIF:12 1', []],
  ['0 1 2 3 4 5 6 JUMP:$dup $drop DROP $dup DUP 0 NUMNOTEQUAL JUMPIF:$drop 1', []],
  ['0 JUMP:7 1ADD DUP 10 LESSTHAN JUMPIF:6 10 NUMEQUAL', []],
  ['0 JUMP:$dup $add 1ADD $dup DUP 10 LESSTHAN JUMPIF:$add 10 NUMEQUAL', []],
];

/** vm_test.go doOKNotOK runs the bare machine (no VM-version check, arguments pre-loaded, 10000 gas). */
function runBare(source: string, args: Uint8Array[]): string | undefined {
  const vm = makeMachine({ program: assembleProgram(source), runLimit: 10000, dataStack: args });
  return errorCode(() => {
    vm.run();
    if (vm.falseResult()) throw Object.assign(new Error(), { code: 'FALSE_RESULT' });
  });
}

test('programs that succeed, and fail once negated (upstream TestProgramOK / TestProgramNotOK)', () => {
  for (const [source, args] of OK_PROGRAMS) {
    assert.equal(runBare(source, args), undefined, source);
    const vm = makeMachine({ program: assembleProgram(`${source} NOT`), runLimit: 10000, dataStack: args });
    vm.run();
    assert.ok(vm.falseResult(), `${source} NOT`);
  }
});

// vm_test.go TestVerifyTxInput
test('verifyProgram: gas left (upstream TestVerifyTxInput)', () => {
  const options = { gasLimit: 10000, signatures: 'deferred' } as const;
  const code = bytes(Opcode.ADD, Opcode['5'], Opcode.NUMEQUAL);
  const ok = verifyProgram({ vmVersion: 1n, code }, [bytes(2), bytes(3)], {}, options);
  assert.deepEqual(ok, { gasLeft: 9986, gasUsed: 14, signatureSets: [] });

  const gasLeftOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      assert.ok(isVmError(err));
      return [err.code, err.gasLeft];
    }
    assert.fail('expected an error');
  };
  assert.deepEqual(
    gasLeftOf(() => verifyProgram({ vmVersion: 2n, code: bytes() }, [], {}, options)),
    ['UNSUPPORTED_VM', 10000],
  );
  assert.deepEqual(
    gasLeftOf(() => verifyProgram({ vmVersion: 1n, code }, [new Uint8Array(50001)], {}, options)),
    ['RUN_LIMIT_EXCEEDED', 0],
  );
  assert.deepEqual(
    gasLeftOf(() => verifyProgram({ vmVersion: 1n, code: bytes(Opcode.FALSE) }, [], {}, options)),
    ['FALSE_RESULT', 9991],
  );
});

// vm_test.go TestRun
test('run (upstream TestRun)', () => {
  assert.equal(
    errorCode(() => makeMachine({ runLimit: 50000, program: bytes(Opcode.TRUE) }).run()),
    undefined,
  );
  assert.equal(
    errorCode(() => makeMachine({ runLimit: 50000, program: bytes(Opcode.ADD) }).run()),
    'STACK_UNDERFLOW',
  );
});

// vm_test.go TestStep
test('step (upstream TestStep)', () => {
  let vm = makeMachine({ program: bytes(Opcode.TRUE), runLimit: 50000 });
  vm.step();
  assertState(vm, { runLimit: 49990, dataStack: [bytes(1)], pc: 1, nextPC: 1 });
  assert.equal(toHex(vm.data), '01');

  vm = makeMachine({ program: hex('5163ff000000'), runLimit: 49990, pc: 1 });
  vm.step();
  assertState(vm, { runLimit: 49989, pc: 255, nextPC: 255 });

  vm = makeMachine({ program: hex('516400000000'), runLimit: 49995, dataStack: [bytes(1)], pc: 1 });
  vm.step();
  assertState(vm, { runLimit: 50003, deferredCost: -9, pc: 0, nextPC: 0 });

  vm = makeMachine({ program: hex('006400000000'), runLimit: 49995, dataStack: [bytes()], pc: 1 });
  vm.step();
  assertState(vm, { runLimit: 50002, deferredCost: -8, pc: 6, nextPC: 6 });

  vm = makeMachine({ program: bytes(255), runLimit: 50000 });
  vm.step();
  assertState(vm, { runLimit: 49999, pc: 1, nextPC: 1 });

  assert.equal(
    errorCode(() => makeMachine({ program: bytes(Opcode.ADD), runLimit: 50000 }).step()),
    'STACK_UNDERFLOW',
  );
  assert.equal(
    errorCode(() => makeMachine({ program: bytes(Opcode.INDEX), runLimit: 1, context: { destPos: 0n } }).step()),
    'RUN_LIMIT_EXCEEDED',
  );
  assert.equal(
    errorCode(() => makeMachine({ program: bytes(255), runLimit: 100, expansionReserved: true }).step()),
    'DISALLOWED_OPCODE',
  );
  vm = makeMachine({ program: bytes(255), runLimit: 100 });
  vm.step();
  assertState(vm, { runLimit: 99, pc: 1, nextPC: 1 });
});

test('expansion opcodes: NOPs, disallowed at the top level of version-1 transactions only', () => {
  const options = { gasLimit: 1000, signatures: 'deferred' } as const;
  const code = bytes(0xff, Opcode.TRUE);
  assert.equal(verifyProgram({ vmVersion: 1n, code }, [], {}, options).gasUsed, 11);
  assert.equal(verifyProgram({ vmVersion: 1n, code }, [], { txVersion: 2n }, options).gasUsed, 11);
  assert.equal(
    errorCode(() => verifyProgram({ vmVersion: 1n, code }, [], { txVersion: 1n }, options)),
    'DISALLOWED_OPCODE',
  );
  // Upstream's CHECKPREDICATE child never reserves expansion opcodes.
  const predicate = assembleProgram('0 0xff51 0 CHECKPREDICATE');
  assert.equal(verifyProgram({ vmVersion: 1n, code: predicate }, [], { txVersion: 1n }, options).gasLeft > 0, true);
  // MULFRACTION is an expansion NOP on the main chain, an opcode on the side chain.
  const mulFraction = bytes(Opcode.MULFRACTION);
  const args = [i64(6), i64(2), i64(3)];
  assert.equal(verifyProgram({ vmVersion: 1n, code: mulFraction }, args, {}, options).gasUsed, 28);
  assert.equal(verifyProgram({ vmVersion: 1n, code: mulFraction }, args, { sideChain: true }, options).gasUsed, 17);
});

// assemble_test.go TestAssemble, TestDisassemble
test('assembleProgram / disassembleProgram (upstream TestAssemble / TestDisassemble)', () => {
  const cases: [string, string][] = [
    ['2 3 ADD 5 NUMEQUAL', '525393559c'],
    ['0x02 3 ADD 5 NUMEQUAL', '01025393559c'],
    ['19 14 SUB 5 NUMEQUAL', '01135e94559c'],
    ["'Hello' 'WORLD' CAT 'HELLOWORLD' EQUAL", '0548656c6c6f05574f524c447e0a48454c4c4f574f524c4487'],
    ["'H\\'E' 'W' CAT 'H\\'EW' EQUAL", '0348274501577e044827455787'],
    ["'HELLO '  'WORLD' CAT 'HELLO WORLD' EQUAL", '0648454c4c4f2005574f524c447e0b48454c4c4f20574f524c4487'],
  ];
  for (const [source, want] of cases) assert.equal(toHex(assembleProgram(source)), want, source);
  for (const bad of ['0x1', 'BADTOKEN', "'Unterminated quote", 'PUSHDATA1', 'JUMP', 'JUMP:$nowhere', 'NOPxff']) {
    assert.equal(
      errorCode(() => assembleProgram(bad)),
      'BAD_TOKEN',
      bad,
    );
  }
  const dis: [string, string][] = [
    ['525393559c', '0x02 0x03 ADD 0x05 NUMEQUAL'],
    ['01135e94559c', '0x13 0x0e SUB 0x05 NUMEQUAL'],
    ['6300000000', '$alpha JUMP:$alpha'],
    ['ff', 'NOPxff'],
  ];
  for (const [h, want] of dis) assert.equal(disassembleProgram(hex(h)), want);
});

// vm_test.go TestVerifyTxInputQuickCheck / TestVerifyBlockHeaderQuickCheck: any bytes, any witness,
// only typed errors (more runs in vm.hostile.ts).
test('random programs and witnesses give a result or a VmError', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 64 }),
      fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 4 }),
      (code, args) => {
        for (const signatures of ['deferred', 'strict'] as const) {
          try {
            verifyProgram({ vmVersion: 1n, code }, args, {}, { gasLimit: 10000, signatures, verify: () => false });
          } catch (err) {
            assert.ok(isVmError(err), String(err));
            assert.notEqual(err.code, 'UNEXPECTED');
          }
        }
      },
    ),
    { numRuns: 500 },
  );
});

test('CHECKPREDICATE recursion is bounded by gas, within the JS stack at the consensus gas cap', () => {
  // Each level re-runs the whole program (PROGRAM) with all remaining gas, until gas runs out.
  const code = assembleProgram('0 PROGRAM 0 CHECKPREDICATE');
  assert.equal(
    errorCode(() => verifyProgram({ vmVersion: 1n, code }, [], {}, { gasLimit: 200_000, signatures: 'deferred' })),
    'FALSE_RESULT',
  );
});
