// Difficulty: every case of Bytom v1.1.1 consensus/difficulty/difficulty_test.go, plus the rules
// of protocol/state/blockindex.go (CalcNextBits) around them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bitsToTarget,
  bytomMainnetParams,
  checkProofOfWork,
  nextBits,
  PowError,
  PowErrorCode,
  powHashToBigInt,
  retargetCompareHeight,
  targetToBits,
  workFromBits,
} from '@bystack/protocol';
import fc from 'fast-check';
import { fromHex } from './tensority-vectors.ts';

const TWO_256 = 1n << 256n;
const UINT64_MAX = (1n << 64n) - 1n;
/** Upstream spells compact bits as exponent (8 bits), sign (1 bit), mantissa (55 bits) strings. */
const compact = (exponent: string, sign: string, mantissa: string): bigint => BigInt(`0b${exponent}${sign}${mantissa}`);
const isPow = (code: PowErrorCode) => (err: unknown) => err instanceof PowError && err.code === code;

test('bitsToTarget: TestCompactToBig', () => {
  const cases: [string, string, string, bigint][] = [
    ['00000000', '0', '0000000000000000000000000000000000000000000000000000000', 0n],
    ['00000000', '1', '0000000000000000000000000000000000000000000000000000000', 0n],
    ['00000001', '0', '0000000000000000000000000000000000000010000000000000000', 1n],
    ['00000001', '1', '0000000000000000000000000000000000000010000000000000000', -1n],
    ['00000011', '0', '0000000000000000000000000000000000000010000000000000000', 65536n],
    ['00000011', '1', '0000000000000000000000000000000000000010000000000000000', -65536n],
    ['00000100', '0', '0000000000000000000000000000000000000010000000000000000', 16777216n],
    ['00000100', '1', '0000000000000000000000000000000000000010000000000000000', -16777216n],
    ['00011110', '0', '0000000000000000000000000000000000011011011111000010011', 0x0dbe13n << 216n],
  ];
  for (const [e, s, m, want] of cases) assert.equal(bitsToTarget(compact(e, s, m)), want, `${e} ${s} ${m}`);
});

test('targetToBits: TestBigToCompact', () => {
  const cases: [bigint, bigint][] = [
    [0n, 0x0000000000000000n],
    [-0n, 0x0000000000000000n],
    [1n, 0x0100000000010000n],
    [-1n, 0x0180000000010000n],
    [65536n, 0x0300000000010000n],
    [-65536n, 0x0380000000010000n],
    [16777216n, 0x0400000000010000n],
    [-16777216n, 0x0480000000010000n],
    // PowMinBits of consensus/general.go.
    [0x0dbe13n << 216n, 0x1e000000000dbe13n],
  ];
  for (const [n, want] of cases) assert.equal(targetToBits(n), want, `${n}`);
});

test('powHashToBigInt reads the hash little-endian: TestHashToBig', () => {
  // [hash, the same number big-endian]
  const cases: [string, string][] = [
    [
      '6666666666666666666666666666666666666666666666666666666666666666',
      '6666666666666666666666666666666666666666666666666666666666666666',
    ],
    [
      '00000000000000000000000000000000000102030405060708090a0b0c0d0e0f',
      '0f0e0d0c0b0a0908070605040302010000000000000000000000000000000000',
    ],
    [
      'e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff',
      'fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0',
    ],
  ];
  for (const [hash, bigEndian] of cases) assert.equal(powHashToBigInt(fromHex(hash)), BigInt(`0x${bigEndian}`));
});

test('workFromBits: TestCalcWorkWithIntStr', () => {
  const cases: [string, string, string, bigint][] = [
    ['00000000', '0', '0000000000000000000000000000000000000000000000000000000', 0n],
    ['00000000', '0', '0000000000000000000000000000000000000000000000000000001', 0n],
    ['00000000', '0', '0000000000000000000000000000000000000010000000000000000', 0n],
    ['00000000', '0', '0000000000000000000000000000001000000000000000000000000', TWO_256 / 2n],
    ['00000000', '0', '1111111111111111111111111111111111111111111111111111111', 0x020000n << 208n],
    ['00000000', '1', '0000000000000000000000000000000000000000000000000000000', 0n],
    ['00000000', '1', '0000000000000000000000000000000000000000000000000000001', 0n],
    ['00000000', '1', '0000000000000000000000000000000000000010000000000000000', 0n],
    ['00000000', '1', '0000000000000000000000000000001000000000000000000000000', 0n],
    ['00000000', '1', '1111111111111111111111111111111111111111111111111111111', 0n],
    ['00000011', '0', '0000000000000000000000000000000000000000000000000000000', 0n],
    ['00000011', '0', '0000000000000000000000000000000000000000000000000000001', TWO_256 / 2n],
    ['00000011', '0', '0000000000000000000000000000000000000010000000000000000', TWO_256 / 65537n],
    ['00000011', '0', '0000000000000000000000000000001000000000000000000000000', TWO_256 / 16777217n],
    ['00000011', '0', '1111111111111111111111111111111111111111111111111111111', TWO_256 / 36028797018963968n],
    ['00000011', '1', '0000000000000000000000000000000000000000000000000000000', 0n],
    ['00000011', '1', '0000000000000000000000000000000000000000000000000000001', 0n],
    ['00000011', '1', '0000000000000000000000000000000000000010000000000000000', 0n],
    ['00000011', '1', '0000000000000000000000000000001000000000000000000000000', 0n],
    ['00000011', '1', '1111111111111111111111111111111111111111111111111111111', 0n],
    ['00000111', '0', '0000000000000000000000000000000000000000000000000000000', 0n],
    ['00000111', '0', '0000000000000000000000000000000000000000000000000000001', TWO_256 / 4294967297n],
    ['00000111', '0', '0000000000000000000000000000000000000010000000000000000', TWO_256 / 281474976710657n],
    ['00000111', '0', '0000000000000000000000000000001000000000000000000000000', TWO_256 / 72057594037927937n],
    [
      '00000111',
      '0',
      '1111111111111111111111111111111111111111111111111111111',
      TWO_256 / ((36028797018963967n << 32n) + 1n),
    ],
    ['00000111', '1', '0000000000000000000000000000000000000000000000000000000', 0n],
    ['00000111', '1', '0000000000000000000000000000000000000000000000000000001', 0n],
    ['00000111', '1', '0000000000000000000000000000000000000010000000000000000', 0n],
    ['00000111', '1', '0000000000000000000000000000001000000000000000000000000', 0n],
    ['00000111', '1', '1111111111111111111111111111111111111111111111111111111', 0n],
    ['11111111', '0', '0000000000000000000000000000000000000000000000000000001', 0n],
    ['11111111', '0', '0000000000000000000000000000000000000010000000000000000', 0n],
    ['11111111', '0', '0000000000000000000000000000001000000000000000000000000', 0n],
    ['11111111', '0', '1111111111111111111111111111111111111111111111111111111', 0n],
    ['11111111', '1', '0000000000000000000000000000000000000000000000000000001', 0n],
    ['11111111', '1', '0000000000000000000000000000000000000010000000000000000', 0n],
    ['11111111', '1', '0000000000000000000000000000001000000000000000000000000', 0n],
    ['11111111', '1', '1111111111111111111111111111111111111111111111111111111', 0n],
  ];
  for (const [e, s, m, want] of cases) assert.equal(workFromBits(compact(e, s, m)), want, `${e} ${s} ${m}`);
});

test('workFromBits: TestCalcWork', () => {
  const cases: [bigint, bigint][] = [
    [0n, 0n],
    [1n, 0n],
    [65535n, 0n],
    [16777215n, 0n],
    [16777216n, TWO_256 / 2n],
    [4294967295n, TWO_256 / 256n],
    [36028797018963967n, TWO_256 / 2147483648n],
    [36028797018963968n, 0n],
    [216172782113783808n, 0n],
    [216172782113783809n, TWO_256 / 2n],
    [216172782130561024n, TWO_256 / 16777217n],
    [252201579132747775n, TWO_256 / 36028797018963968n],
    [252201579132747776n, 0n],
    [288230376151711744n, 0n],
    [288230376151711745n, TWO_256 / 257n],
    [540431955284459519n, TWO_256 / ((36028797018963967n << 32n) + 1n)],
    [540431955284459520n, 0n],
    [9223372036854775807n, 0n],
    [18446744073709551615n, 0n],
  ];
  for (const [bits, want] of cases) assert.equal(workFromBits(bits), want, `${bits}`);
});

test('nextBits: TestCalcNextRequiredDifficulty', () => {
  const params = { blocksPerRetarget: 2016, targetSecondsPerBlock: 150 };
  const B = params.blocksPerRetarget;
  const span = 2016n * 150n;
  const c = (n: bigint) => targetToBits(n);
  // [last height, last timestamp, last bits, compare timestamp, want]
  const cases: [number, bigint, bigint, bigint, bigint][] = [
    [B, span, c(1000n), 0n, c(1000n)],
    [B, span * 2n, c(1000n), 0n, c(2000n)],
    [B - 1, span * 2n - 150n, c(1000n), 0n, c(1000n)],
    [B, span / 2n, c(1000n), 0n, c(500n)],
    [B * 2, span + span * 2n, c(1000n), span, c(2000n)],
    [B * 2, span + span / 2n, c(1000n), span, c(500n)],
    [B * 2 - 1, span + span * 2n - 150n, c(1000n), span, c(1000n)],
    [B * 2 - 1, span + span / 2n - 150n, c(1000n), span, c(1000n)],
    [0, 0n, 0n, 0n, 0n],
    [0, 0n, UINT64_MAX, 0n, UINT64_MAX],
    [0, 0n, c(1000n), 0n, c(1000n)],
    [B, span, c(1000n), span, 0n],
    [B, span, c(1000n), span + 9223372036854775808n, 540431955291560988n],
    [B, span + 9223372036854775807n, c(1000n), span, 504403158272597019n],
    [B, UINT64_MAX, c(1000n), 0n, 108086391056957440n],
    [B, span * 2n, c(1000n), span, c(1000n)],
    [B, span * 3n, c(1000n), span, 144115188076367872n],
    [B, span + 9223372036854775807n, c(1000n), span, 504403158272597019n],
    [B, span * 2n, 0n, span, 0n],
    [B, span * 2n, UINT64_MAX, span, 252201579141136384n],
    [B + 1, span * 2n, c(1000n), span, c(1000n)],
    [B - 1, span * 2n, c(1000n), span, c(1000n)],
    [B * 2, span * 2n, c(1000n), span, c(1000n)],
    [B / 2, span * 2n, c(1000n), span, c(1000n)],
  ];
  cases.forEach(([height, timestamp, bits, compareTimestamp, want], i) => {
    assert.equal(nextBits({ height, timestamp, bits }, compareTimestamp, params), want, `case ${i}`);
  });
});

test('nextBits: maxTargetBits caps an easing retarget; without it the target grows unbounded as Bytom does', () => {
  const params = { blocksPerRetarget: 20, targetSecondsPerBlock: 2 };
  const cap = targetToBits((1n << 255n) - 1n);
  const tenMonths = 26_000_000n;
  const uncapped = nextBits({ height: 20, timestamp: tenMonths, bits: cap }, 0n, params);
  assert.ok(bitsToTarget(uncapped) > 1n << 256n, 'Bytom has no limit: the target passes 2^256');
  assert.equal(nextBits({ height: 20, timestamp: tenMonths, bits: cap }, 0n, { ...params, maxTargetBits: cap }), cap);
  // A harder retarget is untouched by the cap.
  const fast = nextBits({ height: 20, timestamp: 20n, bits: cap }, 0n, { ...params, maxTargetBits: cap });
  assert.equal(fast, nextBits({ height: 20, timestamp: 20n, bits: cap }, 0n, params));
  assert.ok(bitsToTarget(fast) < bitsToTarget(cap));
});

test('the retarget interval and spacing are parameters; the compare block is the previous multiple', () => {
  const devnet = { blocksPerRetarget: 20, targetSecondsPerBlock: 2 };
  const bits = targetToBits(1000n);
  assert.equal(nextBits({ height: 40, timestamp: 180n, bits }, 100n, devnet), targetToBits(2000n));
  assert.equal(nextBits({ height: 39, timestamp: 180n, bits }, 100n, devnet), bits);
  assert.equal(retargetCompareHeight(40, devnet), 20);
  assert.equal(retargetCompareHeight(39, devnet), undefined);
  assert.equal(retargetCompareHeight(0, devnet), undefined);
  // MainChainParams carries the fields under the same names.
  assert.equal(retargetCompareHeight(4032, bytomMainnetParams), 2016);
});

test('checkProofOfWork compares the little-endian hash with the target, inclusive', () => {
  const bits = targetToBits(0x1234n << 200n); // a target whose compact form is exact
  const target = bitsToTarget(bits);
  const asHash = (n: bigint) => {
    const out = new Uint8Array(32);
    for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
    return out;
  };
  assert.equal(checkProofOfWork(asHash(target), bits), true);
  assert.equal(checkProofOfWork(asHash(target - 1n), bits), true);
  assert.equal(checkProofOfWork(asHash(target + 1n), bits), false);
  assert.equal(checkProofOfWork(new Uint8Array(32), 0n), true);
  assert.equal(checkProofOfWork(asHash(1n), 0n), false);
  // A negative target (sign bit) is met by no hash.
  assert.equal(checkProofOfWork(new Uint8Array(32), targetToBits(-1000n)), false);
});

test('targetToBits keeps the top three bytes of a positive target; bitsToTarget gives them back', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 1n, max: TWO_256 }), (n) => {
      const back = bitsToTarget(targetToBits(n));
      const bytes = Math.ceil(n.toString(16).length / 2);
      const shift = BigInt(8 * Math.max(0, bytes - 3));
      return back === (n >> shift) << shift && targetToBits(back) === targetToBits(n);
    }),
  );
});

test('bad input is a PowError', () => {
  const params = { blocksPerRetarget: 2016, targetSecondsPerBlock: 150 };
  const ok = { height: 2016, timestamp: 1n, bits: 1n };
  assert.throws(() => bitsToTarget(-1n), isPow(PowErrorCode.OutOfRange));
  assert.throws(() => bitsToTarget(1n << 64n), isPow(PowErrorCode.OutOfRange));
  assert.throws(() => bitsToTarget(1 as unknown as bigint), isPow(PowErrorCode.OutOfRange));
  assert.throws(() => targetToBits(1 as unknown as bigint), isPow(PowErrorCode.OutOfRange));
  assert.throws(() => powHashToBigInt(new Uint8Array(31)), isPow(PowErrorCode.BadLength));
  assert.throws(() => checkProofOfWork(new Uint8Array(33), 1n), isPow(PowErrorCode.BadLength));
  assert.throws(() => nextBits({ ...ok, height: -1 }, 0n, params), isPow(PowErrorCode.OutOfRange));
  assert.throws(() => nextBits({ ...ok, height: 1.5 }, 0n, params), isPow(PowErrorCode.OutOfRange));
  assert.throws(() => nextBits({ ...ok, timestamp: -1n }, 0n, params), isPow(PowErrorCode.OutOfRange));
  assert.throws(() => nextBits(ok, UINT64_MAX + 1n, params), isPow(PowErrorCode.OutOfRange));
  assert.throws(() => nextBits(ok, 0n, { ...params, blocksPerRetarget: 0 }), isPow(PowErrorCode.OutOfRange));
  assert.throws(() => nextBits(ok, 0n, { ...params, targetSecondsPerBlock: -150 }), isPow(PowErrorCode.OutOfRange));
  assert.throws(
    () => nextBits(ok, 0n, { blocksPerRetarget: 2 ** 32, targetSecondsPerBlock: 2 ** 31 }),
    isPow(PowErrorCode.OutOfRange),
  );
});
