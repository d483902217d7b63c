// Ed25519 and chainkd throughput: verification on one thread (libsodium vs node:crypto vs
// @noble/curves, and ways of handing OpenSSL a raw key), on the worker pool, signing, and chainkd child derivation.
// Run: node packages/protocol/bench/ed25519.bench.ts
import { createPublicKey, verify } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { measure, ratio, report } from '@bystack/testing';
import {
  createRootXPrv,
  createSignatureVerifier,
  createSignatureVerifierPool,
  type Ed25519SignatureSet,
  ed25519InnerSignNoble,
  ed25519PublicKeyFromSeed,
  ed25519Sign,
  ed25519Verify,
  ed25519VerifyNoble,
  ed25519VerifyOpenSsl,
  xprvChild,
  xprvSign,
  xprvToExpandedPrivateKey,
  xprvToXPub,
  xpubChild,
} from '../src/keys/index.ts';

const BATCH = 256;
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const sets: Ed25519SignatureSet[] = Array.from({ length: BATCH }, (_, i) => {
  const seed = new Uint8Array(32).fill(i & 0xff);
  seed[1] = i >> 8;
  const message = new Uint8Array(32).fill(i * 7);
  return { publicKey: ed25519PublicKeyFromSeed(seed), message, signature: ed25519Sign(seed, message) };
});

async function perSecond(name: string, fn: (set: Ed25519SignatureSet) => boolean, minMs = 1500): Promise<number> {
  const m = await measure(
    name,
    () => {
      for (const set of sets) if (!fn(set)) throw new Error(`${name}: valid signature rejected`);
    },
    minMs,
  );
  return m.opsPerSec * BATCH;
}

// One thread: our fast path (libsodium), OpenSSL and the ways of handing it a raw key, the noble path.
const spkiDer = (publicKey: Uint8Array) => Buffer.concat([SPKI_PREFIX, publicKey]);
const sodium = await perSecond('ed25519Verify', (s) => ed25519Verify(s.publicKey, s.message, s.signature));
const fast = await perSecond('ed25519VerifyOpenSsl', (s) => ed25519VerifyOpenSsl(s.publicKey, s.message, s.signature));
const viaDerObject = await perSecond('DER object', (s) =>
  verify(null, s.message, { key: spkiDer(s.publicKey), format: 'der', type: 'spki' }, s.signature),
);
const viaDerKeyObject = await perSecond('createPublicKey DER', (s) =>
  verify(null, s.message, createPublicKey({ key: spkiDer(s.publicKey), format: 'der', type: 'spki' }), s.signature),
);
const keyObjects = new Map(
  sets.map((s) => [s, createPublicKey({ key: spkiDer(s.publicKey), format: 'der', type: 'spki' })]),
);
const cachedKeys = await perSecond('cached KeyObject', (s) => verify(null, s.message, keyObjects.get(s)!, s.signature));
const noble = await perSecond(
  'ed25519VerifyNoble',
  (s) => ed25519VerifyNoble(s.publicKey, s.message, s.signature),
  2000,
);

report('verify libsodium (ed25519Verify)', sodium, 'verifications/s', `${ratio(sodium, fast)} of node:crypto`);
report('verify node:crypto (ed25519VerifyOpenSsl: createPublicKey raw-public per call)', fast, 'verifications/s');
report(
  'verify node:crypto, SPKI DER object passed to verify',
  viaDerObject,
  'verifications/s',
  ratio(viaDerObject, fast),
);
report(
  'verify node:crypto, createPublicKey from SPKI DER',
  viaDerKeyObject,
  'verifications/s',
  ratio(viaDerKeyObject, fast),
);
report(
  'verify node:crypto, cached KeyObject (bound, not used)',
  cachedKeys,
  'verifications/s',
  ratio(cachedKeys, fast),
);
report(
  'verify @noble/curves (ed25519VerifyNoble)',
  noble,
  'verifications/s',
  `node:crypto is ${ratio(fast, noble)}, libsodium ${ratio(sodium, noble)}`,
);

// Worker pool against the single-thread verifier, on the same 4096 sets.
const many = Array.from({ length: 16 }, () => sets).flat();
const single = createSignatureVerifier();
const singleRate = (await measure('single verifyAll', () => single.verifyAll(many), 2000)).opsPerSec * many.length;
async function poolRate(workers: number): Promise<number> {
  const pool = createSignatureVerifierPool({ workers });
  await pool.verifyAll(many); // start the workers
  const rate = (await measure(`pool ${workers}`, () => pool.verifyAll(many), 3000)).opsPerSec * many.length;
  await pool.close();
  return rate;
}
const oneWorkerRate = await poolRate(1);
const workers = availableParallelism();
const allWorkersRate = await poolRate(workers);
report('verify single-thread verifier (4096 sets per call)', singleRate, 'verifications/s');
report(
  'verify worker pool, 1 worker (transfer overhead)',
  oneWorkerRate,
  'verifications/s',
  ratio(oneWorkerRate, singleRate),
);
report(`verify worker pool, ${workers} workers`, allWorkersRate, 'verifications/s', ratio(allWorkersRate, singleRate));

// Signing.
const seed = new Uint8Array(32).fill(1);
const message = new Uint8Array(32).fill(2);
const root = createRootXPrv(seed);
const signRate = (await measure('ed25519Sign', () => ed25519Sign(seed, message))).opsPerSec;
const xprvSignRate = (await measure('xprvSign', () => xprvSign(root, message))).opsPerSec;
const expanded = xprvToExpandedPrivateKey(root);
const nobleInnerRate = (await measure('noble inner sign', () => ed25519InnerSignNoble(expanded, message))).opsPerSec;
report('sign node:crypto (ed25519Sign, RFC 8032 seed)', signRate, 'signatures/s');
report(
  'sign chainkd (xprvSign, expanded key on libsodium)',
  xprvSignRate,
  'signatures/s',
  `${ratio(xprvSignRate, signRate)} of node:crypto, ${ratio(xprvSignRate, nobleInnerRate)} of @noble/curves`,
);
report('sign expanded key on @noble/curves (ed25519InnerSignNoble)', nobleInnerRate, 'signatures/s');

// chainkd derivation.
const selector = Uint8Array.of(1, 0, 0, 0);
const rootPub = xprvToXPub(root);
report(
  'chainkd xprvChild non-hardened',
  (await measure('n', () => xprvChild(root, selector, false))).opsPerSec,
  'derivations/s',
);
report(
  'chainkd xprvChild hardened',
  (await measure('h', () => xprvChild(root, selector, true))).opsPerSec,
  'derivations/s',
);
report('chainkd xpubChild', (await measure('p', () => xpubChild(rootPub, selector))).opsPerSec, 'derivations/s');
report('chainkd xprvToXPub', (await measure('x', () => xprvToXPub(root))).opsPerSec, 'keys/s');
