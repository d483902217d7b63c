// Proof-of-work difficulty, as Bytom v1.1.1 consensus/difficulty/difficulty.go computes it, down
// to its corner cases (Go's uint64 wrap-around, big.Int's Euclidean division and arithmetic shift
// of negative numbers), so that any `bits` a Bytom node accepts or produces we do too.
import { assertHash32, PowError, PowErrorCode } from './errors.ts';

const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const MANTISSA_MASK = 0x007fffffffffffffn;
const SIGN_BIT = 0x0080000000000000n;
const TWO_POW_256 = 1n << 256n;

/** Retarget parameters (a chain config, e.g. MainChainParams, has them). */
export type RetargetParams = {
  /** Blocks between two difficulty changes (Bytom: 2016). */
  readonly blocksPerRetarget: number;
  /** Intended seconds between blocks (Bytom: 150). */
  readonly targetSecondsPerBlock: number;
  /**
   * The easiest difficulty a retarget may reach (Bitcoin's proof-of-work limit). Bytom has none,
   * so its mainnet leaves this unset; a devnet needs it, or a period that took months (a genesis
   * minted long ago) scales the target past 2^256 and every later block weighs zero work.
   */
  readonly maxTargetBits?: bigint | undefined;
};

/** What the retarget needs of the last block. */
export type RetargetBlock = {
  readonly height: number;
  /** Seconds, uint64. */
  readonly timestamp: bigint;
  /** Compact target, uint64. */
  readonly bits: bigint;
};

function assertUint64(value: bigint, what: string): void {
  if (typeof value !== 'bigint' || value < 0n || value > UINT64_MAX) {
    throw new PowError(PowErrorCode.OutOfRange, `${what} must be a uint64 bigint`, { value: String(value) });
  }
}

function assertHeight(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new PowError(PowErrorCode.OutOfRange, `${what} must be a non-negative safe integer`, { value });
  }
}

function assertPositive(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new PowError(PowErrorCode.OutOfRange, `${what} must be a positive safe integer`, { value });
  }
}

/** Go's int64(u) for a uint64 u. */
function toInt64(u: bigint): bigint {
  return BigInt.asIntN(64, u);
}

/**
 * CompactToBig: `bits` is exponent (8 bits) | sign (1 bit) | mantissa (55 bits), and the target
 * is (-1)^sign * mantissa * 256^(exponent - 3).
 */
export function bitsToTarget(bits: bigint): bigint {
  assertUint64(bits, 'bits');
  const mantissa = bits & MANTISSA_MASK;
  const exponent = bits >> 56n;
  const magnitude = exponent <= 3n ? mantissa >> (8n * (3n - exponent)) : mantissa << (8n * (exponent - 3n));
  return (bits & SIGN_BIT) !== 0n ? -magnitude : magnitude;
}

function byteLength(n: bigint): number {
  return n === 0n ? 0 : Math.ceil(n.toString(16).length / 2);
}

/**
 * BigToCompact: the exponent is the byte length of |target|; the mantissa, its top three bytes.
 * Like Go, a negative target is shifted arithmetically (rounding toward minus infinity) before its
 * magnitude is taken, and an exponent past 255 wraps in the uint64.
 */
export function targetToBits(target: bigint): bigint {
  if (typeof target !== 'bigint') {
    throw new PowError(PowErrorCode.OutOfRange, 'target must be a bigint', { value: String(target) });
  }
  if (target === 0n) return 0n;
  const magnitude = target < 0n ? -target : target;
  let exponent = BigInt(byteLength(magnitude));
  let mantissa: bigint;
  if (exponent <= 3n) {
    mantissa = magnitude << (8n * (3n - exponent));
  } else {
    const shifted = target >> (8n * (exponent - 3n));
    mantissa = BigInt.asUintN(64, shifted < 0n ? -shifted : shifted);
  }
  if ((mantissa & SIGN_BIT) !== 0n) {
    mantissa >>= 8n;
    exponent++;
  }
  let bits = BigInt.asUintN(64, exponent << 56n) | mantissa;
  if (target < 0n) bits |= SIGN_BIT;
  return bits;
}

/** HashToBig: a Tensority result read as a little-endian 256-bit integer. */
export function powHashToBigInt(hash: Uint8Array): bigint {
  assertHash32(hash, 'hash');
  let n = 0n;
  for (let i = hash.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(hash[i]!);
  return n;
}

/** CalcWork: the expected number of hashes behind a block of these bits, 2^256 / (target + 1); 0 if target <= 0. */
export function workFromBits(bits: bigint): bigint {
  const target = bitsToTarget(bits);
  return target <= 0n ? 0n : TWO_POW_256 / (target + 1n);
}

/** Whether a Tensority result meets the target of `bits` (CheckProofOfWork, given the hash already computed). */
export function checkProofOfWork(hash: Uint8Array, bits: bigint): boolean {
  return powHashToBigInt(hash) <= bitsToTarget(bits);
}

function assertRetargetParams(params: RetargetParams): void {
  assertPositive(params.blocksPerRetarget, 'blocksPerRetarget');
  assertPositive(params.targetSecondsPerBlock, 'targetSecondsPerBlock');
  if (BigInt(params.blocksPerRetarget) * BigInt(params.targetSecondsPerBlock) > -INT64_MIN - 1n) {
    throw new PowError(PowErrorCode.OutOfRange, 'blocksPerRetarget x targetSecondsPerBlock must fit an int64');
  }
}

/**
 * Height of the block whose timestamp the retarget after `lastHeight` compares with, or
 * undefined when no retarget happens there (BlockNode.CalcNextBits: the previous multiple).
 */
export function retargetCompareHeight(lastHeight: number, params: RetargetParams): number | undefined {
  assertHeight(lastHeight, 'lastHeight');
  assertRetargetParams(params);
  if (lastHeight === 0 || lastHeight % params.blocksPerRetarget !== 0) return undefined;
  return lastHeight - params.blocksPerRetarget;
}

/** Go's big.Int Div: Euclidean division (the remainder is never negative). */
function euclideanDiv(x: bigint, y: bigint): bigint {
  const q = x / y;
  if (x % y >= 0n) return q;
  return y > 0n ? q - 1n : q + 1n;
}

/**
 * CalcNextRequiredDifficulty: the bits of the block after `last`. Unchanged except right after a
 * multiple of blocksPerRetarget (never after genesis), where the target scales by the actual time
 * the period took over the intended time, with no clamp unless `maxTargetBits` is set.
 * `compareTimestamp` is the timestamp of the block at retargetCompareHeight(last.height). Time
 * differences wrap as Bytom's uint64s do.
 */
export function nextBits(last: RetargetBlock, compareTimestamp: bigint, params: RetargetParams): bigint {
  assertHeight(last.height, 'last.height');
  assertUint64(last.timestamp, 'last.timestamp');
  assertUint64(last.bits, 'last.bits');
  assertUint64(compareTimestamp, 'compareTimestamp');
  if (retargetCompareHeight(last.height, params) === undefined) return last.bits;

  const targetTimeSpan = BigInt(params.blocksPerRetarget) * BigInt(params.targetSecondsPerBlock);
  const actualTimeSpan = toInt64(BigInt.asUintN(64, last.timestamp - compareTimestamp));
  const target = euclideanDiv(bitsToTarget(last.bits) * actualTimeSpan, targetTimeSpan);
  if (params.maxTargetBits !== undefined && target > bitsToTarget(params.maxTargetBits)) return params.maxTargetBits;
  return targetToBits(target);
}
