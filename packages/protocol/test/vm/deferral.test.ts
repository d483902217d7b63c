// Property: deferred signature checks decide exactly what strict checks decide (src/vm/deferral.ts).
// Random programs mix signature checks (valid or not) with stack, control, predicate and gas
// pressure; Ed25519 is replaced by a fake verifier (valid iff the signature starts with 1), which
// is all the VM ever sees of it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isVmError } from '../../src/vm/errors.ts';
import { Opcode as O } from '../../src/vm/opcodes.ts';
import {
  type VerifySignatureFn,
  verifyVmSignatureSets,
  vmSignatureSetHolds,
  vmSignatureSetPairs,
} from '../../src/vm/signatures.ts';
import { ProgramBuilder } from '../../src/vm/standard/builder.ts';
import { type VerifyProgramResult, verifyProgram } from '../../src/vm/verify.ts';

const fakeVerify: VerifySignatureFn = (_publicKey, _message, signature) => signature[0] === 1;
const sig = (valid: boolean) => new Uint8Array(64).fill(valid ? 1 : 2);
const key = (i: number) => new Uint8Array(32).fill(i + 1);
const sighash = new Uint8Array(32).fill(9);

type Token =
  | { t: 'op'; op: number }
  | { t: 'sig'; valid: boolean }
  | { t: 'multi'; valid: boolean[]; m: number }
  | { t: 'jumpif'; body: Token[] }
  | { t: 'predicate'; n: number; limit: number; body: Token[] };

const simpleOps = [
  O.VERIFY,
  O.NOT,
  O.DROP,
  O.DUP,
  O.SWAP,
  O.OVER,
  O.ROT,
  O.NIP,
  O.TUCK,
  O['2DUP'],
  O.IFDUP,
  O.TOALTSTACK,
  O.FROMALTSTACK,
  O.TRUE,
  O.FALSE,
  O.EQUAL,
  O.SIZE,
  O.BOOLAND,
  O.NOP,
  0xff,
];

const leaf: fc.Arbitrary<Token> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...simpleOps).map((op): Token => ({ t: 'op', op })) },
  { weight: 4, arbitrary: fc.boolean().map((valid): Token => ({ t: 'sig', valid })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ valid: fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }), extra: fc.nat(2) })
      .map(({ valid, extra }): Token => ({ t: 'multi', valid, m: valid.length + extra })),
  },
);

const tokens: fc.Arbitrary<Token[]> = fc.letrec<{ list: Token[]; token: Token }>((tie) => ({
  list: fc.array(tie('token'), { maxLength: 8 }),
  token: fc.oneof(
    { weight: 8, arbitrary: leaf },
    { weight: 1, arbitrary: tie('list').map((body): Token => ({ t: 'jumpif', body })) },
    {
      weight: 1,
      arbitrary: fc
        .record({ n: fc.integer({ min: -1, max: 2 }), limit: fc.constantFrom(0, 300, 3000), body: tie('list') })
        .map((r): Token => ({ t: 'predicate', ...r })),
    },
  ),
})).list;

function build(list: Token[]): Uint8Array {
  const b = new ProgramBuilder();
  emit(b, list);
  return b.build();
}

function emit(b: ProgramBuilder, list: Token[]): void {
  for (const token of list) {
    switch (token.t) {
      case 'op':
        b.addOp(token.op);
        break;
      case 'sig':
        b.addData(sig(token.valid)).addData(sighash).addData(key(0)).addOp(O.CHECKSIG);
        break;
      case 'multi': {
        // M keys, then as many signatures as `valid` says, for a valid.length-of-M check.
        for (const v of token.valid) b.addData(sig(v));
        b.addData(sighash);
        for (let i = 0; i < token.m; i++) b.addData(key(i));
        b.addInt64(BigInt(token.valid.length)).addInt64(BigInt(token.m)).addOp(O.CHECKMULTISIG);
        break;
      }
      case 'jumpif': {
        const end = b.newJumpTarget();
        b.addJumpIf(end);
        emit(b, token.body);
        b.setJumpTarget(end);
        break;
      }
      case 'predicate':
        b.addInt64(BigInt(token.n)).addData(build(token.body)).addInt64(BigInt(token.limit)).addOp(O.CHECKPREDICATE);
        break;
    }
  }
}

type Outcome = { ok: true; result: VerifyProgramResult } | { ok: false; code: string };

function outcome(code: Uint8Array, gasLimit: number, mode: 'strict' | 'deferred'): Outcome {
  try {
    const result = verifyProgram(
      { vmVersion: 1n, code },
      [],
      {},
      mode === 'strict' ? { gasLimit, signatures: 'strict', verify: fakeVerify } : { gasLimit, signatures: 'deferred' },
    );
    return { ok: true, result };
  } catch (err) {
    if (!isVmError(err)) throw err;
    return { ok: false, code: err.code };
  }
}

test('deferred signature checks agree with strict ones whenever deferral claims to be sound', () => {
  let decided = 0;
  const withSets = { hold: 0, fail: 0 };
  let unsound = 0;
  fc.assert(
    fc.property(
      tokens,
      fc.constantFrom<Token[]>([], [{ t: 'sig', valid: true }], [{ t: 'sig', valid: false }]),
      fc.constantFrom(500, 2500, 20000),
      (list, tail, gasLimit) => {
        // A few items to start with, so that fewer runs end in a stack underflow.
        const code = build([{ t: 'op', op: O.TRUE }, { t: 'op', op: O.TRUE }, ...list, ...tail]);
        const strict = outcome(code, gasLimit, 'strict');
        const deferred = outcome(code, gasLimit, 'deferred');
        if (!deferred.ok) {
          if (deferred.code === 'DEFERRAL_UNSOUND') {
            unsound++;
            return;
          }
          assert.equal(strict.ok, false, 'deferred rejection implies strict rejection');
          decided++;
          return;
        }
        const sets = deferred.result.signatureSets;
        const hold = verifyVmSignatureSets(sets, fakeVerify);
        if (sets.length > 0) withSets[hold ? 'hold' : 'fail']++;
        for (const set of sets) {
          const pairs = vmSignatureSetPairs(set);
          const batched = vmSignatureSetHolds(
            set,
            pairs.map((p) => fakeVerify(p.publicKey, p.message, p.signature)),
          );
          assert.equal(batched, verifyVmSignatureSets([set], fakeVerify), 'batched pairs decide like the ordered walk');
        }
        assert.equal(strict.ok, hold, 'strict accepts iff the deferred sets hold');
        if (strict.ok) assert.deepEqual(strict.result.gasLeft, deferred.result.gasLeft);
        decided++;
      },
    ),
    { numRuns: 3000, seed: 20240611 },
  );
  const stats = JSON.stringify({ decided, withSets, unsound });
  assert.ok(decided > 1500 && withSets.hold > 50 && withSets.fail > 50, `enough decided runs: ${stats}`);
});
