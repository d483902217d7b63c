// Standard programs: Bytom v1.1.1 protocol/vm/vmutil/script_test.go, builder_test.go and
// consensus/segwit/segwit_test.go; Vapor HEAD's magnetic contract (no upstream vectors: checked
// against the contract's documented stack flow and by running its clauses).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { disassembleProgram } from '../../src/vm/assemble.ts';
import { Opcode as O } from '../../src/vm/opcodes.ts';
import { ProgramBuilder } from '../../src/vm/standard/builder.ts';
import {
  createP2MCScript,
  createP2WMCProgram,
  decodeP2WMCProgram,
  isP2WMCProgram,
  type MagneticContractArgs,
} from '../../src/vm/standard/magnetic.ts';
import {
  createCoinbaseProgram,
  createMultisigScript,
  createP2PKHSigScript,
  createP2SHScript,
  createP2WPKHProgram,
  createP2WSHProgram,
  createRetireProgram,
  getIssuanceProgramRestrictHeight,
  isUnspendableProgram,
} from '../../src/vm/standard/programs.ts';
import {
  expandWitnessProgram,
  getWitnessProgramHash,
  isP2WPKHProgram,
  isP2WProgram,
  isP2WSHProgram,
  isStraightforwardProgram,
} from '../../src/vm/standard/segwit.ts';
import { errorCode, hex, toHex } from './helpers.ts';

test('isUnspendableProgram (upstream TestIsUnspendable)', () => {
  assert.ok(isUnspendableProgram(hex('6a0474657374')));
  assert.ok(!isUnspendableProgram(hex('76a9142995a0fe6843fa9b954597f0dca7a44df6fa0b5c88ac')));
  assert.ok(!isUnspendableProgram(hex('')));
  assert.equal(toHex(createRetireProgram(hex('74657374'))), '6a0474657374');
  assert.equal(toHex(createRetireProgram()), '6a');
  assert.equal(toHex(createCoinbaseProgram()), '51');
});

const PUB1 = hex('988650ff921c82d47a953527894f792572ba63197c56e5fe79e5df0c444d6bb6');
const PUB2 = hex('7192bf4eac0789ee19c88dfa87861cf59e215820f7bdb7be02761d9ed92e6c62');
const PUB3 = hex('8bcd251d9f4e03877130b6e6f1d577eda562375f07c3cdfad8f1d541002fd1a3');

test('createMultisigScript (upstream TestP2SPMultiSigProgram / TestP2SPMultiSigProgramWithHeight)', () => {
  const one = 'ae20988650ff921c82d47a953527894f792572ba63197c56e5fe79e5df0c444d6bb65151ad';
  const two =
    'ae20988650ff921c82d47a953527894f792572ba63197c56e5fe79e5df0c444d6bb6207192bf4eac0789ee19c88dfa87861cf59e215820f7bdb7be02761d9ed92e6c625252ad';
  const twoOfThree =
    'ae20988650ff921c82d47a953527894f792572ba63197c56e5fe79e5df0c444d6bb6207192bf4eac0789ee19c88dfa87861cf59e215820f7bdb7be02761d9ed92e6c62208bcd251d9f4e03877130b6e6f1d577eda562375f07c3cdfad8f1d541002fd1a35253ad';
  assert.equal(toHex(createMultisigScript([PUB1], 1)), one);
  assert.equal(toHex(createMultisigScript([PUB1, PUB2], 2)), two);
  assert.equal(toHex(createMultisigScript([PUB1, PUB2, PUB3], 2)), twoOfThree);
  assert.equal(toHex(createMultisigScript([PUB1], 1, 0n)), one);
  assert.equal(toHex(createMultisigScript([PUB1], 1, 200n)), `01c8cda069${one}`);
  assert.equal(toHex(createMultisigScript([PUB1, PUB2], 2, 200n)), `01c8cda069${two}`);
  assert.equal(toHex(createMultisigScript([PUB1, PUB2, PUB3], 2, 200n)), `01c8cda069${twoOfThree}`);
  for (const [keys, quorum, height] of [
    [[PUB1], -1, 0n],
    [[PUB1], 0, 0n],
    [[PUB1, PUB2], 3, 0n],
    [[PUB1], 1, -1n],
    [[PUB1.subarray(1)], 1, 0n],
  ] as const) {
    assert.equal(
      errorCode(() => createMultisigScript(keys, quorum, height)),
      'BAD_VALUE',
    );
  }
  assert.equal(toHex(createMultisigScript([], 0)), 'ae0000ad', '0-of-0 is allowed, as upstream');
});

test('getIssuanceProgramRestrictHeight (upstream TestGetIssuanceProgramRestrictHeight)', () => {
  assert.equal(getIssuanceProgramRestrictHeight(hex('')), 0n);
  assert.equal(
    getIssuanceProgramRestrictHeight(hex('ae20ac20f5cdb9ada2ae9836bcfff32126d6b885aa3f73ee111a95d1bf37f3904aca5151ad')),
    0n,
  );
  assert.equal(
    getIssuanceProgramRestrictHeight(
      hex(
        '01c8cda069ae20f44dd85be89de08b0f894476ccc7b3eebcf0a288c79504fa7e4c8033f5b7338020c86dc682ce3ecac64e165d9b5f8cca9ee05bd0d4df07adbfd11251ad7e88f1685152ad',
      ),
    ),
    200n,
  );
  assert.equal(getIssuanceProgramRestrictHeight(hex('4c')), 0n, 'malformed');
});

test('ProgramBuilder jumps (upstream TestAddJump)', () => {
  const build = (fn: (b: ProgramBuilder) => void) => {
    const b = new ProgramBuilder();
    fn(b);
    return toHex(b.build());
  };
  assert.equal(
    build((b) => {
      const t = b.newJumpTarget();
      b.addJump(t).addOp(O.NOP).setJumpTarget(t);
    }),
    '630600000061',
  );
  assert.equal(
    build((b) => {
      const t = b.newJumpTarget();
      b.setJumpTarget(t).addOp(O.NOP).addJump(t);
    }),
    '616300000000',
  );
  assert.equal(
    build((b) => {
      const t = b.newJumpTarget();
      b.addJump(t).addOp(O.NOP).addJump(t).addOp(O.NOP).setJumpTarget(t);
    }),
    '630c00000061630c00000061',
  );
  assert.equal(
    build((b) => {
      const t = b.newJumpTarget();
      b.setJumpTarget(t).addOp(O.NOP).addJump(t).addOp(O.NOP).addJump(t);
    }),
    '616300000000616300000000',
  );
  assert.equal(
    build((b) => {
      const t = b.newJumpTarget();
      b.addJump(t).addOp(O.NOP).setJumpTarget(t).addOp(O.NOP).addJump(t);
    }),
    '630600000061616306000000',
  );
  assert.equal(
    build((b) => {
      const t1 = b.newJumpTarget();
      b.addJump(t1).addOp(O.NOP);
      const t2 = b.newJumpTarget();
      b.addJump(t2).addOp(O.NOP).setJumpTarget(t1).addOp(O.NOP).setJumpTarget(t2);
    }),
    '630c00000061630d0000006161',
  );
  assert.equal(
    build((b) => {
      b.addOp(O.NOP);
      const t1 = b.newJumpTarget();
      b.setJumpTarget(t1).addOp(O.NOP);
      const t2 = b.newJumpTarget();
      b.setJumpTarget(t2).addOp(O.NOP).addJump(t1).addOp(O.NOP).addJump(t2);
    }),
    '6161616301000000616302000000',
  );
  assert.equal(
    errorCode(() => new ProgramBuilder().addJump(7).build()),
    'UNRESOLVED_JUMP',
  );
  const big = new Uint8Array(70000).fill(7);
  assert.equal(toHex(new ProgramBuilder().addData(big).build()), `4e70110100${toHex(big)}`);
});

test('witness program expansion (upstream segwit TestConvertProgram)', () => {
  const cases: [string, string][] = [
    [
      '0020e402787b2bf9749f8fcdcc132a44e86bacf36780ec5df2189a11020d590533ee',
      '76aa20e402787b2bf9749f8fcdcc132a44e86bacf36780ec5df2189a11020d590533ee8808ffffffffffffffff7c00c0',
    ],
    [
      '00200824e931fb806bd77fdcd291aad3bd0a4493443a4120062bd659e64a3e0bac66',
      '76aa200824e931fb806bd77fdcd291aad3bd0a4493443a4120062bd659e64a3e0bac668808ffffffffffffffff7c00c0',
    ],
    ['001437e1aec83a4e6587ca9609e4e5aa728db7007449', '76ab1437e1aec83a4e6587ca9609e4e5aa728db700744988ae7cac'],
  ];
  for (const [program, script] of cases) assert.equal(toHex(expandWitnessProgram(hex(program))), script);
  // Only version 0 expands; other recognized programs and everything else run as they are.
  for (const other of ['511437e1aec83a4e6587ca9609e4e5aa728db7007449', '51', '4c', '0014aa']) {
    assert.equal(toHex(expandWitnessProgram(hex(other))), other);
  }
  const hash = hex('37e1aec83a4e6587ca9609e4e5aa728db7007449');
  assert.equal(toHex(createP2WPKHProgram(hash)), '001437e1aec83a4e6587ca9609e4e5aa728db7007449');
  assert.equal(toHex(createP2PKHSigScript(hash)), cases[2]![1]);
  const sh = hex('e402787b2bf9749f8fcdcc132a44e86bacf36780ec5df2189a11020d590533ee');
  assert.equal(toHex(createP2WSHProgram(sh)), cases[0]![0]);
  assert.equal(toHex(createP2SHScript(sh)), cases[0]![1]);
  assert.equal(toHex(getWitnessProgramHash(hex(cases[0]![0]))!), toHex(sh));
  assert.equal(toHex(getWitnessProgramHash(hex(cases[2]![0]))!), toHex(hash));
  assert.equal(getWitnessProgramHash(hex('51')), undefined);
  assert.equal(
    errorCode(() => createP2WPKHProgram(sh)),
    'BAD_VALUE',
  );
  assert.equal(
    errorCode(() => createP2WSHProgram(hash)),
    'BAD_VALUE',
  );
});

test('program type guards (upstream segwit TestProgramType)', () => {
  const p2wpkh = hex('001437e1aec83a4e6587ca9609e4e5aa728db7007449');
  const p2wsh = hex('00200824e931fb806bd77fdcd291aad3bd0a4493443a4120062bd659e64a3e0bac66');
  const trueProg = hex('51');
  assert.deepEqual([p2wpkh, p2wsh, trueProg].map(isP2WPKHProgram), [true, false, false]);
  assert.deepEqual([p2wpkh, p2wsh, trueProg].map(isP2WSHProgram), [false, true, false]);
  assert.deepEqual([p2wpkh, p2wsh, trueProg].map(isStraightforwardProgram), [false, false, true]);
  assert.deepEqual([p2wpkh, p2wsh, trueProg, hex('6a'), hex('6a00')].map(isP2WProgram), [
    true,
    true,
    true,
    true,
    false,
  ]);
  // Upstream's loose version check: any opcode up to OP_16 first, a push included.
  assert.ok(isP2WPKHProgram(hex('60142995a0fe6843fa9b954597f0dca7a44df6fa0b5c')));
  assert.ok(isP2WPKHProgram(hex('01ff142995a0fe6843fa9b954597f0dca7a44df6fa0b5c')));
  assert.ok(!isP2WPKHProgram(hex('61142995a0fe6843fa9b954597f0dca7a44df6fa0b5c')));
  assert.ok(!isP2WPKHProgram(hex('004c142995a0fe6843fa9b954597f0dca7a44df6fa0b5c')), 'PUSHDATA1 is not DATA_20');
});

const ORDER: MagneticContractArgs = {
  requestedAsset: hex('a2e95e1b6c4e1c0a5e0f3d2b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d'),
  ratioNumerator: 50n,
  ratioDenominator: 1n,
  sellerProgram: hex('0014f928b723999312df4ed51cb275a2644336c19251'),
  sellerKey: hex('7192bf4eac0789ee19c88dfa87861cf59e215820f7bdb7be02761d9ed92e6c62'),
};

test('magnetic contract: P2WMC program, recognizer, decoder (Vapor vmutil / segwit)', () => {
  const program = createP2WMCProgram(ORDER);
  assert.equal(
    toHex(program),
    `0020${toHex(ORDER.requestedAsset)}01325116${toHex(ORDER.sellerProgram)}20${toHex(ORDER.sellerKey)}`,
  );
  assert.ok(isP2WMCProgram(program));
  assert.deepEqual(decodeP2WMCProgram(program), ORDER);
  assert.ok(!isP2WMCProgram(createP2WMCProgram({ ...ORDER, sellerProgram: hex('76') })), 'seller program must be P2W');
  assert.ok(!isP2WMCProgram(createP2WMCProgram({ ...ORDER, sellerKey: hex('aa') })), 'seller key must be 32 bytes');
  assert.ok(!isP2WPKHProgram(program) && !isP2WSHProgram(program));
  assert.equal(toHex(expandWitnessProgram(program)), toHex(program), 'main chain: not expanded');
  assert.equal(toHex(expandWitnessProgram(program, true)), toHex(createP2MCScript(ORDER)));
});

test('magnetic contract: P2MC script follows the documented contract', () => {
  const script = createP2MCScript(ORDER);
  const standard = toHex(createP2WMCProgram(ORDER));
  const body = disassembleProgram(script);
  const args = `0x${toHex(ORDER.sellerKey)} 0x${standard} 0x${toHex(ORDER.sellerProgram)} 0x01 0x32 0x${toHex(ORDER.requestedAsset)}`;
  const clauses = [
    '0x07 ROLL TOALTSTACK 0x06 ROLL DUP 0x02 NUMEQUAL JUMPIF:$alpha JUMPIF:$bravo',
    '0x06 PICK 0x03 ROLL 0x03 ROLL MULFRACTION AMOUNT OVER FALSE GREATERTHANOREQUAL 0x02 PICK ROT LESSTHAN BOOLAND VERIFY',
    'FROMALTSTACK DUP TOALTSTACK 0x06 ROLL 0xe703 0xe803 MULFRACTION 0x03 ROLL 0x01 0x05 ROLL CHECKOUTPUT VERIFY',
    'FROMALTSTACK 0x01 ADD AMOUNT ROT SUB ASSET 0x01 0x04 ROLL CHECKOUTPUT JUMP:$charlie',
    '$bravo AMOUNT ROT 0x03 ROLL MULFRACTION 0xe703 0xe803 MULFRACTION DUP FALSE GREATERTHANOREQUAL VERIFY',
    'FROMALTSTACK SWAP ROT 0x01 0x04 ROLL CHECKOUTPUT JUMP:$charlie',
    '$alpha DROP 0x06 ROLL 0x06 ROLL TXSIGHASH SWAP CHECKSIG $charlie',
  ];
  assert.equal(body, `${args} ${clauses.join(' ')}`);
});
