// Numeric opcodes on int64, following Bytom v1.1.1 `protocol/vm/numeric.go` (overflow checks of
// `math/checked`: a result outside int64 is RANGE) and Vapor's MULFRACTION. Division truncates
// toward zero; MOD takes the sign of the divisor; shifts are arithmetic.
import { VmError, VmErrorCode } from '../errors.ts';
import type { Machine } from '../machine.ts';
import { INT64_MAX, INT64_MIN, vmBytesToBool } from '../values.ts';
import { verifyFailed } from './control.ts';

export const op1Add = unary((n) => checked(n + 1n));
export const op1Sub = unary((n) => checked(n - 1n));
export const op2Mul = unary((n) => checked(n * 2n));
export const op2Div = unary((n) => n >> 1n);
export const opNegate = unary((n) => checked(-n));
export const opAbs = unary((n) => checked(n < 0n ? -n : n));

export function opNot(vm: Machine): void {
  vm.applyCost(2);
  vm.pushBool(vm.popInt64(true) === 0n, true);
}

export function op0NotEqual(vm: Machine): void {
  vm.applyCost(2);
  vm.pushBool(vm.popInt64(true) !== 0n, true);
}

export const opAdd = binary(2, (x, y) => checked(x + y));
export const opSub = binary(2, (x, y) => checked(x - y));
export const opMul = binary(8, (x, y) => checked(x * y));
export const opDiv = binary(8, (x, y) => checked(x / nonZero(y)));
export const opMod = binary(8, (x, y) => {
  checked(x / nonZero(y)); // upstream checked.ModInt64 refuses MinInt64 % -1
  const res = x % y;
  return res !== 0n && x >= 0n !== y >= 0n ? res + y : res;
});
// biome-ignore lint/complexity/useMathMinMax: Math.min does not take bigints
export const opMin = binary(2, (x, y) => (x > y ? y : x));
// biome-ignore lint/complexity/useMathMinMax: Math.max does not take bigints
export const opMax = binary(2, (x, y) => (x < y ? y : x));

export function opLshift(vm: Machine): void {
  vm.applyCost(8);
  const y = vm.popInt64(true);
  if (y < 0n) throw new VmError(VmErrorCode.BAD_VALUE, 'negative shift');
  const x = vm.popInt64(true);
  if (x !== 0n && y >= 64n) throw range();
  vm.pushInt64(x === 0n ? x : checked(x << y), true);
}

export function opRshift(vm: Machine): void {
  vm.applyCost(8);
  const y = vm.popInt64(true);
  const x = vm.popInt64(true);
  if (y < 0n) throw new VmError(VmErrorCode.BAD_VALUE, 'negative shift');
  vm.pushInt64(x >> (y < 64n ? y : 63n), true);
}

export function opBoolAnd(vm: Machine): void {
  vm.applyCost(2);
  const b = vm.pop(true);
  const a = vm.pop(true);
  vm.pushBool(vmBytesToBool(a) && vmBytesToBool(b), true);
}

export function opBoolOr(vm: Machine): void {
  vm.applyCost(2);
  const b = vm.pop(true);
  const a = vm.pop(true);
  vm.pushBool(vmBytesToBool(a) || vmBytesToBool(b), true);
}

export const opNumEqual = compare((x, y) => x === y);
export const opNumNotEqual = compare((x, y) => x !== y);
export const opLessThan = compare((x, y) => x < y);
export const opGreaterThan = compare((x, y) => x > y);
export const opLessThanOrEqual = compare((x, y) => x <= y);
export const opGreaterThanOrEqual = compare((x, y) => x >= y);

export function opNumEqualVerify(vm: Machine): void {
  vm.applyCost(2);
  const y = vm.popInt64(true);
  const x = vm.popInt64(true);
  if (x !== y) throw verifyFailed();
}

/** [x min max] -> min <= x < max */
export function opWithin(vm: Machine): void {
  vm.applyCost(4);
  const max = vm.popInt64(true);
  const min = vm.popInt64(true);
  const x = vm.popInt64(true);
  vm.pushBool(x >= min && x < max, true);
}

/** Vapor: [x y z] -> x * y / z computed exactly, truncated; the result must fit in int64. */
export function opMulFraction(vm: Machine): void {
  vm.applyCost(8);
  const z = nonZero(vm.popInt64(true));
  const y = vm.popInt64(true);
  const x = vm.popInt64(true);
  vm.pushInt64(checked((x * y) / z), true);
}

function unary(f: (n: bigint) => bigint): (vm: Machine) => void {
  return (vm) => {
    vm.applyCost(2);
    vm.pushInt64(f(vm.popInt64(true)), true);
  };
}

function binary(cost: number, f: (x: bigint, y: bigint) => bigint): (vm: Machine) => void {
  return (vm) => {
    vm.applyCost(cost);
    const y = vm.popInt64(true);
    const x = vm.popInt64(true);
    vm.pushInt64(f(x, y), true);
  };
}

function compare(f: (x: bigint, y: bigint) => boolean): (vm: Machine) => void {
  return (vm) => {
    vm.applyCost(2);
    const y = vm.popInt64(true);
    const x = vm.popInt64(true);
    vm.pushBool(f(x, y), true);
  };
}

function checked(n: bigint): bigint {
  if (n < INT64_MIN || n > INT64_MAX) throw range();
  return n;
}

function nonZero(n: bigint): bigint {
  if (n === 0n) throw new VmError(VmErrorCode.DIV_ZERO, 'division by zero');
  return n;
}

function range(): VmError {
  return new VmError(VmErrorCode.RANGE, 'int64 overflow');
}
