// The virtual machine's state and main loop, following Bytom v1.1.1 `protocol/vm/vm.go`.
//
// Gas ("run limit") is charged exactly as upstream: each opcode's own cost, plus memory: pushing an
// item costs 8 + its length, popping refunds as much. Some opcodes charge their pushes and pops
// "deferred": summed in `deferredCost` and applied only after the opcode succeeded, so an opcode
// that fails leaves the limit as it was after its immediate charges. The exact state after a
// failure matters: a failing CHECKPREDICATE child refunds its remaining limit and stack to its parent.
//
// Values are immutable byte arrays (upstream Go slices may alias when CAT appends into spare
// capacity; that depends on the Go runtime's growth policy and is not reproduced).
import { ProtocolError } from '../errors.ts';
import type { VmContext } from './context.ts';
import type { SignatureDeferral } from './deferral.ts';
import { VmError, VmErrorCode } from './errors.ts';
import { parseInstruction } from './parse.ts';
import { boolToVmBytes, FALSE_BYTES, int64ToVmBytes, vmBytesToBool, vmBytesToInt64 } from './values.ts';

export type OpHandler = (vm: Machine) => void;

/** 256 handlers; `undefined` marks an expansion opcode. */
export type OpTable = readonly (OpHandler | undefined)[];

/** What CHECKSIG and CHECKMULTISIG push, decided strictly (verify now) or deferred (record, assume). */
export interface SignatureChecker {
  /** For a 32-byte key and a 32-byte message. */
  checkSignature(vm: Machine, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Uint8Array;
  /** For 32-byte keys (in matching order), a 32-byte message and at least one signature (in matching order). */
  checkMultisig(
    vm: Machine,
    publicKeys: readonly Uint8Array[],
    message: Uint8Array,
    signatures: readonly Uint8Array[],
  ): Uint8Array;
}

/** Shared by a run and the predicates it spawns. */
export type Execution = {
  readonly context: VmContext;
  /** The program of the whole run (what OP_PROGRAM pushes, also inside predicates). */
  readonly code: Uint8Array;
  readonly ops: OpTable;
  readonly signatures: SignatureChecker;
  /** Present in deferred mode only: tracks the values that depend on deferred signature checks. */
  readonly deferral: SignatureDeferral | undefined;
};

export class Machine {
  readonly execution: Execution;
  readonly program: Uint8Array;
  /** Expansion opcodes fail instead of being NOPs (top level of a version-1 transaction only). */
  readonly expansionReserved: boolean;
  pc = 0;
  nextPC = 0;
  runLimit: number;
  deferredCost = 0;
  /** Data of the instruction being executed. */
  data: Uint8Array = FALSE_BYTES;
  dataStack: Uint8Array[];
  altStack: Uint8Array[] = [];
  /** Deferred mode: this machine created, received or consumed a value that depends on a deferred check. */
  touchedDeferred = false;
  /** Deferred mode: indices of the signature sets whose assumed results this machine consumed. */
  consumedSets: number[] = [];

  constructor(
    execution: Execution,
    program: Uint8Array,
    runLimit: number,
    dataStack: Uint8Array[] = [],
    expansionReserved = false,
  ) {
    this.execution = execution;
    this.program = program;
    this.runLimit = runLimit;
    this.dataStack = dataStack;
    this.expansionReserved = expansionReserved;
  }

  run(): void {
    for (this.pc = 0; this.pc < this.program.length; ) this.step();
  }

  step(): void {
    const inst = parseInstruction(this.program, this.pc);
    this.nextPC = this.pc + inst.len;
    const handler = this.execution.ops[inst.op];
    if (handler === undefined) {
      if (this.expansionReserved) throw new VmError(VmErrorCode.DISALLOWED_OPCODE, `opcode 0x${inst.op.toString(16)}`);
      this.pc = this.nextPC;
      this.applyCost(1);
      return;
    }
    this.deferredCost = 0;
    this.data = inst.data;
    handler(this);
    this.applyCost(this.deferredCost);
    this.pc = this.nextPC;
  }

  /** Upstream `falseResult`: the stack is empty or its top item is false. */
  falseResult(): boolean {
    const top = this.dataStack.at(-1);
    return top === undefined || !vmBytesToBool(top);
  }

  /** A positive cost lowers the limit, a negative one raises it; exhausting it zeroes it, as upstream. */
  applyCost(n: number): void {
    if (n > this.runLimit) {
      this.runLimit = 0;
      throw new VmError(VmErrorCode.RUN_LIMIT_EXCEEDED, `run limit exceeded by cost ${n}`);
    }
    this.runLimit -= n;
  }

  deferCost(n: number): void {
    this.deferredCost += n;
  }

  push(data: Uint8Array, deferred: boolean): void {
    const cost = 8 + data.length;
    if (deferred) this.deferredCost += cost;
    else this.applyCost(cost);
    this.dataStack.push(data);
  }

  pushBool(b: boolean, deferred: boolean): void {
    this.push(boolToVmBytes(b), deferred);
  }

  pushInt64(n: bigint, deferred: boolean): void {
    this.push(int64ToVmBytes(n), deferred);
  }

  /** Pops an item whose content the opcode reads (so it must not be an assumed signature result). */
  pop(deferred: boolean): Uint8Array {
    const item = this.#take(deferred);
    this.execution.deferral?.inspect(item);
    return item;
  }

  popInt64(deferred: boolean): bigint {
    return vmBytesToInt64(this.pop(deferred));
  }

  /** Pops the operand of VERIFY, the one opcode through which an assumed signature result may flow. */
  popCondition(): Uint8Array {
    const item = this.#take(true);
    this.execution.deferral?.consume(this, item);
    return item;
  }

  /** The top item, for an opcode that reads it in place. */
  top(): Uint8Array {
    const item = this.dataStack.at(-1);
    if (item === undefined) throw stackUnderflow();
    this.execution.deferral?.inspect(item);
    return item;
  }

  /**
   * Runs `predicate` in a child machine on `items` with gas budget `limit` (already charged here)
   * and returns the value CHECKPREDICATE pushes. The child's remaining limit and stacks are refunded
   * (deferred, as upstream). A child failure is a false result, never an error of this machine.
   * Nesting costs at least 256 gas a level: about 780 levels at the consensus cap of 200,000 gas,
   * well within the JS stack (some 2,500 levels); deeper, the overflow surfaces as UNEXPECTED.
   */
  runPredicate(predicate: Uint8Array, items: Uint8Array[], limit: number): Uint8Array {
    const deferral = this.execution.deferral;
    // Upstream's child machine leaves `expansionReserved` unset: expansion opcodes are NOPs inside.
    const child = new Machine(this.execution, predicate, limit, items);
    deferral?.enterPredicate(child);
    let ok: boolean;
    try {
      child.run();
      ok = !child.falseResult();
    } catch (err) {
      if (!isPredicateFailure(err)) throw err;
      ok = false;
    }
    this.deferCost(-child.runLimit);
    this.deferCost(-stackCost(child.dataStack));
    this.deferCost(-stackCost(child.altStack));
    return deferral === undefined ? boolToVmBytes(ok) : deferral.predicateResult(this, child, ok);
  }

  #take(deferred: boolean): Uint8Array {
    const item = this.dataStack.pop();
    if (item === undefined) throw stackUnderflow();
    const cost = 8 + item.length;
    if (deferred) this.deferredCost -= cost;
    else this.runLimit += cost;
    return item;
  }
}

export function stackUnderflow(): VmError {
  return new VmError(VmErrorCode.STACK_UNDERFLOW, 'data stack underflow');
}

/** Upstream `stackCost`: 8 per item plus the items' lengths. */
export function stackCost(stack: readonly Uint8Array[]): number {
  let cost = 8 * stack.length;
  for (const item of stack) cost += item.length;
  return cost;
}

/** Errors a predicate turns into a false result: any error upstream would return (not a bug, not our signal). */
function isPredicateFailure(err: unknown): boolean {
  return err instanceof ProtocolError && err.code !== VmErrorCode.DEFERRAL_UNSOUND;
}
