// Shared test helpers: a bare machine for opcode-level vectors (upstream tests build
// `virtualMachine` structs directly), hex conversion, and Ed25519 from @noble/curves.
import assert from 'node:assert/strict';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { VmContext } from '../../src/vm/context.ts';
import { createStrictChecker, SignatureDeferral } from '../../src/vm/deferral.ts';
import { isVmError, type VmErrorCode } from '../../src/vm/errors.ts';
import { Machine } from '../../src/vm/machine.ts';
import { MAIN_CHAIN_OPS, SIDE_CHAIN_OPS } from '../../src/vm/ops/table.ts';
import type { VerifySignatureFn } from '../../src/vm/signatures.ts';
import { int64ToVmBytes } from '../../src/vm/values.ts';

export const nobleVerify: VerifySignatureFn = (publicKey, message, signature) =>
  ed25519.verify(signature, message, publicKey);

export function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

export function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

export function i64(n: bigint | number): Uint8Array {
  return int64ToVmBytes(BigInt(n));
}

export function ascii(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

export type MachineSetup = {
  runLimit?: number;
  dataStack?: Uint8Array[];
  altStack?: Uint8Array[];
  program?: Uint8Array;
  data?: Uint8Array;
  pc?: number;
  nextPC?: number;
  context?: VmContext;
  expansionReserved?: boolean;
  deferred?: boolean;
};

/** A machine as upstream tests build one: strict Ed25519 (noble) unless `deferred`. */
export function makeMachine(setup: MachineSetup = {}): Machine {
  const context = setup.context ?? {};
  const deferral = setup.deferred ? new SignatureDeferral() : undefined;
  const program = setup.program ?? new Uint8Array(0);
  const vm = new Machine(
    {
      context,
      code: program,
      ops: context.sideChain ? SIDE_CHAIN_OPS : MAIN_CHAIN_OPS,
      signatures: deferral ?? createStrictChecker(nobleVerify),
      deferral,
    },
    program,
    setup.runLimit ?? 0,
    [...(setup.dataStack ?? [])],
    setup.expansionReserved ?? false,
  );
  vm.altStack = [...(setup.altStack ?? [])];
  vm.data = setup.data ?? vm.data;
  vm.pc = setup.pc ?? 0;
  vm.nextPC = setup.nextPC ?? 0;
  return vm;
}

export type MachineState = {
  runLimit: number;
  deferredCost?: number;
  dataStack?: Uint8Array[];
  altStack?: Uint8Array[];
  pc?: number;
  nextPC?: number;
};

/** Compares the fields upstream's `wantVM` sets (absent ones are zero / empty). */
export function assertState(vm: Machine, want: MachineState, label = ''): void {
  assert.deepEqual(
    {
      runLimit: vm.runLimit,
      deferredCost: vm.deferredCost,
      dataStack: vm.dataStack.map(toHex),
      altStack: vm.altStack.map(toHex),
      ...(want.pc === undefined ? {} : { pc: vm.pc }),
      ...(want.nextPC === undefined ? {} : { nextPC: vm.nextPC }),
    },
    {
      runLimit: want.runLimit,
      deferredCost: want.deferredCost ?? 0,
      dataStack: (want.dataStack ?? []).map(toHex),
      altStack: (want.altStack ?? []).map(toHex),
      ...(want.pc === undefined ? {} : { pc: want.pc }),
      ...(want.nextPC === undefined ? {} : { nextPC: want.nextPC }),
    },
    label,
  );
}

/** Runs `fn`; returns the VmError code it threw, or undefined. */
export function errorCode(fn: () => unknown): VmErrorCode | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (isVmError(err)) return err.code;
    throw err;
  }
}

export type OpCase = {
  op: number;
  start: MachineSetup;
  wantErr?: VmErrorCode;
  want?: MachineState;
};

/** Upstream's table-driven opcode tests: run one handler on a prepared machine. */
export function runOpCases(cases: readonly OpCase[]): void {
  cases.forEach((c, i) => {
    const vm = makeMachine(c.start);
    const handler = vm.execution.ops[c.op];
    assert.ok(handler, `case ${i}: opcode 0x${c.op.toString(16)} has a handler`);
    const label = `case ${i} (op 0x${c.op.toString(16)})`;
    assert.equal(
      errorCode(() => handler(vm)),
      c.wantErr,
      label,
    );
    if (c.wantErr === undefined) assertState(vm, c.want!, label);
  });
}
