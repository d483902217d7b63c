// Transaction introspection opcodes, following Bytom v1.1.1 `protocol/vm/introspection.go`.
// Values come from the caller's `VmContext`; an absent one is CONTEXT. uint64 values are pushed
// as int64 (top bit as sign), as upstream.
import { VmError, VmErrorCode } from '../errors.ts';
import type { Machine } from '../machine.ts';
import { FALSE_BYTES } from '../values.ts';

/** [index amount assetId vmVersion code] -> does mux destination `index` carry this value and program? */
export function opCheckOutput(vm: Machine): void {
  vm.applyCost(16);
  const code = vm.pop(true);
  const vmVersion = nonNegative(vm.popInt64(true));
  const assetId = vm.pop(true);
  const amount = nonNegative(vm.popInt64(true));
  const index = nonNegative(vm.popInt64(true));
  const checkOutput = vm.execution.context.checkOutput;
  if (checkOutput === undefined) throw missing('checkOutput');
  vm.pushBool(checkOutput(index, amount, assetId, vmVersion, code, vm.expansionReserved), true);
}

export function opAsset(vm: Machine): void {
  vm.applyCost(1);
  vm.push(required(vm.execution.context.assetId, 'assetId'), true);
}

export function opAmount(vm: Machine): void {
  vm.applyCost(1);
  vm.pushInt64(BigInt.asIntN(64, required(vm.execution.context.amount, 'amount')), true);
}

export function opProgram(vm: Machine): void {
  vm.applyCost(1);
  vm.push(vm.execution.code, true);
}

export function opIndex(vm: Machine): void {
  vm.applyCost(1);
  vm.pushInt64(BigInt.asIntN(64, required(vm.execution.context.destPos, 'destPos')), true);
}

export function opEntryId(vm: Machine): void {
  vm.applyCost(1);
  vm.push(vm.execution.context.entryId ?? FALSE_BYTES, true);
}

export function opOutputId(vm: Machine): void {
  vm.applyCost(1);
  vm.push(required(vm.execution.context.spentOutputId, 'spentOutputId'), true);
}

export function opBlockHeight(vm: Machine): void {
  vm.applyCost(1);
  vm.pushInt64(BigInt.asIntN(64, required(vm.execution.context.blockHeight, 'blockHeight')), true);
}

function nonNegative(n: bigint): bigint {
  if (n < 0n) throw new VmError(VmErrorCode.BAD_VALUE, `negative CHECKOUTPUT operand ${n}`);
  return n;
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw missing(name);
  return value;
}

function missing(name: string): VmError {
  return new VmError(VmErrorCode.CONTEXT, `no ${name} in the context`);
}
