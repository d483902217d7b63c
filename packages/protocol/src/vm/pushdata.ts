// Shortest push instruction for a byte string or an integer, following Bytom v1.1.1
// `protocol/vm/pushdata.go` (PushdataBytes, PushdataInt64).
import { Opcode } from './opcodes.ts';
import { int64ToVmBytes } from './values.ts';

export function pushdataBytes(data: Uint8Array): Uint8Array {
  const n = data.length;
  if (n === 0) return Uint8Array.of(Opcode.FALSE);
  let prefix: number[];
  if (n <= 75) prefix = [Opcode.DATA_1 + n - 1];
  else if (n < 0x100) prefix = [Opcode.PUSHDATA1, n];
  else if (n < 0x10000) prefix = [Opcode.PUSHDATA2, n & 0xff, n >>> 8];
  else prefix = [Opcode.PUSHDATA4, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
  const out = new Uint8Array(prefix.length + n);
  out.set(prefix);
  out.set(data, prefix.length);
  return out;
}

/** 0 is FALSE, 1..16 are one-byte opcodes, anything else (-1 included) pushes its int64 bytes. */
export function pushdataInt64(n: bigint): Uint8Array {
  if (n === 0n) return Uint8Array.of(Opcode.FALSE);
  if (n >= 1n && n <= 16n) return Uint8Array.of(Opcode.TRUE + Number(n) - 1);
  return pushdataBytes(int64ToVmBytes(n));
}
