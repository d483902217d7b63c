// VM benchmark: P2WPKH spends (the common case) run in deferred signature mode (no Ed25519 in the
// loop: the check is returned as a set for a worker pool) against strict mode verifying inline with
// @noble/curves, measured in the same run; plus a 2-of-3 multisig behind P2WSH.

import { measure, ratio, report } from '@bystack/testing';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha3 } from '../src/hash/sha3.ts';
import type { VerifySignatureFn } from '../src/vm/signatures.ts';
import { createMultisigScript, createP2WPKHProgram, createP2WSHProgram } from '../src/vm/standard/programs.ts';
import { type VerifyProgramOptions, verifyProgram } from '../src/vm/verify.ts';

const nobleVerify: VerifySignatureFn = (publicKey, message, signature) => ed25519.verify(signature, message, publicKey);
const secrets = [1, 2, 3].map((i) => new Uint8Array(32).fill(i));
const pubs = secrets.map((s) => ed25519.getPublicKey(s));
const sighash = sha3(new TextEncoder().encode('bench'));
const sign = (i: number) => ed25519.sign(sighash, secrets[i]!);
const context = { txSigHash: () => sighash, txVersion: 1n };

const deferred: VerifyProgramOptions = { gasLimit: 200_000, signatures: 'deferred' };
const strict: VerifyProgramOptions = { gasLimit: 200_000, signatures: 'strict', verify: nobleVerify };

const p2wpkh = { vmVersion: 1n, code: createP2WPKHProgram(ripemd160(pubs[0]!)) };
const p2wpkhArgs = [sign(0), pubs[0]!];
const script = createMultisigScript(pubs, 2);
const p2wsh = { vmVersion: 1n, code: createP2WSHProgram(sha3(script)) };
const p2wshArgs = [sign(0), sign(2), script];

const BATCH = 1000;
const batch = (fn: () => unknown) => () => {
  for (let i = 0; i < BATCH; i++) fn();
};

const d = await measure(
  'p2wpkh deferred',
  batch(() => verifyProgram(p2wpkh, p2wpkhArgs, context, deferred)),
);
const s = await measure('p2wpkh strict', () => verifyProgram(p2wpkh, p2wpkhArgs, context, strict));
const md = await measure(
  'p2wsh 2-of-3 deferred',
  batch(() => verifyProgram(p2wsh, p2wshArgs, context, deferred)),
);
const ms = await measure('p2wsh 2-of-3 strict', () => verifyProgram(p2wsh, p2wshArgs, context, strict));

report('vm p2wpkh deferred', d.opsPerSec * BATCH, 'programs/s');
report('vm p2wpkh strict (noble verify)', s.opsPerSec, 'programs/s');
console.log(`vm p2wpkh deferred/strict: ${ratio(d.opsPerSec * BATCH, s.opsPerSec)}`);
report('vm p2wsh 2-of-3 deferred', md.opsPerSec * BATCH, 'programs/s');
report('vm p2wsh 2-of-3 strict (noble verify)', ms.opsPerSec, 'programs/s');
console.log(`vm p2wsh 2-of-3 deferred/strict: ${ratio(md.opsPerSec * BATCH, ms.opsPerSec)}`);
