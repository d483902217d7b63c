// Ed25519: upstream vectors, and agreement of the libsodium, node:crypto and @noble/curves paths on
// valid, invalid and hostile signatures (the chain rule of src/keys/ed25519-rules.ts).
import assert from 'node:assert/strict';
import { verify as opensslVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  ED25519_ORDER,
  ed25519InnerSign,
  ed25519InnerSignNoble,
  ed25519PublicKeyFromSeed,
  ed25519Sign,
  isProtocolError,
} from '@bystack/protocol';
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, concatBytes, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { ed25519VerifyLibsodium } from '../../src/keys/ed25519-sodium.ts';
import {
  allPathsVerify,
  hex,
  messageArb,
  Point,
  pointBytesArb,
  rawSignature,
  SMALL_ORDER_KEYS,
  seedArb,
} from './ed25519-fixtures.ts';

// OpenSSL alone, without the chain-rule adjustments of ed25519Verify.
function opensslOnly(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const key = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  return opensslVerify(null, message, { key, format: 'der', type: 'spki' }, signature);
}

// Upstream expandEd25519PrivateKey (crypto/ed25519/chainkd/expanded_key.go): SHA-512 of the seed, clamped.
function expandSeed(seed: Uint8Array): Uint8Array {
  const digest = sha512(seed);
  digest[0]! &= 248;
  digest[31]! &= 127;
  digest[31]! |= 64;
  return digest;
}

test('golden vectors (upstream crypto/ed25519/testdata/sign.input.gz, ed25519_test.go TestGolden)', () => {
  const lines = gunzipSync(readFileSync(new URL('./vectors/ed25519-sign.input.gz', import.meta.url)))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  assert.equal(lines.length, 128);
  for (const line of lines) {
    const [priv, pub, msg, sigAndMsg] = line.split(':') as [string, string, string, string];
    const seed = hex(priv.slice(0, 64));
    const publicKey = hex(pub);
    const message = hex(msg);
    const signature = hex(sigAndMsg.slice(0, 128));
    assert.deepEqual(ed25519PublicKeyFromSeed(seed), publicKey);
    assert.deepEqual(ed25519Sign(seed, message), signature);
    assert.deepEqual(ed25519InnerSign(expandSeed(seed), message), signature);
    assert.deepEqual(ed25519InnerSignNoble(expandSeed(seed), message), signature);
    assert.equal(allPathsVerify(publicKey, message, signature), true);
  }
});

test('sign/verify with the zero seed (upstream ed25519_test.go TestSignVerify, expanded_key_test.go)', () => {
  const seed = new Uint8Array(32);
  const publicKey = ed25519PublicKeyFromSeed(seed);
  const message = new TextEncoder().encode('test message');
  const signature = ed25519Sign(seed, message);
  // TestInnerSignInvariant: InnerSign(Expand(priv)) == Sign(priv)
  assert.deepEqual(ed25519InnerSign(expandSeed(seed), message), signature);
  assert.equal(allPathsVerify(publicKey, message, signature), true);
  assert.equal(allPathsVerify(publicKey, new TextEncoder().encode('wrong message'), signature), false);
});

test('malformed lengths are false on every path, and bad key material throws typed errors', () => {
  const seed = new Uint8Array(32).fill(7);
  const pk = ed25519PublicKeyFromSeed(seed);
  const msg = Uint8Array.of(1, 2, 3);
  const sig = ed25519Sign(seed, msg);
  assert.equal(allPathsVerify(pk.subarray(0, 31), msg, sig), false);
  assert.equal(allPathsVerify(concatBytes(pk, Uint8Array.of(0)), msg, sig), false);
  assert.equal(allPathsVerify(pk, msg, sig.subarray(0, 63)), false);
  assert.equal(allPathsVerify(pk, msg, concatBytes(sig, Uint8Array.of(0))), false);
  assert.equal(allPathsVerify(new Uint8Array(0), msg, new Uint8Array(0)), false);
  assert.throws(
    () => ed25519Sign(new Uint8Array(31), msg),
    (e) => isProtocolError(e) && e.code === 'BAD_LENGTH',
  );
  assert.throws(
    () => ed25519InnerSign(new Uint8Array(63), msg),
    (e) => isProtocolError(e) && e.code === 'BAD_LENGTH',
  );
  const topBit = expandSeed(seed);
  topBit[31]! |= 0x80;
  assert.throws(
    () => ed25519InnerSign(topBit, msg),
    (e) => isProtocolError(e) && e.code === 'BAD_SCALAR',
  );
});

test('S + L verifies (upstream checks only S < 2^253); S >= 2^253 does not; raw OpenSSL and libsodium refuse S >= L', () => {
  const seed = new Uint8Array(32).fill(9);
  const pk = ed25519PublicKeyFromSeed(seed);
  const msg = new TextEncoder().encode('malleable');
  const sig = ed25519Sign(seed, msg);
  const s = bytesToNumberLE(sig.subarray(32));
  const malleated = rawSignature(sig.subarray(0, 32), s + ED25519_ORDER);
  assert.ok(s + ED25519_ORDER < 1n << 253n);
  assert.equal(allPathsVerify(pk, msg, malleated), true);
  assert.equal(opensslOnly(pk, msg, malleated), false); // the difference ed25519Verify removes
  assert.equal(ed25519VerifyLibsodium(pk, msg, malleated), false); // libsodium too
  assert.equal(ed25519VerifyLibsodium(pk, msg, sig), true);
  assert.equal(allPathsVerify(pk, msg, rawSignature(sig.subarray(0, 32), s + 2n * ED25519_ORDER)), false);
  const highBits = sig.slice();
  highBits[63]! |= 0x20;
  assert.equal(allPathsVerify(pk, msg, highBits), false);
});

test('small-order public keys: accepted by the chain rule, refused by raw OpenSSL and libsodium', () => {
  const msg = new TextEncoder().encode('small order');
  // With A = identity, [S]B - [k]A = [S]B for any k: R = [S]B is a valid signature for any message.
  const s = 123456789n;
  const sig = rawSignature(Point.BASE.multiply(s).toBytes(), s);
  for (const identity of SMALL_ORDER_KEYS.filter((k) => Point.fromBytes(k, true).is0())) {
    assert.equal(allPathsVerify(identity, msg, sig), true);
    assert.equal(opensslOnly(identity, msg, sig), false);
    assert.equal(ed25519VerifyLibsodium(identity, msg, sig), false);
  }
  // Every small-order key against small-order R and R = [5]B: every path agrees with the equation.
  let accepted = 0;
  for (const a of SMALL_ORDER_KEYS) {
    for (const r of [...SMALL_ORDER_KEYS, Point.BASE.multiply(5n).toBytes()]) {
      for (const sc of [0n, 5n]) {
        const signature = rawSignature(r, sc);
        // A valid one exists whenever R = [S]B - [k]A; check the paths find it.
        const k = bytesToNumberLE(sha512(concatBytes(r, a, msg))) % ED25519_ORDER;
        const expected = Point.BASE.multiplyUnsafe(sc).subtract(Point.fromBytes(a, true).multiplyUnsafe(k));
        const valid = Buffer.from(expected.toBytes()).equals(Buffer.from(r));
        assert.equal(allPathsVerify(a, msg, signature), valid);
        if (valid) accepted++;
      }
    }
  }
  assert.ok(accepted > 10, `only ${accepted} valid combinations`);
});

test('small-order R with an honest key: same verdict on every path', () => {
  const seed = new Uint8Array(32).fill(3);
  const pk = ed25519PublicKeyFromSeed(seed);
  const msg = Uint8Array.of(42);
  for (const r of SMALL_ORDER_KEYS) assert.equal(allPathsVerify(pk, msg, rawSignature(r, 0n)), false);
});

test('non-canonical R never verifies: R is compared byte for byte', () => {
  // A = identity and S = 0: [0]B - [k]O = O, canonically 0100..00; its y >= p form must fail.
  const identity = hex('0100000000000000000000000000000000000000000000000000000000000000');
  const msg = Uint8Array.of(1);
  assert.equal(allPathsVerify(identity, msg, rawSignature(identity, 0n)), true);
  for (const r of SMALL_ORDER_KEYS.slice(8)) assert.equal(allPathsVerify(identity, msg, rawSignature(r, 0n)), false);
});

test('points off the curve are false', () => {
  const msg = Uint8Array.of(1);
  const offCurve = new Uint8Array(32);
  offCurve[0] = 2; // y = 2 has no x
  const seed = new Uint8Array(32).fill(1);
  const sig = ed25519Sign(seed, msg);
  assert.equal(allPathsVerify(offCurve, msg, sig), false);
  assert.equal(allPathsVerify(ed25519PublicKeyFromSeed(seed), msg, concatBytes(offCurve, sig.subarray(32))), false);
});

test('property: random keys and messages verify on every path', () => {
  fc.assert(
    fc.property(seedArb, messageArb, (seed, message) => {
      const signature = ed25519Sign(seed, message);
      return allPathsVerify(ed25519PublicKeyFromSeed(seed), message, signature);
    }),
    { numRuns: 60 },
  );
});

test('property: mutated signatures, keys and messages give the same verdict on every path', () => {
  fc.assert(
    fc.property(
      seedArb,
      messageArb,
      fc.nat(95),
      fc.integer({ min: 1, max: 255 }),
      fc.boolean(),
      (seed, message, at, mask, malleate) => {
        const publicKey = ed25519PublicKeyFromSeed(seed);
        let signature = ed25519Sign(seed, message);
        if (malleate) {
          const s = bytesToNumberLE(signature.subarray(32)) + ED25519_ORDER;
          signature = rawSignature(signature.subarray(0, 32), s);
        }
        const key = publicKey.slice();
        const sig = signature.slice();
        // bytes 0..63 of the signature, then 64..95 of the key
        if (at < 64) sig[at]! ^= mask;
        else key[at - 64]! ^= mask;
        assert.equal(allPathsVerify(key, message, sig), false);
        const changed = concatBytes(message, Uint8Array.of(mask));
        assert.equal(allPathsVerify(publicKey, changed, signature), false);
        assert.equal(allPathsVerify(publicKey, message, signature), true);
      },
    ),
    { numRuns: 60 },
  );
});

test('property: keys with a small-order component agree (cofactorless: valid only when it cancels)', () => {
  const torsion = Point.fromBytes(hex(ED25519_TORSION_SUBGROUP[1]!)); // order 8
  fc.assert(
    fc.property(
      fc.bigInt({ min: 1n, max: ED25519_ORDER - 1n }),
      fc.bigInt({ min: 1n, max: ED25519_ORDER - 1n }),
      messageArb,
      (a, r, message) => {
        const publicKey = Point.BASE.multiply(a).add(torsion).toBytes();
        const rBytes = Point.BASE.multiply(r).toBytes();
        const k = bytesToNumberLE(sha512(concatBytes(rBytes, publicKey, message))) % ED25519_ORDER;
        const signature = rawSignature(rBytes, (r + k * a) % ED25519_ORDER);
        assert.equal(allPathsVerify(publicKey, message, signature), k % 8n === 0n);
      },
    ),
    { numRuns: 40 },
  );
});

test('property: arbitrary keys, R and S give the same verdict on every path', () => {
  fc.assert(
    fc.property(
      pointBytesArb,
      pointBytesArb,
      fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
      messageArb,
      (a, r, s, m) => {
        allPathsVerify(a, m, rawSignature(r, s));
      },
    ),
    { numRuns: 150 },
  );
});

test('property: expanded-key signing on libsodium gives the noble bytes (scalars 0, below and above L, up to 2^255)', () => {
  const scalarArb = fc.oneof(
    fc.constantFrom(
      0n,
      1n,
      ED25519_ORDER - 1n,
      ED25519_ORDER,
      ED25519_ORDER + 1n,
      2n * ED25519_ORDER,
      (1n << 255n) - 1n,
    ),
    fc.bigInt({ min: 0n, max: (1n << 255n) - 1n }),
  );
  fc.assert(
    fc.property(scalarArb, fc.uint8Array({ minLength: 32, maxLength: 32 }), messageArb, (a, prefix, message) => {
      const key = concatBytes(numberToBytesLE(a, 32), prefix);
      assert.deepEqual(ed25519InnerSign(key, message), ed25519InnerSignNoble(key, message));
    }),
    { numRuns: 200 },
  );
});
