// Hash and signature opcodes, following Bytom v1.1.1 `protocol/vm/crypto.go`. SHA256 is the real
// SHA-256; SHA3 is SHA3-256; HASH160 is RIPEMD-160 of the item itself (no inner SHA).
import { createHash } from 'node:crypto';
import { ripemd160 } from '../../hash/ripemd160.ts';
import { sha3 } from '../../hash/sha3.ts';
import { VmError, VmErrorCode } from '../errors.ts';
import type { Machine } from '../machine.ts';
import { PUBLIC_KEY_LENGTH } from '../signatures.ts';
import { FALSE_BYTES, INT64_MAX, TRUE_BYTES } from '../values.ts';

const SIGHASH_LENGTH = 32;

export function opSha256(vm: Machine): void {
  hashTop(vm, (x) => {
    const h = createHash('sha256').update(x).digest();
    return new Uint8Array(h.buffer, h.byteOffset, h.byteLength);
  });
}

export function opSha3(vm: Machine): void {
  hashTop(vm, sha3);
}

/** Costs max(64, length). */
function hashTop(vm: Machine, hash: (x: Uint8Array) => Uint8Array): void {
  const x = vm.pop(false);
  vm.applyCost(Math.max(64, x.length));
  vm.push(hash(x), false);
}

/** Costs 64 + length. */
export function opHash160(vm: Machine): void {
  const x = vm.pop(false);
  vm.applyCost(x.length + 64);
  vm.push(ripemd160(x), false);
}

/** [sig msg pubkey] -> bool. A malformed key gives false; a message that is not 32 bytes is an error. */
export function opCheckSig(vm: Machine): void {
  vm.applyCost(1024);
  const publicKey = vm.pop(true);
  const message = vm.pop(true);
  const signature = vm.pop(true);
  checkMessage(message);
  const ok =
    publicKey.length === PUBLIC_KEY_LENGTH
      ? vm.execution.signatures.checkSignature(vm, publicKey, message, signature)
      : FALSE_BYTES;
  vm.push(ok, true);
}

/** [sig_1..sig_M msg pub_1..pub_N M N] -> bool. Costs 1024 per key. */
export function opCheckMultiSig(vm: Machine): void {
  const numPubkeys = vm.popInt64(true);
  const pubCost = numPubkeys * 1024n;
  if (numPubkeys < 0n || pubCost > INT64_MAX) throw badValue('bad CHECKMULTISIG key count');
  vm.applyCost(Number(pubCost));
  const numSigs = vm.popInt64(true);
  if (numSigs < 0n || numSigs > numPubkeys || (numPubkeys > 0n && numSigs === 0n)) {
    throw badValue('bad CHECKMULTISIG signature count');
  }
  // Both lists come off the stack top first, which is also upstream's matching order.
  const publicKeys: Uint8Array[] = [];
  for (let i = 0n; i < numPubkeys; i++) publicKeys.push(vm.pop(true));
  const message = vm.pop(true);
  checkMessage(message);
  const signatures: Uint8Array[] = [];
  for (let i = 0n; i < numSigs; i++) signatures.push(vm.pop(true));
  let ok: Uint8Array;
  if (publicKeys.some((p) => p.length !== PUBLIC_KEY_LENGTH)) ok = FALSE_BYTES;
  else if (signatures.length === 0) ok = TRUE_BYTES;
  else ok = vm.execution.signatures.checkMultisig(vm, publicKeys, message, signatures);
  vm.push(ok, true);
}

export function opTxSigHash(vm: Machine): void {
  vm.applyCost(256);
  const txSigHash = vm.execution.context.txSigHash;
  if (txSigHash === undefined) throw new VmError(VmErrorCode.CONTEXT, 'no signature hash in the context');
  vm.push(txSigHash(), false);
}

function checkMessage(message: Uint8Array): void {
  if (message.length !== SIGHASH_LENGTH) throw badValue(`a ${message.length}-byte message cannot be signed`);
}

function badValue(message: string): VmError {
  return new VmError(VmErrorCode.BAD_VALUE, message);
}
