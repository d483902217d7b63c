// Stack opcodes, following Bytom v1.1.1 `protocol/vm/stack.go`. Moving items between stacks or
// reordering them costs no memory gas; copies are charged as pushes.
import { VmError, VmErrorCode } from '../errors.ts';
import { type Machine, stackUnderflow } from '../machine.ts';
import { INT64_MAX, vmBytesToBool } from '../values.ts';

export function opToAltStack(vm: Machine): void {
  vm.applyCost(2);
  const item = vm.dataStack.pop();
  if (item === undefined) throw stackUnderflow();
  vm.altStack.push(item);
}

export function opFromAltStack(vm: Machine): void {
  vm.applyCost(2);
  const item = vm.altStack.pop();
  if (item === undefined) throw new VmError(VmErrorCode.ALT_STACK_UNDERFLOW, 'alt stack underflow');
  vm.dataStack.push(item);
}

export function op2Drop(vm: Machine): void {
  vm.applyCost(2);
  vm.pop(false);
  vm.pop(false);
}

export function op2Dup(vm: Machine): void {
  nDup(vm, 2);
}

export function op3Dup(vm: Machine): void {
  nDup(vm, 3);
}

export function opDup(vm: Machine): void {
  nDup(vm, 1);
}

function nDup(vm: Machine, n: number): void {
  vm.applyCost(n);
  if (vm.dataStack.length < n) throw stackUnderflow();
  for (let i = 0; i < n; i++) vm.push(vm.dataStack[vm.dataStack.length - n]!, false);
}

export function op2Over(vm: Machine): void {
  vm.applyCost(2);
  if (vm.dataStack.length < 4) throw stackUnderflow();
  for (let i = 0; i < 2; i++) vm.push(vm.dataStack[vm.dataStack.length - 4]!, false);
}

/** [a b c d e f] -> [c d e f a b] */
export function op2Rot(vm: Machine): void {
  vm.applyCost(2);
  if (vm.dataStack.length < 6) throw stackUnderflow();
  vm.dataStack.push(...vm.dataStack.splice(vm.dataStack.length - 6, 2));
}

/** [a b c d] -> [c d a b] */
export function op2Swap(vm: Machine): void {
  vm.applyCost(2);
  if (vm.dataStack.length < 4) throw stackUnderflow();
  vm.dataStack.push(...vm.dataStack.splice(vm.dataStack.length - 4, 2));
}

export function opIfDup(vm: Machine): void {
  vm.applyCost(1);
  const item = vm.top();
  if (vmBytesToBool(item)) vm.push(item, false);
}

export function opDepth(vm: Machine): void {
  vm.applyCost(1);
  vm.pushInt64(BigInt(vm.dataStack.length), false);
}

export function opDrop(vm: Machine): void {
  vm.applyCost(1);
  vm.pop(false);
}

export function opNip(vm: Machine): void {
  vm.applyCost(1);
  // Upstream sets the top item aside without memory accounting, pops the next one, then puts it back.
  const top = vm.dataStack.pop();
  if (top === undefined) throw stackUnderflow();
  vm.pop(false);
  vm.dataStack.push(top);
}

export function opOver(vm: Machine): void {
  vm.applyCost(1);
  if (vm.dataStack.length < 2) throw stackUnderflow();
  vm.push(vm.dataStack[vm.dataStack.length - 2]!, false);
}

export function opPick(vm: Machine): void {
  vm.applyCost(2);
  const off = stackOffset(vm.popInt64(false));
  if (vm.dataStack.length < off) throw stackUnderflow();
  vm.push(vm.dataStack[vm.dataStack.length - off]!, false);
}

export function opRoll(vm: Machine): void {
  vm.applyCost(2);
  rotate(vm, stackOffset(vm.popInt64(false)));
}

export function opRot(vm: Machine): void {
  vm.applyCost(2);
  rotate(vm, 3);
}

export function opSwap(vm: Machine): void {
  vm.applyCost(1);
  const s = vm.dataStack;
  const l = s.length;
  if (l < 2) throw stackUnderflow();
  [s[l - 1], s[l - 2]] = [s[l - 2]!, s[l - 1]!];
}

/** [a b] -> [b a b] */
export function opTuck(vm: Machine): void {
  vm.applyCost(1);
  if (vm.dataStack.length < 2) throw stackUnderflow();
  // Upstream removes both items without memory accounting before charging the copy.
  const top2 = vm.dataStack.splice(vm.dataStack.length - 2);
  vm.push(top2[1]!, false);
  vm.dataStack.push(...top2);
}

/** PICK and ROLL index n as offset n + 1 from the top; n must be a non-negative int64 below the maximum. */
function stackOffset(n: bigint): number {
  if (n < 0n || n === INT64_MAX) throw new VmError(VmErrorCode.BAD_VALUE, `bad stack index ${n}`);
  // Anything beyond 2^53 is far deeper than any stack: keep it large so the depth check fails.
  return n >= BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n) + 1;
}

/** Moves the item at offset n from the top to the top. */
function rotate(vm: Machine, n: number): void {
  if (vm.dataStack.length < n) throw stackUnderflow();
  const [item] = vm.dataStack.splice(vm.dataStack.length - n, 1);
  vm.dataStack.push(item!);
}
