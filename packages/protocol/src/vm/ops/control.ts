// Control opcodes, following Bytom v1.1.1 `protocol/vm/control.go`.
import { VmError, VmErrorCode } from '../errors.ts';
import { type Machine, stackUnderflow } from '../machine.ts';
import { jumpAddress } from '../parse.ts';
import { vmBytesToBool } from '../values.ts';

export function opVerify(vm: Machine): void {
  vm.applyCost(1);
  if (!vmBytesToBool(vm.popCondition())) throw verifyFailed();
}

export function opFail(vm: Machine): void {
  vm.applyCost(1);
  throw new VmError(VmErrorCode.FAIL_EXECUTED, 'FAIL executed');
}

/**
 * Stack: [... items n predicate limit]. Runs `predicate` on the top `n` items (all of them if
 * n < 0) with `limit` gas (all remaining gas if 0), and pushes whether it succeeded. Costs 256 up
 * front, of which 192 come back at the end, plus what the child used.
 */
export function opCheckPredicate(vm: Machine): void {
  vm.applyCost(256);
  vm.deferCost(-256 + 64);
  let limit = vm.popInt64(true);
  const predicate = vm.pop(true);
  let n = vm.popInt64(true);
  if (limit < 0n) throw new VmError(VmErrorCode.BAD_VALUE, 'negative CHECKPREDICATE limit');
  const l = BigInt(vm.dataStack.length);
  if (n < 0n) n = l;
  if (n > l) throw stackUnderflow();
  if (limit === 0n) {
    vm.execution.deferral?.requireNoneLive(
      vm,
      'a predicate would inherit a gas limit that depends on an assumed value',
    );
    limit = BigInt(vm.runLimit);
  }
  vm.applyCost(Number(limit));
  const items = vm.dataStack.splice(vm.dataStack.length - Number(n));
  vm.push(vm.runPredicate(predicate, items, Number(limit)), true);
}

export function opJump(vm: Machine): void {
  vm.applyCost(1);
  vm.nextPC = jumpAddress(vm.data);
}

export function opJumpIf(vm: Machine): void {
  vm.applyCost(1);
  if (vmBytesToBool(vm.pop(true))) vm.nextPC = jumpAddress(vm.data);
}

export function verifyFailed(): VmError {
  return new VmError(VmErrorCode.VERIFY_FAILED, 'VERIFY failed');
}
