// Signature checks decided now (strict) or later (deferred), so that Ed25519 can be batched on a
// worker pool while programs run on the main thread.
//
// Deferred mode runs the program "optimistically": CHECKSIG and CHECKMULTISIG push a fresh `[1]`
// (an *assumed* value) and record the check as a `VmSignatureSet`. The caller must verify every
// returned set; the program is valid iff the run succeeded and all sets hold. Checks whose result
// is known without Ed25519 are not deferred: a signature that is not 64 bytes (or a multisig with
// one) makes the result false, as upstream.
//
// When is this exact? If every set holds, the optimistic run IS the strict run. If some set fails,
// the strict run must reject too. That holds when an assumed value is never looked at except where
// "false" means rejection, and nothing else depends on it. We therefore allow an assumed value to
//   - be moved or copied (SWAP, ROT, PICK, DUP, TOALTSTACK, passed to a predicate...): identity is kept;
//   - be popped by VERIFY (false would fail the program there), recorded in `consumedSets`;
//   - be the top item when the top-level program ends (false would be ErrFalseVMResult);
//   - be consumed (as above) inside a CHECKPREDICATE that succeeds: the predicate's result is then
//     itself assumed, depending on every set consumed inside it.
// Anything else makes the run DEFERRAL_UNSOUND (the caller then runs it strictly):
//   - any other opcode reads it (EQUAL, NOT, DROP, SIZE, JUMPIF, CHECKSIG as an operand, ...);
//   - it is still on a stack, other than as the final top item, when a program or predicate ends
//     (its truth would be ignored);
//   - a predicate that created, received or consumed one fails (its refund, hence the gas, would differ);
//   - gas depends on it: an assumed `[1]` occupies one byte more than a false `[]`, so while one is
//     live the limit differs by that much from a strict run where the check fails. A run-limit
//     failure, or a CHECKPREDICATE inheriting the whole remaining limit, while one is live, could
//     thus behave differently strictly.
// Standard programs (pay-to-public-key-hash, multisig, pay-to-script-hash of multisig, the side
// chain's magnetic-contract cancel clause) only ever consume signature results by final truthiness
// or VERIFY, so they always defer.
//
// CHECKMULTISIG: upstream walks keys in order and advances to the next signature whenever the
// current one verifies, so which key a signature belongs to depends on verification. With as many
// signatures as keys the pairing is forced (every pair must verify) and becomes `single` sets;
// otherwise the whole ordered match is one `orderedMultisig` set, verified later by the same walk.
import { VmError, VmErrorCode } from './errors.ts';
import type { Machine, SignatureChecker } from './machine.ts';
import {
  orderedMultisigMatches,
  SIGNATURE_LENGTH,
  type VerifySignatureFn,
  type VmSignatureSet,
  verifyEd25519,
} from './signatures.ts';
import { boolToVmBytes, FALSE_BYTES, TRUE_BYTES } from './values.ts';

export function createStrictChecker(verify: VerifySignatureFn): SignatureChecker {
  return {
    checkSignature: (_vm, publicKey, message, signature) =>
      boolToVmBytes(verifyEd25519(verify, publicKey, message, signature)),
    checkMultisig: (_vm, publicKeys, message, signatures) =>
      boolToVmBytes(orderedMultisigMatches(publicKeys, message, signatures, verify)),
  };
}

export class SignatureDeferral implements SignatureChecker {
  readonly sets: VmSignatureSet[] = [];
  /** Each assumed value (by identity) and the sets it depends on. */
  readonly #assumed = new Map<Uint8Array, readonly number[]>();

  checkSignature(vm: Machine, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Uint8Array {
    if (signature.length !== SIGNATURE_LENGTH) return FALSE_BYTES;
    return this.#assume(vm, [this.#record({ kind: 'single', publicKey, message, signature })]);
  }

  checkMultisig(
    vm: Machine,
    publicKeys: readonly Uint8Array[],
    message: Uint8Array,
    signatures: readonly Uint8Array[],
  ): Uint8Array {
    // A signature that can never verify is never matched, so the whole check fails.
    if (signatures.some((s) => s.length !== SIGNATURE_LENGTH)) return FALSE_BYTES;
    if (signatures.length < publicKeys.length) {
      return this.#assume(vm, [this.#record({ kind: 'orderedMultisig', publicKeys, message, signatures })]);
    }
    const deps = signatures.map((signature, i) =>
      this.#record({ kind: 'single', publicKey: publicKeys[i]!, message, signature }),
    );
    return this.#assume(vm, deps);
  }

  /** Called on every pop or in-place read other than VERIFY's. */
  inspect(item: Uint8Array): void {
    if (this.#assumed.size !== 0 && this.#assumed.has(item)) unsound('an assumed signature result is read');
  }

  /** VERIFY pops `item`: if assumed, its sets become conditions of `vm`'s success. */
  consume(vm: Machine, item: Uint8Array): void {
    const deps = this.#assumed.get(item);
    if (deps === undefined) return;
    vm.touchedDeferred = true;
    vm.consumedSets.push(...deps);
  }

  /** End of a successful top-level run: the final top item may be assumed, nothing else left may be. */
  finish(vm: Machine): void {
    this.#requireNoneLeft(vm, vm.dataStack.at(-1));
  }

  /** A failed run is rejected in both modes, unless running out of gas could be due to an assumed value. */
  checkFailure(vm: Machine, err: unknown): void {
    if (err instanceof VmError && err.code === VmErrorCode.RUN_LIMIT_EXCEEDED) {
      this.requireNoneLive(vm, 'the run limit ran out while an assumed signature result was held');
    }
  }

  requireNoneLive(vm: Machine, reason: string): void {
    if (this.#assumed.size === 0) return;
    for (const item of vm.dataStack) if (this.#assumed.has(item)) unsound(reason);
    for (const item of vm.altStack) if (this.#assumed.has(item)) unsound(reason);
  }

  enterPredicate(child: Machine): void {
    if (this.#assumed.size !== 0) child.touchedDeferred = child.dataStack.some((item) => this.#assumed.has(item));
  }

  /** The value CHECKPREDICATE pushes in `parent` once `child` ended (`ok`: success with a true top item). */
  predicateResult(parent: Machine, child: Machine, ok: boolean): Uint8Array {
    if (!ok) {
      if (child.touchedDeferred) unsound('a predicate that involved an assumed signature result failed');
      return FALSE_BYTES;
    }
    const top = child.dataStack.at(-1)!;
    this.#requireNoneLeft(child, top);
    this.consume(child, top);
    if (child.consumedSets.length === 0) return TRUE_BYTES;
    return this.#assume(parent, [...new Set(child.consumedSets)]);
  }

  #requireNoneLeft(vm: Machine, top: Uint8Array | undefined): void {
    if (this.#assumed.size === 0) return;
    const left = (item: Uint8Array) => item !== top && this.#assumed.has(item);
    if (vm.dataStack.some(left) || vm.altStack.some(left)) unsound('an assumed signature result is left unused');
  }

  #record(set: VmSignatureSet): number {
    return this.sets.push(set) - 1;
  }

  #assume(vm: Machine, deps: readonly number[]): Uint8Array {
    const value = Uint8Array.of(1);
    this.#assumed.set(value, deps);
    vm.touchedDeferred = true;
    return value;
  }
}

function unsound(reason: string): never {
  throw new VmError(VmErrorCode.DEFERRAL_UNSOUND, `${reason}; run this program in strict mode`);
}
