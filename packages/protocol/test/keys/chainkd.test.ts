// chainkd: upstream vectors (crypto/ed25519/chainkd/chainkd_test.go), derivation properties,
// signing with the expanded key, derivation paths (blockchain/signers/signers.go).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ChainkdKeySpace,
  chainkdBip32Path,
  chainkdBip44Path,
  createRootXPrv,
  ed25519Verify,
  ed25519VerifyNoble,
  isProtocolError,
  xprvChild,
  xprvDerive,
  xprvSign,
  xprvToExpandedPrivateKey,
  xprvToXPub,
  xpubChild,
  xpubDerive,
  xpubToPublicKey,
  xpubVerify,
} from '@bystack/protocol';
import fc from 'fast-check';
import { checkBits } from './chainkd-bits.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const hasCode = (code: string) => (e: unknown) => isProtocolError(e) && e.code === code;

test('TestVectors1 (upstream chainkd_test.go)', () => {
  const root = createRootXPrv(Uint8Array.of(1, 2, 3));
  const rootPub = xprvToXPub(root);
  const sel = Uint8Array.of(1, 2, 3);
  const empty = new Uint8Array(0);
  const cases: [string, Uint8Array, string][] = [
    [
      'Root(010203).xprv',
      root,
      '50f8c532ce6f088de65c2c1fbc27b491509373fab356eba300dfa7cc587b07483bc9e0d93228549c6888d3f68ad664b92c38f5ea8ca07181c1410949c02d3146',
    ],
    [
      'Root(010203).xpub',
      rootPub,
      'e11f321ffef364d01c2df2389e61091b15dab2e8eee87cb4c053fa65ed2812993bc9e0d93228549c6888d3f68ad664b92c38f5ea8ca07181c1410949c02d3146',
    ],
    [
      '/010203(H).xprv',
      xprvChild(root, sel, true),
      '6023c8e7633a9353a59bd930ea6dc397e400b1088b86b4a15d8de8567554df5574274bc1a0bd93b4494cb68e45c5ec5aefc1eed4d0c3bfd53b0b4e679ce52028',
    ],
    [
      '/010203(H).xpub',
      xprvToXPub(xprvChild(root, sel, true)),
      'eabebab4184c63f8df07efe31fb588a0ae222318087458b4936bf0b0feab015074274bc1a0bd93b4494cb68e45c5ec5aefc1eed4d0c3bfd53b0b4e679ce52028',
    ],
    [
      '/010203(N).xprv',
      xprvChild(root, sel, false),
      '705afd25a0e242b7333105d77cbb0ec15e667154916bbed5084c355dba7b0748b0faca523928f42e685ee6deb0cb3d41a09617783c87e9a161a04f2207ad4d2f',
    ],
    [
      '/010203(N).xpub',
      xprvToXPub(xprvChild(root, sel, false)),
      'c0bbd87142e7bf90abfbb3d0cccc210c6d7eb3f912c35f205302c86ae9ef6eefb0faca523928f42e685ee6deb0cb3d41a09617783c87e9a161a04f2207ad4d2f',
    ],
    [
      '/010203(N).xpub from xpub',
      xpubChild(rootPub, sel),
      'c0bbd87142e7bf90abfbb3d0cccc210c6d7eb3f912c35f205302c86ae9ef6eefb0faca523928f42e685ee6deb0cb3d41a09617783c87e9a161a04f2207ad4d2f',
    ],
    [
      '/010203(H)/""(N).xprv',
      xprvChild(xprvChild(root, sel, true), empty, false),
      '7023f9877813348ca8e67b29d551baf98a43cfb76cdff538f3ff97074a55df5560e3aa7fb600f61a84317a981dc9d1f7e8df2e8a3f8b544a21d2404e0b4e480a',
    ],
    [
      '/010203(H)/""(N).xpub',
      xprvToXPub(xprvChild(xprvChild(root, sel, true), empty, false)),
      '4e44c9ab8a45b9d1c3daab5c09d73b01209220ea704808f04feaa3614c7c7ba760e3aa7fb600f61a84317a981dc9d1f7e8df2e8a3f8b544a21d2404e0b4e480a',
    ],
    [
      '/010203(H)/""(N).xpub from xpub',
      xpubChild(xprvToXPub(xprvChild(root, sel, true)), empty),
      '4e44c9ab8a45b9d1c3daab5c09d73b01209220ea704808f04feaa3614c7c7ba760e3aa7fb600f61a84317a981dc9d1f7e8df2e8a3f8b544a21d2404e0b4e480a',
    ],
    [
      '/010203(N)/""(H).xprv',
      xprvChild(xprvChild(root, sel, false), empty, true),
      '90b60b007e866dacc4b1f844089a805ffd78a295f5b0544034116ace354c58523410b1e6a3c557ca90c322f6ff4b5e547242965eaed8c34767765f0e05ed0e4f',
    ],
    [
      '/010203(N)/""(H).xpub',
      xprvToXPub(xprvChild(xprvChild(root, sel, false), empty, true)),
      'ca97ec34ef30aa08ebd19b9848b11ebadf9c0ad3a0be6b11d33d9558573aca633410b1e6a3c557ca90c322f6ff4b5e547242965eaed8c34767765f0e05ed0e4f',
    ],
    [
      '/010203(N)/""(N).xprv',
      xprvChild(xprvChild(root, sel, false), empty, false),
      'd81ba3ab554a7d09bfd8bda5089363399b7f4b19d4f1806ca0c35feabf7b074856648f55e21bec3aa5df0bce0236aea88a4cc5c395c896df63676f095154bb7b',
    ],
    [
      '/010203(N)/""(N).xpub',
      xprvToXPub(xprvChild(xprvChild(root, sel, false), empty, false)),
      '28279bcb06aee9e5c0302f4e1db879ac7f5444ec07266a736dd571c21961427b56648f55e21bec3aa5df0bce0236aea88a4cc5c395c896df63676f095154bb7b',
    ],
    [
      '/010203(N)/""(N).xpub from xpub',
      xpubChild(xpubChild(rootPub, sel), empty),
      '28279bcb06aee9e5c0302f4e1db879ac7f5444ec07266a736dd571c21961427b56648f55e21bec3aa5df0bce0236aea88a4cc5c395c896df63676f095154bb7b',
    ],
    [
      'Derive([010203, ""]).xprv',
      xprvDerive(root, [sel, empty]),
      'd81ba3ab554a7d09bfd8bda5089363399b7f4b19d4f1806ca0c35feabf7b074856648f55e21bec3aa5df0bce0236aea88a4cc5c395c896df63676f095154bb7b',
    ],
    [
      'Derive([010203, ""]).xprv.xpub',
      xprvToXPub(xprvDerive(root, [sel, empty])),
      '28279bcb06aee9e5c0302f4e1db879ac7f5444ec07266a736dd571c21961427b56648f55e21bec3aa5df0bce0236aea88a4cc5c395c896df63676f095154bb7b',
    ],
    [
      'Derive([010203, ""]).xpub',
      xpubDerive(rootPub, [sel, empty]),
      '28279bcb06aee9e5c0302f4e1db879ac7f5444ec07266a736dd571c21961427b56648f55e21bec3aa5df0bce0236aea88a4cc5c395c896df63676f095154bb7b',
    ],
  ];
  for (const [name, got, want] of cases) assert.equal(hex(got), want, name);
});

test('TestVectors2 (upstream chainkd_test.go)', () => {
  const root = createRootXPrv(
    bytes(
      'fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542',
    ),
  );
  const s0 = Uint8Array.of(0x00);
  const sMax = Uint8Array.of(0xff, 0xff, 0xff, 0x7f);
  const s1 = Uint8Array.of(0x01);
  const sMax1 = Uint8Array.of(0xfe, 0xff, 0xff, 0x7f);
  const s2 = Uint8Array.of(0x02);
  const k1 = xprvChild(root, s0, false);
  const k2 = xprvChild(k1, sMax, true);
  const k3 = xprvChild(k2, s1, false);
  const k4 = xprvChild(k3, sMax1, true);
  const k5 = xprvChild(k4, s2, false);
  const cases: [string, Uint8Array, string][] = [
    [
      'root.xprv',
      root,
      '0031615bdf7906a19360f08029354d12eaaedc9046806aefd672e3b93b024e495a95ba63cf47903eb742cd1843a5252118f24c0c496e9213bd42de70f649a798',
    ],
    [
      'root.xpub',
      xprvToXPub(root),
      'f153ef65bbfaec3c8fd4fceb0510529048094093cf7c14970013282973e117545a95ba63cf47903eb742cd1843a5252118f24c0c496e9213bd42de70f649a798',
    ],
    [
      '/0(N).xprv',
      k1,
      '883e65e6e86499bdd170c14d67e62359dd020dd63056a75ff75983a682024e49e8cc52d8e74c5dfd75b0b326c8c97ca7397b7f954ad0b655b8848bfac666f09f',
    ],
    [
      '/0(N).xpub',
      xprvToXPub(k1),
      'f48b7e641d119b8ddeaf97aca104ee6e6a780ab550d40534005443550ef7e7d8e8cc52d8e74c5dfd75b0b326c8c97ca7397b7f954ad0b655b8848bfac666f09f',
    ],
    [
      '/0(N).xpub from xpub',
      xpubChild(xprvToXPub(root), s0),
      'f48b7e641d119b8ddeaf97aca104ee6e6a780ab550d40534005443550ef7e7d8e8cc52d8e74c5dfd75b0b326c8c97ca7397b7f954ad0b655b8848bfac666f09f',
    ],
    [
      '/0(N)/2147483647(H).xprv',
      k2,
      '5048fa4498bf65e2b10d26e6c99cc43556ecfebf8b9fddf8bd2150ba29d63154044ef557a3aa4cb6ae8b61e87cb977a929bc4a170e4faafc2661231f5f3f78e8',
    ],
    [
      '/0(N)/2147483647(H).xpub',
      xprvToXPub(k2),
      'a8555c5ee5054ad03c6c6661968d66768fa081103bf576ea63a26c00ca7eab69044ef557a3aa4cb6ae8b61e87cb977a929bc4a170e4faafc2661231f5f3f78e8',
    ],
    [
      '/0(N)/2147483647(H)/1(N).xprv',
      k3,
      '480f6aa25f7c9f4a569896f06614303a697f00ee8d240c6277605d44e0d63154174c386ad6ae01e54acd7bb422243c6055058f4231e250050134283a76de8eff',
    ],
    [
      '/0(N)/2147483647(H)/1(N).xpub',
      xprvToXPub(k3),
      '7385ab0b06eacc226c8035bab1ff9bc6972c7700d1caede26fe2b4d57b208bd0174c386ad6ae01e54acd7bb422243c6055058f4231e250050134283a76de8eff',
    ],
    [
      '/0(N)/2147483647(H)/1(N).xpub from xpub',
      xpubChild(xprvToXPub(k2), s1),
      '7385ab0b06eacc226c8035bab1ff9bc6972c7700d1caede26fe2b4d57b208bd0174c386ad6ae01e54acd7bb422243c6055058f4231e250050134283a76de8eff',
    ],
    [
      '/0(N)/2147483647(H)/1(N)/2147483646(H).xprv',
      k4,
      '386014c6dfeb8dadf62f0e5acacfbf7965d5746c8b9011df155a31df7be0fb59986c923d979d89310acd82171dbaa7b73b20b2033ac6819d7f309212ff3fbabd',
    ],
    [
      '/0(N)/2147483647(H)/1(N)/2147483646(H).xpub',
      xprvToXPub(k4),
      '9f66aa8019427a825dd72a13ce982454d99f221c8d4874db59f52c2945cbcabd986c923d979d89310acd82171dbaa7b73b20b2033ac6819d7f309212ff3fbabd',
    ],
    [
      '/0(N)/2147483647(H)/1(N)/2147483646(H)/2(N).xprv',
      k5,
      '08c3772f5c0eee42f40d00f4faff9e4c84e5db3c4e7f28ecb446945a1de1fb59ef9d0a352f3252ea673e8b6bd31ac97218e019e845bdc545c268cd52f7af3f5d',
    ],
    [
      '/0(N)/2147483647(H)/1(N)/2147483646(H)/2(N).xpub',
      xprvToXPub(k5),
      '67388f59a7b62644c3c6148575770e56969d77244530263bc9659b8563d7ff81ef9d0a352f3252ea673e8b6bd31ac97218e019e845bdc545c268cd52f7af3f5d',
    ],
    [
      '/0(N)/2147483647(H)/1(N)/2147483646(H)/2(N).xpub from xpub',
      xpubChild(xprvToXPub(k4), s2),
      '67388f59a7b62644c3c6148575770e56969d77244530263bc9659b8563d7ff81ef9d0a352f3252ea673e8b6bd31ac97218e019e845bdc545c268cd52f7af3f5d',
    ],
  ];
  for (const [name, got, want] of cases) assert.equal(hex(got), want, name);
});

test('TestExpandedPrivateKey (upstream chainkd_test.go)', () => {
  const root = createRootXPrv(Uint8Array.of(0xca, 0xfe));
  assert.equal(
    hex(root),
    'a0cde08fd2ea06e16dd5d21e64ca0609fa1d719b79fed4245a5b8ada0242464cebbc2b9e1e989aca72d9766efd9b63ebcfc968027ef27cb786babb7897f9248a',
  );
  assert.equal(
    hex(xprvToExpandedPrivateKey(root)),
    'a0cde08fd2ea06e16dd5d21e64ca0609fa1d719b79fed4245a5b8ada0242464c1437c8234e21e43eb9c79df0ce370dc82d4c7a952ef317e716b0762146bb61a0',
  );
  const child = xprvChild(root, Uint8Array.of(0xbe, 0xef), false);
  assert.equal(
    hex(child),
    '684df1aa25e0425c48c76392f42abc87a359ef2a2328ad31e53318128242464cf85916f4261b03f71afa64ad4bc2be4f335f15e433e815b45bbd15fcc7d1a864',
  );
  assert.equal(
    hex(xprvToExpandedPrivateKey(child)),
    '684df1aa25e0425c48c76392f42abc87a359ef2a2328ad31e53318128242464c0abdda57709eff7e9c60e0d4199065a6941122566c0a30ffa3ce0449d0582278',
  );
});

// Upstream doverify: the signature verifies, and any flipped bit of key, message or signature breaks it.
function doVerify(xpub: Uint8Array, message: Uint8Array, signature: Uint8Array): void {
  assert.equal(xpubVerify(xpub, message, signature), true);
  const flips = (data: Uint8Array, step: number, check: (d: Uint8Array) => boolean) => {
    for (let i = 0; i < data.length; i += step) {
      for (let bit = 0; bit < 8; bit++) {
        const changed = data.slice();
        changed[i]! ^= 1 << bit;
        assert.equal(check(changed), false);
      }
    }
  };
  flips(xpub.subarray(0, 32), 1, (k) => ed25519Verify(k, message, signature));
  flips(message, 7, (m) => xpubVerify(xpub, m, signature));
  flips(signature, 1, (s) => xpubVerify(xpub, message, s));
}

test('TestChildKeys (upstream chainkd_test.go): derived keys sign, xpub-derived keys verify', () => {
  const root = createRootXPrv(new TextEncoder().encode('a fixed seed instead of crypto/rand'));
  const rootPub = xprvToXPub(root);
  const msg = new TextEncoder().encode(
    'In the face of ignorance and resistance I wrote financial systems into existence',
  );
  doVerify(rootPub, msg, xprvSign(root, msg));
  const sel = Uint8Array.of(1, 2, 3);
  const child = xprvChild(root, sel, false);
  doVerify(xpubChild(rootPub, sel), msg, xprvSign(child, msg));
  doVerify(xpubChild(xpubChild(rootPub, sel), sel), msg, xprvSign(xprvChild(child, sel, false), msg));
  for (let i = 0; i < 4; i++) {
    const s = Uint8Array.of(i);
    const dprv = xprvChild(root, s, false);
    const dpub = xpubChild(rootPub, s);
    assert.notDeepEqual(dprv, root);
    assert.notDeepEqual(dpub, rootPub);
    assert.equal(xpubVerify(dpub, msg, xprvSign(dprv, msg)), true);
    const hprv = xprvChild(root, s, true);
    assert.notDeepEqual(hprv, dprv);
    assert.notDeepEqual(xprvToXPub(hprv), dpub);
    assert.equal(xpubVerify(xprvToXPub(hprv), msg, xprvSign(hprv, msg)), true);
  }
});

test('chainkd signatures are plain Ed25519: both verification paths accept them', () => {
  const xprv = xprvDerive(createRootXPrv(Uint8Array.of(7)), chainkdBip44Path(0, false, 1));
  const msg = Uint8Array.of(9, 9, 9);
  const sig = xprvSign(xprv, msg);
  const pk = xpubToPublicKey(xprvToXPub(xprv));
  assert.equal(ed25519Verify(pk, msg, sig), true);
  assert.equal(ed25519VerifyNoble(pk, msg, sig), true);
});

test('TestBits (upstream chainkd_test.go, 2 roots here; all 256 in chainkd.hostile.ts)', () => {
  checkBits(2, 300);
});

test('property: xpub of a non-hardened child == child of the xpub; paths compose', () => {
  const selector = fc.uint8Array({ maxLength: 12 });
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), fc.array(selector, { maxLength: 3 }), (seed, path) => {
      const xprv = createRootXPrv(seed);
      const xpub = xprvToXPub(xprv);
      assert.deepEqual(xprvToXPub(xprvDerive(xprv, path)), xpubDerive(xpub, path));
      const first = path[0] ?? new Uint8Array(0);
      assert.deepEqual(xprvToXPub(xprvChild(xprv, first, false)), xpubChild(xpub, first));
      assert.deepEqual(
        xprvDerive(xprv, path),
        path.reduce<Uint8Array>((k, s) => xprvChild(k, s, false), xprv),
      );
    }),
    { numRuns: 25 },
  );
});

test('bad key material gives typed errors', () => {
  const root = createRootXPrv(Uint8Array.of(1));
  const xpub = xprvToXPub(root);
  assert.throws(() => xprvToXPub(root.subarray(0, 63)), hasCode('BAD_LENGTH'));
  assert.throws(() => xprvChild(new Uint8Array(65), new Uint8Array(0), true), hasCode('BAD_LENGTH'));
  assert.throws(() => xpubChild(xpub.subarray(1), new Uint8Array(0)), hasCode('BAD_LENGTH'));
  assert.throws(() => xpubToPublicKey(new Uint8Array(32)), hasCode('BAD_LENGTH'));
  const topBit = root.slice();
  topBit[31]! |= 0x80;
  assert.throws(() => xprvSign(topBit, Uint8Array.of(1)), hasCode('BAD_SCALAR'));
  assert.throws(() => xprvDerive(topBit, []), hasCode('BAD_SCALAR'));
  // scalar just below 2^255: any non-hardened child overflows (upstream panics at 2^256)
  const nearTop = root.slice();
  nearTop.fill(0xff, 0, 31);
  nearTop[31] = 0x7f;
  assert.throws(() => xprvChild(nearTop, Uint8Array.of(1), false), hasCode('BAD_SCALAR'));
  const offCurve = xpub.slice();
  offCurve.fill(0, 0, 32);
  offCurve[0] = 2; // y = 2 is not on the curve
  assert.throws(() => xpubChild(offCurve, Uint8Array.of(1)), hasCode('BAD_PUBLIC_KEY'));
  assert.equal(xpubVerify(xpub.subarray(0, 32), Uint8Array.of(1), new Uint8Array(64)), false);
});

test('derivation paths (upstream signers.go getBip0044Path / GetBip0032Path)', () => {
  assert.deepEqual(chainkdBip44Path(3, true, 0x01020304).map(hex), [
    '2c000000',
    '99000000',
    '03000000',
    '01000000',
    '04030201',
  ]);
  assert.deepEqual(chainkdBip44Path(0, false, 7).map(hex)[3], '00000000');
  assert.deepEqual(chainkdBip32Path(ChainkdKeySpace.account, 5n, 9n, 0x0102n).map(hex), [
    '010500000000000000',
    '0900000000000000',
    '0201000000000000',
  ]);
  assert.deepEqual(chainkdBip32Path(ChainkdKeySpace.asset, (1n << 64n) - 1n).map(hex), ['00ffffffffffffffff']);
  assert.throws(() => chainkdBip44Path(2 ** 32, false, 0), hasCode('BAD_PATH_INDEX'));
  assert.throws(() => chainkdBip44Path(0, false, -1), hasCode('BAD_PATH_INDEX'));
  assert.throws(() => chainkdBip44Path(0.5, false, 0), hasCode('BAD_PATH_INDEX'));
  assert.throws(() => chainkdBip32Path(ChainkdKeySpace.asset, 1n << 64n), hasCode('BAD_PATH_INDEX'));
  assert.throws(() => chainkdBip32Path(ChainkdKeySpace.asset, 0n, -1n), hasCode('BAD_PATH_INDEX'));
});
