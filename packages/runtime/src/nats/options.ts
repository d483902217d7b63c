// Checks of bus options at the boundary: a bad value fails at start-up naming the setting, not later
// as a confusing client error.
import { NatsError, NatsErrorCode } from './errors.ts';
import { subjectTokenProblem } from './subject.ts';

export function invalidOption(setting: string, expected: string, got: unknown): NatsError {
  return new NatsError(NatsErrorCode.InvalidOption, `${setting} must be ${expected}, got ${String(got)}`, {
    setting,
    expected,
    got: String(got),
  });
}

/** An integer in [min, max]; `fallback` when undefined. */
export function intOption(
  setting: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidOption(setting, `an integer in [${min}, ${max}]`, value);
  }
  return value;
}

/** A JetStream stream, consumer or queue-group name: one subject token. */
export function nameOption(setting: string, value: string): string {
  const problem = subjectTokenProblem(value);
  if (problem) throw invalidOption(setting, 'a name of [A-Za-z0-9_-] (1 to 64 characters)', JSON.stringify(value));
  return value;
}
