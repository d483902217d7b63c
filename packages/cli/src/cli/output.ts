// What a command prints: human text on stdout by default, or one JSON document with --json (bytes
// as hex, bigints as decimal strings). Progress and errors go to stderr, so stdout stays parseable.
import { toHex } from '../hex.ts';

export type Output = {
  readonly json: boolean;
  /** A line of human output (dropped with --json). */
  line(text?: string): void;
  /** The command's result: printed as JSON with --json, else ignored (the lines said it). */
  result(value: unknown): void;
  /** A line on stderr (progress, notes). */
  note(text: string): void;
};

export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return toHex(value);
  return value;
}

export function createOutput(
  json: boolean,
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): Output {
  return {
    json,
    line(text = '') {
      if (!json) stdout.write(`${text}\n`);
    },
    result(value) {
      if (json) stdout.write(`${JSON.stringify(value, jsonReplacer)}\n`);
    },
    note(text) {
      stderr.write(`${text}\n`);
    },
  };
}
