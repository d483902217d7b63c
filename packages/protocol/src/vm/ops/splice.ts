// Byte-string opcodes, following Bytom v1.1.1 `protocol/vm/splice.go`. Results are charged by
// their length up front and refunded at once, on top of the deferred memory accounting.
import { VmError, VmErrorCode } from '../errors.ts';
import type { Machine } from '../machine.ts';
import { pushdataBytes } from '../pushdata.ts';

export function opCat(vm: Machine): void {
  vm.applyCost(4);
  const b = vm.pop(true);
  const a = vm.pop(true);
  chargeTransient(vm, a.length + b.length);
  vm.push(concat(a, b), true);
}

/** [str offset size] -> str[offset : offset+size] */
export function opSubstr(vm: Machine): void {
  vm.applyCost(4);
  const size = vm.popInt64(true);
  if (size < 0n) throw badValue('negative SUBSTR size');
  chargeTransient(vm, Number(size));
  const offset = vm.popInt64(true);
  if (offset < 0n) throw badValue('negative SUBSTR offset');
  const str = vm.pop(true);
  if (offset + size > BigInt(str.length)) throw badValue('SUBSTR range beyond the string');
  vm.push(str.subarray(Number(offset), Number(offset + size)), true);
}

export function opLeft(vm: Machine): void {
  const [str, size] = popStringAndSize(vm, 'LEFT');
  vm.push(str.subarray(0, size), true);
}

export function opRight(vm: Machine): void {
  const [str, size] = popStringAndSize(vm, 'RIGHT');
  vm.push(str.subarray(str.length - size), true);
}

export function opSize(vm: Machine): void {
  vm.applyCost(1);
  vm.pushInt64(BigInt(vm.top().length), true);
}

/** [a b] -> a || push-instruction(b) */
export function opCatpushdata(vm: Machine): void {
  vm.applyCost(4);
  const b = vm.pop(true);
  const a = vm.pop(true);
  chargeTransient(vm, a.length + b.length);
  vm.push(concat(a, pushdataBytes(b)), true);
}

function popStringAndSize(vm: Machine, name: string): [Uint8Array, number] {
  vm.applyCost(4);
  const size = vm.popInt64(true);
  if (size < 0n) throw badValue(`negative ${name} size`);
  chargeTransient(vm, Number(size));
  const str = vm.pop(true);
  if (size > BigInt(str.length)) throw badValue(`${name} size beyond the string`);
  return [str, Number(size)];
}

/** Charged now (fails if unaffordable), refunded with the deferred costs. */
function chargeTransient(vm: Machine, n: number): void {
  vm.applyCost(n);
  vm.deferCost(-n);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function badValue(message: string): VmError {
  return new VmError(VmErrorCode.BAD_VALUE, message);
}
