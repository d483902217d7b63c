// Our own cases: real signed transfers (chainkd keys, P2WPKH and P2WSH multisig programs) through
// stateless validation and signature-set verification, on one thread and on the worker pool.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { BTM_ASSET_ID, createTxEntries } from '../../src/chain/index.ts';
import type { Tx } from '../../src/chain/types.ts';
import { createSignatureVerifier, createSignatureVerifierPool, ed25519Verify, xprvSign } from '../../src/keys/index.ts';
import { scriptToWitnessHash } from '../../src/keys/program-hash.ts';
import {
  ValidationErrorCode as Code,
  type TxValidationResult,
  validateTxStateless,
  verifySignatureSets,
} from '../../src/validation/index.ts';
import { assembleProgram, createMultisigScript, createP2WSHProgram, VmErrorCode } from '../../src/vm/index.ts';
import {
  coinbaseInput,
  createTestKey,
  fundingOutput,
  hashOf,
  hex,
  output,
  params,
  signTx,
  spendInput,
  transfer,
  tx,
  withCode,
} from './fixtures.ts';

const alice = createTestKey(1);
const bob = createTestKey(2);
const carol = createTestKey(3);
const FEE = 10_000_000n;
const pool = createSignatureVerifierPool({ workers: 2 });
after(() => pool.close());

function validate(t: Tx, blockHeight = 1000n): TxValidationResult {
  return validateTxStateless(t, createTxEntries(t), { params, blockHeight });
}

function badSignature(txIndex: number, inputIndex: number) {
  return (err: unknown) =>
    withCode(Code.BAD_SIGNATURE)(err) &&
    (err as { detail: { txIndex: number; inputIndex: number } }).detail.txIndex === txIndex &&
    (err as { detail: { inputIndex: number } }).detail.inputIndex === inputIndex;
}

describe('a signed P2WPKH transfer', () => {
  const funds = [fundingOutput(alice, 5_000_000_000n, 1), fundingOutput(alice, 3_000_000_000n, 2)];
  const good = transfer(funds, [
    output(BTM_ASSET_ID, 6_000_000_000n, bob.program),
    output(BTM_ASSET_ID, 2_000_000_000n - FEE, alice.program),
  ]);

  it('passes, with its fee, its gas and one signature set per input', async () => {
    const result = validate(good);
    assert.equal(result.fee, FEE);
    assert.ok(result.gasUsed > 0 && result.gasUsed < params.gas.maxTxGas);
    assert.deepEqual(
      result.signatureSets.map((s) => [s.txIndex, s.inputIndex, s.set.kind]),
      [
        [0, 0, 'single'],
        [0, 1, 'single'],
      ],
    );
    await verifySignatureSets(createSignatureVerifier(), result.signatureSets);
    await verifySignatureSets(pool, result.signatureSets);
  });

  it('a bad signature passes the VM but fails its signature set, with its input index', async () => {
    const entries = createTxEntries(good);
    const forged = {
      ...good,
      inputs: good.inputs.map((input, i) =>
        i === 1 && input.type === 'spend'
          ? { ...input, arguments: [xprvSign(alice.xprv, entries.txId), alice.publicKey] }
          : input,
      ),
    };
    const result = validate(forged);
    await assert.rejects(verifySignatureSets(createSignatureVerifier(), result.signatureSets), badSignature(0, 1));
    await assert.rejects(verifySignatureSets(pool, result.signatureSets), badSignature(0, 1));
  });

  it('a signature by the wrong key fails the key hash check in the VM', () => {
    const wrong = signTx(
      tx(
        funds.map((f) => spendInput(f)),
        good.outputs.slice(),
      ),
      [bob, alice],
    );
    assert.throws(() => validate(wrong), withCode(Code.PROGRAM_FAILED));
  });

  it('unbalanced: outputs above inputs', () => {
    const t = transfer(funds, [output(BTM_ASSET_ID, 8_000_000_001n, bob.program)]);
    assert.throws(() => validate(t), withCode(Code.UNBALANCED_ASSET));
  });

  const gasError = (vmCode: string | undefined) => (err: unknown) =>
    withCode(Code.INSUFFICIENT_GAS)(err) && (err as { detail?: { vmCode?: string } }).detail?.vmCode === vmCode;
  const payingFee = (fee: bigint) => transfer([funds[0]!], [output(BTM_ASSET_ID, 5_000_000_000n - fee, bob.program)]);

  it('fee too low: the program runs out of gas', () => {
    assert.throws(() => validate(payingFee(1000n)), gasError(VmErrorCode.RUN_LIMIT_EXCEEDED));
  });

  it('fee enough for the program but not for the storage as well', () => {
    const t = payingFee(FEE);
    const { gasUsed } = validate(t);
    const rate = BigInt(params.gas.vmGasRate);
    validate(payingFee(rate * BigInt(gasUsed)));
    assert.throws(() => validate(payingFee(rate * BigInt(gasUsed - 1))), gasError(undefined));
  });

  it('expired time range', () => {
    const t = transfer([funds[0]!], [output(BTM_ASSET_ID, 4_000_000_000n, bob.program)], { timeRange: 999n });
    assert.throws(() => validate(t, 1000n), withCode(Code.TIME_RANGE_EXPIRED));
    validate(t, 999n);
  });

  it('the same output spent twice in one transaction: named by the second input, few inputs or many', () => {
    const repeatAt = (n: number) =>
      transfer(
        [...Array.from({ length: n - 1 }, (_, i) => fundingOutput(alice, 1_000_000n, 900 + i)), funds[0]!, funds[0]!],
        [output(BTM_ASSET_ID, 1_000n, bob.program)],
      );
    // 2 inputs: 4 ids compared pairwise; 12 inputs: 24 ids through a set.
    for (const n of [1, 11]) {
      assert.throws(
        () => validate(repeatAt(n)),
        (err) =>
          withCode(Code.DUPLICATE_INPUT)(err) && (err as { detail?: { inputIndex?: number } }).detail?.inputIndex === n,
      );
    }
  });

  it('a loose transaction cannot be a coinbase', () => {
    const t = tx([coinbaseInput()], [output(BTM_ASSET_ID, 1n, bob.program)]);
    assert.throws(() => validate(t), withCode(Code.BAD_COINBASE));
  });

  it('entries of another transaction are refused', () => {
    const other = transfer([funds[0]!], [output(BTM_ASSET_ID, 1n, bob.program), output(BTM_ASSET_ID, 1n, bob.program)]);
    assert.throws(
      () => validateTxStateless(good, createTxEntries(other), { params, blockHeight: 1n }),
      withCode(Code.BAD_ARGUMENT),
    );
  });
});

describe('a program whose signature check cannot be deferred', () => {
  // TXSIGHASH <alice> CHECKSIG NOT NOT: NOT reads the CHECKSIG result, so deferral is unsound and
  // the program reruns strictly with the injected verify; no set is left to verify later.
  const program = assembleProgram(`TXSIGHASH 0x${hex(alice.publicKey)} CHECKSIG NOT NOT`);
  const asset = hashOf(42);
  const gas = spendInput({ ...fundingOutput(alice, 100_000_000n, 5), controlProgram: Uint8Array.of(0x51) });
  const locked = { ...fundingOutput(alice, 7n, 6, asset), controlProgram: program };
  const unsigned = tx([gas, spendInput(locked)], [output(asset, 7n, bob.program)]);
  const withSignature = (signature: Uint8Array): Tx => ({
    ...unsigned,
    inputs: [gas, spendInput(locked, [signature])],
  });
  const sigHash = createTxEntries(unsigned).sigHashes[1]!;

  it('a valid signature passes, checked at once', () => {
    let calls = 0;
    const verify = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => {
      calls++;
      return ed25519Verify(publicKey, message, signature);
    };
    const t = withSignature(xprvSign(alice.xprv, sigHash));
    const result = validateTxStateless(t, createTxEntries(t), { params, blockHeight: 1n, verify });
    assert.deepEqual(result.signatureSets, []);
    assert.equal(calls, 1);
  });
  it('an invalid one fails the program', () => {
    const t = withSignature(xprvSign(bob.xprv, sigHash));
    assert.throws(() => validate(t), withCode(Code.PROGRAM_FAILED));
  });
});

describe('a signed P2WSH 2-of-3 multisig transfer', () => {
  const keys = [alice, bob, carol];
  const script = createMultisigScript(
    keys.map((k) => k.publicKey),
    2,
  );
  const program = createP2WSHProgram(scriptToWitnessHash(script));
  const fund = { ...fundingOutput(alice, 1_000_000_000n, 9), controlProgram: program };
  const unsigned = tx([spendInput(fund)], [output(BTM_ASSET_ID, 1_000_000_000n - FEE, alice.program)]);
  const sigHash = createTxEntries(unsigned).sigHashes[0]!;
  const withSigners = (signers: typeof keys) => ({
    ...unsigned,
    inputs: [spendInput(fund, [...signers.map((k) => xprvSign(k.xprv, sigHash)), script])],
  });

  it('alice and carol sign: one ordered multisig set that verifies', async () => {
    const result = validate(withSigners([alice, carol]));
    assert.deepEqual(
      result.signatureSets.map((s) => s.set.kind),
      ['orderedMultisig'],
    );
    await verifySignatureSets(createSignatureVerifier(), result.signatureSets);
    await verifySignatureSets(pool, result.signatureSets);
  });

  it('signatures out of key order fail in the set', async () => {
    const result = validate(withSigners([carol, alice]));
    await assert.rejects(verifySignatureSets(createSignatureVerifier(), result.signatureSets), badSignature(0, 0));
  });

  it('all three sign: the pairing is forced, three single sets', async () => {
    const script3 = createMultisigScript(
      keys.map((k) => k.publicKey),
      3,
    );
    const fund3 = { ...fund, controlProgram: createP2WSHProgram(scriptToWitnessHash(script3)) };
    const base = tx([spendInput(fund3)], [output(BTM_ASSET_ID, 1_000_000_000n - FEE, alice.program)]);
    const hash = createTxEntries(base).sigHashes[0]!;
    const signed = { ...base, inputs: [spendInput(fund3, [...keys.map((k) => xprvSign(k.xprv, hash)), script3])] };
    const result = validate(signed);
    assert.deepEqual(
      result.signatureSets.map((s) => s.set.kind),
      ['single', 'single', 'single'],
    );
    await verifySignatureSets(pool, result.signatureSets);
  });
});
