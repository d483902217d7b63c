// Hex at the edges (flags, files, output); bytes everywhere else.
import { CliError, CliErrorCode } from './errors.ts';

export { bytesEqual as equalBytes, bytesToHex as toHex } from '@bystack/runtime';

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
