// Bitwise and equality opcodes, following Bytom v1.1.1 `protocol/vm/bitwise.go`. AND works on the
// common prefix; OR and XOR pad the shorter operand with zeros.
import type { Machine } from '../machine.ts';
import { verifyFailed } from './control.ts';

export function opInvert(vm: Machine): void {
  vm.applyCost(1);
  const top = vm.top();
  vm.applyCost(top.length);
  // Replaces the top item without memory accounting (same length).
  vm.dataStack[vm.dataStack.length - 1] = top.map((b) => ~b & 0xff);
}

export function opAnd(vm: Machine): void {
  vm.applyCost(1);
  const b = vm.pop(true);
  const a = vm.pop(true);
  const n = Math.min(a.length, b.length);
  vm.applyCost(n);
  const res = new Uint8Array(n);
  for (let i = 0; i < n; i++) res[i] = a[i]! & b[i]!;
  vm.push(res, true);
}

export function opOr(vm: Machine): void {
  padded(vm, (x, y) => x | y);
}

export function opXor(vm: Machine): void {
  padded(vm, (x, y) => x ^ y);
}

function padded(vm: Machine, f: (x: number, y: number) => number): void {
  vm.applyCost(1);
  const b = vm.pop(true);
  const a = vm.pop(true);
  const n = Math.max(a.length, b.length);
  vm.applyCost(n);
  const res = new Uint8Array(n);
  for (let i = 0; i < n; i++) res[i] = f(a[i] ?? 0, b[i] ?? 0);
  vm.push(res, true);
}

export function opEqual(vm: Machine): void {
  vm.pushBool(popEqual(vm), true);
}

export function opEqualVerify(vm: Machine): void {
  if (!popEqual(vm)) throw verifyFailed();
}

/** Costs 1 plus the shorter length. */
function popEqual(vm: Machine): boolean {
  vm.applyCost(1);
  const b = vm.pop(true);
  const a = vm.pop(true);
  vm.applyCost(Math.min(a.length, b.length));
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
