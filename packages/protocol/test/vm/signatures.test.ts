// End-to-end programs with real Ed25519 signatures (noble), in strict and deferred modes, and the
// soundness rules of signature deferral (src/vm/deferral.ts). P2WPKH gas is upstream's figure
// (Bytom v1.1.1 blockchain/txbuilder/estimate.go: baseP2WPKHGas = 1409, with a per-instruction
// breakdown in estimate_test.go); P2WSH gas is derived by hand below from the same rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha3 } from '../../src/hash/sha3.ts';
import { assembleProgram } from '../../src/vm/assemble.ts';
import type { VmContext } from '../../src/vm/context.ts';
import { isVmError } from '../../src/vm/errors.ts';
import {
  type VmSignatureSet,
  verifyVmSignatureSet,
  verifyVmSignatureSets,
  vmSignatureSetHolds,
  vmSignatureSetPairs,
} from '../../src/vm/signatures.ts';
import { createMultisigScript, createP2WPKHProgram, createP2WSHProgram } from '../../src/vm/standard/programs.ts';
import { type VerifyProgramOptions, type VerifyProgramResult, verifyProgram } from '../../src/vm/verify.ts';
import { errorCode, nobleVerify, toHex } from './helpers.ts';

const secrets = [1, 2, 3].map((i) => new Uint8Array(32).fill(i));
const pubs = secrets.map((s) => ed25519.getPublicKey(s));
const sighash = sha3(new TextEncoder().encode('entry id || tx id'));
const context: VmContext = { txSigHash: () => sighash, txVersion: 1n };
const sign = (i: number, msg = sighash) => ed25519.sign(msg, secrets[i]!);

const strict: VerifyProgramOptions = { gasLimit: 100000, signatures: 'strict', verify: nobleVerify };
const deferred: VerifyProgramOptions = { gasLimit: 100000, signatures: 'deferred' };

function run(code: Uint8Array, args: Uint8Array[], options: VerifyProgramOptions): VerifyProgramResult {
  return verifyProgram({ vmVersion: 1n, code }, args, context, options);
}

/** Strict and deferred agree: same gas; deferred sets verify iff strict accepted. */
function bothModes(
  code: Uint8Array,
  args: Uint8Array[],
): { ok: boolean; gasUsed?: number; sets: readonly VmSignatureSet[] } {
  const d = run(code, args, deferred);
  const setsHold = verifyVmSignatureSets(d.signatureSets, nobleVerify);
  let s: VerifyProgramResult | undefined;
  try {
    s = run(code, args, strict);
  } catch (err) {
    assert.ok(isVmError(err));
  }
  assert.equal(s !== undefined, setsHold, 'deferred sets hold iff the strict run accepts');
  if (s) assert.equal(s.gasUsed, d.gasUsed);
  return { ok: setsHold, gasUsed: s?.gasUsed, sets: d.signatureSets };
}

test('P2WPKH with a real signature: both modes, upstream gas 1409', () => {
  const program = createP2WPKHProgram(ripemd160(pubs[0]!));
  const good = bothModes(program, [sign(0), pubs[0]!]);
  assert.deepEqual(good, {
    ok: true,
    gasUsed: 1409,
    sets: [{ kind: 'single', publicKey: pubs[0], message: sighash, signature: sign(0) }],
  });
  assert.equal(run(program, [sign(0), pubs[0]!], strict).signatureSets.length, 0);

  // A wrong signature: strict rejects (FALSE_RESULT); deferred accepts the run but its set fails.
  const bad = sign(0, sha3(sighash));
  assert.equal(
    errorCode(() => run(program, [bad, pubs[0]!], strict)),
    'FALSE_RESULT',
  );
  assert.equal(bothModes(program, [bad, pubs[0]!]).ok, false);
  // A signature of the wrong length is false without any Ed25519: no set.
  assert.equal(
    errorCode(() => run(program, [bad.subarray(1), pubs[0]!], deferred)),
    'FALSE_RESULT',
  );
  // Another key does not match the hash: EQUALVERIFY fails in both modes.
  for (const options of [strict, deferred]) {
    assert.equal(
      errorCode(() => run(program, [sign(1), pubs[1]!], options)),
      'VERIFY_FAILED',
    );
  }
});

test('2-of-3 multisig script: ordered matching, deferred as one ordered set', () => {
  const script = createMultisigScript(pubs, 2);
  // Witness signatures in key order; the deeper key's signature comes first.
  for (const [i, j] of [
    [0, 1],
    [0, 2],
    [1, 2],
  ] as const) {
    const r = bothModes(script, [sign(i), sign(j)]);
    assert.equal(r.ok, true, `keys ${i},${j}`);
    assert.equal(r.sets.length, 1);
    const set = r.sets[0]!;
    assert.equal(set.kind, 'orderedMultisig');
    // The batchable form decides the same.
    const pairs = vmSignatureSetPairs(set);
    assert.equal(pairs.length, 4, '2 * (3 - 2 + 1)');
    assert.ok(
      vmSignatureSetHolds(
        set,
        pairs.map((p) => nobleVerify(p.publicKey, p.message, p.signature)),
      ),
    );
  }
  // Out of order, duplicated, or foreign signatures fail.
  for (const sigs of [
    [sign(1), sign(0)],
    [sign(0), sign(0)],
    [sign(0), sign(0, sha3(sighash))],
  ]) {
    const r = bothModes(script, sigs);
    assert.equal(r.ok, false);
    const pairs = vmSignatureSetPairs(r.sets[0]!);
    assert.ok(
      !vmSignatureSetHolds(
        r.sets[0]!,
        pairs.map((p) => nobleVerify(p.publicKey, p.message, p.signature)),
      ),
    );
  }
  // Too few signatures: stack underflow in both modes.
  assert.equal(
    errorCode(() => run(script, [sign(0)], deferred)),
    'STACK_UNDERFLOW',
  );
});

test('N-of-N multisig: forced pairing becomes single sets', () => {
  const script = createMultisigScript(pubs, 3);
  const r = bothModes(script, [sign(0), sign(1), sign(2)]);
  assert.equal(r.ok, true);
  assert.deepEqual(
    r.sets.map((s) => s.kind === 'single' && toHex(s.publicKey)),
    [pubs[2]!, pubs[1]!, pubs[0]!].map(toHex),
  );
  assert.equal(bothModes(script, [sign(0), sign(2), sign(1)]).ok, false);
});

test('P2WSH of a 2-of-3 multisig: deferred through CHECKPREDICATE, exact gas', () => {
  const script = createMultisigScript(pubs, 2);
  const program = createP2WSHProgram(sha3(script));
  const r = bothModes(program, [sign(0), sign(2), script]);
  assert.equal(r.ok, true);
  // Upstream's fee estimate (1131*N + 72*M + 659 = 4196) ignores the refunds of CHECKPREDICATE and
  // CHECKMULTISIG. Exactly: arguments 72+72+111; DUP 112; SHA3 -111+103+40; DATA_32 41;
  // EQUALVERIFY 33-80; -1 17; SWAP 1; 0 9; CHECKPREDICATE 256-192-8-111-16, plus the child's
  // TXSIGHASH 296, keys 3*41, M and N 2*10, CHECKMULTISIG 3072-9-9-120-40-144+9, minus its final stack 9, plus the result 9.
  assert.equal(r.gasUsed, 3547);
  assert.equal(r.sets.length, 1);
  assert.equal(bothModes(program, [sign(2), sign(0), script]).ok, false);

  const one = createMultisigScript([pubs[1]!], 1);
  assert.equal(bothModes(createP2WSHProgram(sha3(one)), [sign(1), one]).gasUsed, 1458);
  // Wrong script for the hash.
  assert.equal(
    errorCode(() => run(program, [sign(0), sign(2), one], deferred)),
    'VERIFY_FAILED',
  );
});

test('asset issuance program with a height restriction: issuable below that height only', () => {
  const issuance = createMultisigScript([pubs[0]!], 1, 100n);
  const at = (blockHeight: bigint, options: VerifyProgramOptions) =>
    verifyProgram({ vmVersion: 1n, code: issuance }, [sign(0)], { ...context, blockHeight }, options);
  assert.equal(at(99n, deferred).signatureSets.length, 1);
  assert.equal(at(99n, strict).gasUsed, at(99n, deferred).gasUsed);
  for (const options of [strict, deferred]) {
    assert.equal(
      errorCode(() => at(100n, options)),
      'VERIFY_FAILED',
    );
  }
});

const SIG = `0x${toHex(sign(0))}`;
const BAD_SIG = `0x${toHex(sign(0, sha3(sighash)))}`;
const PUB = `0x${toHex(pubs[0]!)}`;
const check = (sig: string) => `${sig} TXSIGHASH ${PUB} CHECKSIG`;

test('deferral refuses programs whose outcome could depend on a signature being invalid', () => {
  const unsound = [
    `${check(BAD_SIG)} NOT`, // accepts an invalid signature
    `${check(BAD_SIG)} DROP TRUE`, // ignores it
    `${check(BAD_SIG)} TRUE`, // leaves it under the result
    `${check(BAD_SIG)} TOALTSTACK TRUE`, // leaves it on the alt stack
    `${check(BAD_SIG)} JUMPIF:$end TRUE $end`, // branches on it
    `${check(BAD_SIG)} SIZE`,
    `${check(BAD_SIG)} 0 EQUAL`,
    `${check(BAD_SIG)} 0 0x${toHex(assembleProgram('TRUE'))} 0 CHECKPREDICATE`, // a predicate inheriting gas
    `${check(BAD_SIG)} 1 0x${toHex(assembleProgram('VERIFY FAIL'))} 1000 CHECKPREDICATE NOT`, // a failing predicate
  ];
  for (const source of unsound) {
    const code = assembleProgram(source);
    assert.equal(
      errorCode(() => run(code, [], deferred)),
      'DEFERRAL_UNSOUND',
      source,
    );
    // With a verifier at hand, deferred mode falls back to a strict run.
    const withFallback = { ...deferred, verify: nobleVerify };
    let strictOutcome: unknown;
    let fallbackOutcome: unknown;
    try {
      strictOutcome = run(code, [], strict);
    } catch (err) {
      strictOutcome = (err as { code: string }).code;
    }
    try {
      fallbackOutcome = run(code, [], withFallback);
    } catch (err) {
      fallbackOutcome = (err as { code: string }).code;
    }
    assert.deepEqual(fallbackOutcome, strictOutcome, source);
  }
  assert.equal(
    run(assembleProgram(`${check(BAD_SIG)} NOT`), [], { ...deferred, verify: nobleVerify }).signatureSets.length,
    0,
  );

  const sound = [
    check(SIG),
    `${check(SIG)} VERIFY TRUE`,
    `${check(SIG)} DUP VERIFY`,
    `${check(SIG)} TRUE SWAP`,
    `${check(SIG)} TOALTSTACK 5 FROMALTSTACK`,
    `${check(SIG)} 1 0x${toHex(assembleProgram('VERIFY TRUE'))} 1000 CHECKPREDICATE`,
    `0 0x${toHex(assembleProgram(check(SIG)))} 5000 CHECKPREDICATE VERIFY 1`,
  ];
  for (const source of sound) {
    const r = bothModes(assembleProgram(source), []);
    assert.ok(r.ok && r.sets.length === 1, source);
  }
  // Failing definitely, whatever the signature: rejected in deferred mode without a fallback.
  assert.equal(
    errorCode(() => run(assembleProgram(`${check(SIG)} VERIFY FAIL`), [], deferred)),
    'FAIL_EXECUTED',
  );
  assert.equal(
    errorCode(() => run(assembleProgram(`${check(SIG)} 0`), [], deferred)),
    'FALSE_RESULT',
  );
});

/** The least gas limit with which the strict run accepts `code` (binary search; acceptance is monotone here). */
function leastStrictGas(code: Uint8Array): number {
  let lo = 0;
  let hi = 100000;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const ok = errorCode(() => run(code, [], { ...strict, gasLimit: mid })) === undefined;
    if (ok) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

test('deferral refuses runs where an assumed value changes the gas available', () => {
  const big = `0x${'ab'.repeat(2000)}`;
  // Strict, with the invalid signature's false (one byte shorter than the assumed true), fits the
  // big push exactly; the optimistic run runs out of gas while the assumed value sits on the alt stack.
  const outOfGas = assembleProgram(`${check(BAD_SIG)} TOALTSTACK ${big} DROP TRUE`);
  // A predicate inheriting all remaining gas succeeds strictly, fails optimistically, and the two
  // runs take different branches: strict ignores the signature, optimistic consumes it by VERIFY.
  const pred = `0x${toHex(assembleProgram(`${big} DROP TRUE`))}`;
  const inherit = assembleProgram(`${check(BAD_SIG)} 0 ${pred} 0 CHECKPREDICATE JUMPIF:$skip VERIFY TRUE $skip TRUE`);
  for (const code of [outOfGas, inherit]) {
    const gasLimit = leastStrictGas(code);
    assert.doesNotThrow(() => run(code, [], { ...strict, gasLimit }));
    assert.equal(
      errorCode(() => run(code, [], { ...deferred, gasLimit })),
      'DEFERRAL_UNSOUND',
    );
    assert.equal(run(code, [], { ...deferred, gasLimit, verify: nobleVerify }).signatureSets.length, 0);
  }
});

test('CHECKPREDICATE children see the whole program through PROGRAM', () => {
  // The 9-byte outer program `0 <pred> 0 CHECKPREDICATE` with pred = PROGRAM SIZE 9 NUMEQUAL NIP.
  const outer = (length: number) =>
    assembleProgram(`0 0x${toHex(assembleProgram(`PROGRAM SIZE ${length} NUMEQUAL NIP`))} 0 CHECKPREDICATE`);
  assert.equal(outer(9).length, 9);
  assert.doesNotThrow(() => run(outer(9), [], deferred));
  assert.equal(
    errorCode(() => run(outer(5), [], deferred)),
    'FALSE_RESULT',
  );
});

test('verifyVmSignatureSet follows upstream length rules', () => {
  const single = { kind: 'single', publicKey: pubs[0]!, message: sighash, signature: sign(0) } as const;
  assert.ok(verifyVmSignatureSet(single, nobleVerify));
  assert.ok(!verifyVmSignatureSet({ ...single, signature: sign(0).subarray(1) }, nobleVerify));
  assert.ok(!verifyVmSignatureSet({ ...single, publicKey: pubs[0]!.subarray(1) }, nobleVerify));
  assert.equal(
    errorCode(() =>
      verifyProgram({ vmVersion: 1n, code: new Uint8Array([0x51]) }, [], {}, { gasLimit: 10, signatures: 'strict' }),
    ),
    'NO_VERIFIER',
  );
  assert.equal(
    errorCode(() =>
      verifyProgram({ vmVersion: 1n, code: new Uint8Array([0x51]) }, [], {}, { gasLimit: -1, signatures: 'deferred' }),
    ),
    'BAD_GAS_LIMIT',
  );
});

test('a throwing context callback is UNEXPECTED, a protocol error passes through', () => {
  const boom: VmContext = {
    txSigHash: () => {
      throw new TypeError('boom');
    },
  };
  assert.equal(
    errorCode(() => verifyProgram({ vmVersion: 1n, code: assembleProgram('TXSIGHASH') }, [], boom, deferred)),
    'UNEXPECTED',
  );
});
