// Hash and signature opcodes: Bytom v1.1.1 protocol/vm/crypto_test.go (TestCheckSig, TestCryptoOps).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assembleProgram } from '../../src/vm/assemble.ts';
import { Opcode as O } from '../../src/vm/opcodes.ts';
import { bytes, errorCode, hex, makeMachine, type OpCase, runOpCases } from './helpers.ts';

const SIG =
  '26ced30b1942b89ef5332a9f22f1a61e5a6a3f8a5bc33b2fc58b1daf78c81bf1d5c8add19cea050adeb37da3a7bf8f813c6a6922b42934a6441fa6bb1c7fc208';
const MSG = '0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20';
const PUB = 'dbca6fb13badb7cfdf76510070ffad15b85f9934224a9e11202f5e8f86b584a6';

// [program, ok, error] as in TestCheckSig: ok = true result, error = fails with an error, else false result.
const CHECKSIG_CASES: [string, boolean, boolean][] = [
  [`0x${SIG} 0x${MSG} 0x${PUB} CHECKSIG`, true, false],
  [`0x${SIG.slice(0, -2)} 0x${MSG} 0x${PUB} CHECKSIG`, false, false],
  [`0x${SIG} 0x${MSG.slice(0, -2)} 0x${PUB} CHECKSIG`, false, true],
  [`0x${SIG} 0x${MSG} 0x${PUB.slice(0, -2)} CHECKSIG`, false, false],
  [`0x00${SIG.slice(2)} 0x${MSG} 0x${PUB} CHECKSIG`, false, false],
  [`0x${SIG} 0x00${MSG.slice(2)} 0x${PUB} CHECKSIG`, false, false],
  [`0x${SIG} 0x${MSG} 0x00${PUB.slice(2)} CHECKSIG`, false, false],
  [`0x010203 0x${MSG} 0x040506 1 1 CHECKMULTISIG`, false, false],
  [`0x010203 0x${MSG.slice(0, -2)} 0x040506 1 1 CHECKMULTISIG`, false, true],
  [`0x${SIG} 0x${MSG} 0x${PUB} 1 1 CHECKMULTISIG`, true, false],
];

test('CHECKSIG / CHECKMULTISIG with a real signature (upstream TestCheckSig)', () => {
  for (const deferred of [false, true]) {
    for (const [source, ok, err] of CHECKSIG_CASES) {
      const vm = makeMachine({ program: assembleProgram(source), runLimit: 50000, deferred });
      const code = errorCode(() => vm.run());
      if (err) assert.notEqual(code, undefined, source);
      else if (ok) assert.ok(code === undefined && !vm.falseResult(), source);
      // Deferred mode assumes any well-formed check holds: the false result shows up as a failing set.
      else if (!deferred || vm.execution.deferral!.sets.length === 0) assert.ok(vm.falseResult(), source);
    }
  }
});

const CS_SIG = hex(
  'af5abdf4bbb34f4a089efc298234f84fd909def662a8df03b4d7d40372728851fbd3bf59920af5a7c361a4851967714271d1727e3be417a60053c30969d8860c',
);
const CS_MSG = hex('916f0027a575074ce72a331777c3478d6513f786a591bd892da1a577bf2335f9');
const CS_PUB = hex('ab3220d065dc875c6a5b4ecc39809b5f24eb0a605e9eef5190457edbf1e3b866');
const bad = (h: Uint8Array, prefix: string) => hex(prefix + Buffer.from(h).toString('hex').slice(prefix.length));

test('crypto opcodes: results and gas (upstream TestCryptoOps)', () => {
  const sighash = hex('2f003cdd64427b5eedd6ccb58547020b02def22dc5997e9da9ac4049c34a58d8');
  const cases: OpCase[] = [
    {
      op: O.SHA256,
      start: { runLimit: 50000, dataStack: [bytes(1)] },
      want: { runLimit: 49905, dataStack: [hex('4bf5122f344554c53bde2ebb8cd2b7e3d1600ad631c385a5d7cce23c7785459a')] },
    },
    {
      op: O.SHA256,
      start: { runLimit: 50000, dataStack: [new Uint8Array(65)] },
      want: { runLimit: 49968, dataStack: [hex('98ce42deef51d40269d542f5314bef2c7468d401ad5d85168bfab4c0108f75f7')] },
    },
    {
      op: O.SHA3,
      start: { runLimit: 50000, dataStack: [bytes(1)] },
      want: { runLimit: 49905, dataStack: [hex('2767f15c8af2f2c7225d5273fdd683edc714110a987d1054697c348aed4e6cc7')] },
    },
    {
      op: O.SHA3,
      start: { runLimit: 50000, dataStack: [new Uint8Array(65)] },
      want: { runLimit: 49968, dataStack: [hex('416aa7b5c0e0653066a7c64dbdd0009dbe84386151fe039fd942faa2db6172eb')] },
    },
    {
      op: O.HASH160,
      start: { runLimit: 50000, dataStack: [bytes(1)] },
      want: { runLimit: 49916, dataStack: [hex('f291ba5015df348c80853fa5bb0f7946f5c9e1b3')] },
    },
    {
      op: O.HASH160,
      start: { runLimit: 50000, dataStack: [new Uint8Array(65)] },
      want: { runLimit: 49916, dataStack: [hex('ab3c66cd0a3f12b4f4faeb548a55160794fad706')] },
    },
    {
      op: O.CHECKSIG,
      start: { runLimit: 50000, dataStack: [CS_SIG, CS_MSG, CS_PUB] },
      want: { runLimit: 48976, deferredCost: -143, dataStack: [bytes(1)] },
    },
    ...[
      [CS_SIG, bad(CS_MSG, 'badda7a7'), CS_PUB],
      [CS_SIG, CS_MSG, bad(CS_PUB, 'bad')],
      [bad(CS_SIG, 'bada'), CS_MSG, CS_PUB],
    ].map(
      (dataStack): OpCase => ({
        op: O.CHECKSIG,
        start: { runLimit: 50000, dataStack },
        want: { runLimit: 48976, deferredCost: -144, dataStack: [bytes()] },
      }),
    ),
    { op: O.CHECKSIG, start: { runLimit: 50000, dataStack: [CS_SIG, hex('badbad'), CS_PUB] }, wantErr: 'BAD_VALUE' },
    { op: O.CHECKSIG, start: { runLimit: 0 }, wantErr: 'RUN_LIMIT_EXCEEDED' },
    {
      op: O.CHECKMULTISIG,
      start: { runLimit: 50000, dataStack: [CS_SIG, CS_MSG, CS_PUB, bytes(1), bytes(1)] },
      want: { runLimit: 48976, deferredCost: -161, dataStack: [bytes(1)] },
    },
    {
      op: O.CHECKMULTISIG,
      start: { runLimit: 50000, dataStack: [bad(CS_SIG, 'bada'), CS_MSG, CS_PUB, bytes(1), bytes(1)] },
      want: { runLimit: 48976, deferredCost: -162, dataStack: [bytes()] },
    },
    { op: O.CHECKMULTISIG, start: { runLimit: 50000 }, wantErr: 'STACK_UNDERFLOW' },
    { op: O.CHECKMULTISIG, start: { runLimit: 50000, dataStack: [bytes(1), bytes(1)] }, wantErr: 'STACK_UNDERFLOW' },
    {
      op: O.CHECKMULTISIG,
      start: { runLimit: 50000, dataStack: [CS_MSG, bytes(1), bytes(1)] },
      wantErr: 'STACK_UNDERFLOW',
    },
    {
      op: O.CHECKMULTISIG,
      start: { runLimit: 50000, dataStack: [CS_PUB, CS_MSG, bytes(1), bytes(1)] },
      wantErr: 'STACK_UNDERFLOW',
    },
    {
      op: O.CHECKMULTISIG,
      start: { runLimit: 50000, dataStack: [CS_SIG, hex('badbad'), CS_PUB, bytes(1), bytes(1)] },
      wantErr: 'BAD_VALUE',
    },
    {
      op: O.CHECKMULTISIG,
      start: { runLimit: 50000, dataStack: [CS_SIG, CS_MSG, CS_PUB, bytes(1), bytes(0)] },
      wantErr: 'BAD_VALUE',
    },
    {
      op: O.CHECKMULTISIG,
      start: { runLimit: 50000, dataStack: [CS_SIG, CS_MSG, CS_PUB, bytes(0), bytes(1)] },
      wantErr: 'BAD_VALUE',
    },
    {
      op: O.CHECKMULTISIG,
      start: { runLimit: 50000, dataStack: [CS_SIG, CS_MSG, CS_PUB, bytes(2), bytes(1)] },
      wantErr: 'BAD_VALUE',
    },
    {
      op: O.CHECKMULTISIG,
      start: { runLimit: 0, dataStack: [CS_SIG, CS_MSG, CS_PUB, bytes(1), bytes(1)] },
      wantErr: 'RUN_LIMIT_EXCEEDED',
    },
    {
      op: O.TXSIGHASH,
      start: { runLimit: 50000, context: { txSigHash: () => sighash } },
      want: { runLimit: 49704, dataStack: [sighash] },
    },
    { op: O.TXSIGHASH, start: { runLimit: 0 }, wantErr: 'RUN_LIMIT_EXCEEDED' },
    { op: O.TXSIGHASH, start: { runLimit: 50000 }, wantErr: 'CONTEXT' },
    { op: O.SHA256, start: { runLimit: 0, dataStack: [bytes(1)] }, wantErr: 'RUN_LIMIT_EXCEEDED' },
    { op: O.SHA3, start: { runLimit: 0, dataStack: [bytes(1)] }, wantErr: 'RUN_LIMIT_EXCEEDED' },
    // A negative or overflowing key count is BAD_VALUE before any gas is charged for it.
    { op: O.CHECKMULTISIG, start: { runLimit: 50000, dataStack: [hex('ffffffffffffffff')] }, wantErr: 'BAD_VALUE' },
    { op: O.CHECKMULTISIG, start: { runLimit: 50000, dataStack: [hex('0000000000000040')] }, wantErr: 'BAD_VALUE' },
    { op: O.CHECKMULTISIG, start: { runLimit: 50000, dataStack: [hex('00000000000020')] }, wantErr: 'BAD_VALUE' },
    {
      op: O.CHECKMULTISIG,
      start: { runLimit: 50000, dataStack: [hex('000000000020')] },
      wantErr: 'RUN_LIMIT_EXCEEDED',
    },
  ];
  runOpCases(cases);
});

test('CHECKMULTISIG matches signatures to keys in order, skipping keys', () => {
  // 1-of-2 where the only signature belongs to the deeper key: the top key is tried first and skipped.
  const other = hex('dbca6fb13badb7cfdf76510070ffad15b85f9934224a9e11202f5e8f86b584a6');
  const run = (keys: Uint8Array[]) => {
    const vm = makeMachine({
      runLimit: 50000,
      dataStack: [CS_SIG, CS_MSG, ...keys, bytes(1), bytes(keys.length)],
    });
    vm.execution.ops[O.CHECKMULTISIG]!(vm);
    return vm.dataStack.at(-1)!.length === 1;
  };
  assert.ok(run([CS_PUB, other]));
  assert.ok(run([other, CS_PUB]));
  assert.ok(!run([other, other]));
  // A malformed key anywhere makes the whole check false.
  assert.ok(!run([CS_PUB, bytes(1, 2, 3)]));
});
