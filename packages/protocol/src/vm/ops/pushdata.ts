// Data-pushing opcodes, following Bytom v1.1.1 `protocol/vm/pushdata.go`.
import type { Machine } from '../machine.ts';

export function opFalse(vm: Machine): void {
  vm.applyCost(1);
  vm.pushBool(false, false);
}

/** DATA_n, PUSHDATA1/2/4 and the small integers: the instruction's data (never mutated, so not copied). */
export function opPushdata(vm: Machine): void {
  vm.applyCost(1);
  vm.push(vm.data, false);
}

export function op1Negate(vm: Machine): void {
  vm.applyCost(1);
  vm.pushInt64(-1n, false);
}

export function opNop(vm: Machine): void {
  vm.applyCost(1);
}
