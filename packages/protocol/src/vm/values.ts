// Stack values as the VM reads them, following Bytom v1.1.1 `protocol/vm/types.go`:
// a boolean is true iff any byte is non-zero; an integer is an int64 written little-endian in at
// most 8 bytes (two's complement), shortest form without trailing zero bytes, zero as no bytes.
import { VmError, VmErrorCode } from './errors.ts';

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/** Stack items are never mutated in place, so these two can be shared. */
export const FALSE_BYTES: Uint8Array = new Uint8Array(0);
export const TRUE_BYTES: Uint8Array = new Uint8Array([1]);

export function boolToVmBytes(b: boolean): Uint8Array {
  return b ? TRUE_BYTES : FALSE_BYTES;
}

export function vmBytesToBool(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return true;
  return false;
}

export function int64ToVmBytes(n: bigint): Uint8Array {
  if (n < INT64_MIN || n > INT64_MAX) throw new VmError(VmErrorCode.RANGE, `${n} is not an int64`);
  let u = BigInt.asUintN(64, n);
  const out: number[] = [];
  while (u !== 0n) {
    out.push(Number(u & 0xffn));
    u >>= 8n;
  }
  return Uint8Array.from(out);
}

export function vmBytesToInt64(bytes: Uint8Array): bigint {
  if (bytes.length > 8) throw new VmError(VmErrorCode.BAD_VALUE, `a ${bytes.length}-byte value is not an int64`);
  let lo = 0;
  let hi = 0;
  for (let i = Math.min(bytes.length, 4) - 1; i >= 0; i--) lo = lo * 256 + bytes[i]!;
  for (let i = bytes.length - 1; i >= 4; i--) hi = hi * 256 + bytes[i]!;
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
}
