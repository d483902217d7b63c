// Hex at the edges (flags, files, output); bytes everywhere else.
import { CliError, CliErrorCode } from './errors.ts';

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Bytes of a hex string (an optional 0x prefix allowed); `what` names it in the error. */
export function fromHex(text: string, what: string, length?: number): Uint8Array {
  const clean = text.startsWith('0x') ? text.slice(2) : text;
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new CliError(CliErrorCode.BAD_ARGUMENT, `${what} must be hex, got "${text}"`);
  }
  const bytes = new Uint8Array(Buffer.from(clean, 'hex'));
  if (length !== undefined && bytes.length !== length) {
    throw new CliError(CliErrorCode.BAD_ARGUMENT, `${what} must be ${length} bytes (${2 * length} hex digits)`);
  }
  return bytes;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
