// Hostile inputs for the VM (slow; run by CI): random and mutated programs and witnesses, both
// signature modes. Only results or typed VmErrors may come out, and deferred mode must never
// disagree with strict mode when it claims to be sound.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { sha3 } from '../../src/hash/sha3.ts';
import { isVmError } from '../../src/vm/errors.ts';
import { type VerifySignatureFn, verifyVmSignatureSets } from '../../src/vm/signatures.ts';
import { createMultisigScript, createP2WSHProgram } from '../../src/vm/standard/programs.ts';
import { type VerifyProgramResult, verifyProgram } from '../../src/vm/verify.ts';

const fakeVerify: VerifySignatureFn = (_k, _m, s) => s[0] === 1;

function outcome(code: Uint8Array, args: Uint8Array[], strict: boolean): VerifyProgramResult | string {
  try {
    return verifyProgram(
      { vmVersion: 1n, code },
      args,
      { txSigHash: () => new Uint8Array(32), blockHeight: 5n, amount: 7n, assetId: new Uint8Array(32), destPos: 0n },
      strict
        ? { gasLimit: 20000, signatures: 'strict', verify: fakeVerify }
        : { gasLimit: 20000, signatures: 'deferred' },
    );
  } catch (err) {
    assert.ok(isVmError(err), String(err));
    assert.notEqual(err.code, 'UNEXPECTED');
    return err.code;
  }
}

function agree(code: Uint8Array, args: Uint8Array[]): void {
  const strict = outcome(code, args, true);
  const deferred = outcome(code, args, false);
  if (deferred === 'DEFERRAL_UNSOUND') return;
  if (typeof deferred === 'string') assert.equal(typeof strict, 'string');
  else assert.equal(typeof strict !== 'string', verifyVmSignatureSets(deferred.signatureSets, fakeVerify));
}

test('random programs', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.uint8Array({ maxLength: 70 }), { maxLength: 6 }), agree),
    { numRuns: 50_000 },
  );
});

test('mutated multisig spends', () => {
  const keys = [1, 2, 3].map((i) => new Uint8Array(32).fill(i));
  const script = createMultisigScript(keys, 2);
  const program = createP2WSHProgram(sha3(script));
  const sig = (v: number) => new Uint8Array(64).fill(v);
  fc.assert(
    fc.property(fc.nat(script.length - 1), fc.nat(255), fc.nat(2), fc.nat(2), (at, byte, a, b) => {
      const mutated = script.slice();
      mutated[at] = byte;
      agree(program, [sig(a), sig(b), script]);
      agree(createP2WSHProgram(sha3(mutated)), [sig(a), sig(b), mutated]);
    }),
    { numRuns: 20_000 },
  );
});
