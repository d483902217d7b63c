// Subjects name the chain: `bystack.<chain>.<kind>.<event>`. They are built only through these
// helpers, which check every token, so a chain id such as "side.1" or "main*" can never widen a
// subscription or address another chain's traffic.
import { NatsError, NatsErrorCode } from './errors.ts';

declare const subjectBrand: unique symbol;
declare const filterBrand: unique symbol;

/** A concrete, validated subject (no wildcards): what can be published to. */
export type Subject = string & { readonly [subjectBrand]: true };
/** A validated subscription filter: a Subject, or one with `*` tokens or a trailing `>`. */
export type SubjectFilter = string & { readonly [filterBrand]: true };

export const SUBJECT_ROOT = 'bystack';

/** Longest token accepted; chain ids, kinds and events are short names. */
export const MAX_SUBJECT_TOKEN_LENGTH = 64;

export type SubjectPart = 'chain' | 'kind' | 'event';

export type SubjectParts = { readonly chain: string; readonly kind: string; readonly event: string };

const TOKEN = /^[A-Za-z0-9_-]+$/;

/** Why `token` is not a valid subject token, or undefined when it is. */
export function subjectTokenProblem(token: string): string | undefined {
  if (typeof token !== 'string') return 'is not a string';
  if (token.length === 0) return 'is empty';
  if (token.length > MAX_SUBJECT_TOKEN_LENGTH) return `is longer than ${MAX_SUBJECT_TOKEN_LENGTH} characters`;
  if (token.includes('.')) return 'contains a dot';
  if (token.includes('*') || token.includes('>')) return 'contains a wildcard';
  if (/\s/.test(token)) return 'contains white space';
  if (!TOKEN.test(token)) return 'contains a character outside [A-Za-z0-9_-]';
  return undefined;
}

function checkToken(part: SubjectPart, token: string): void {
  const problem = subjectTokenProblem(token);
  if (problem) {
    throw new NatsError(NatsErrorCode.InvalidSubject, `subject ${part} ${JSON.stringify(token)} ${problem}`, {
      part,
      token,
      problem,
    });
  }
}

/** `bystack.<chain>.<kind>.<event>`, every token checked. */
export function subject(chain: string, kind: string, event: string): Subject {
  checkToken('chain', chain);
  checkToken('kind', kind);
  checkToken('event', event);
  return `${SUBJECT_ROOT}.${chain}.${kind}.${event}` as Subject;
}

/**
 * A subscription filter: each part is a token or `*` (any one token); `event` may also be `>`.
 * `subjectFilter('*', 'block', 'committed')` follows every chain's committed blocks.
 */
export function subjectFilter(chain: string, kind: string, event: string): SubjectFilter {
  if (chain !== '*') checkToken('chain', chain);
  if (kind !== '*') checkToken('kind', kind);
  if (event !== '*' && event !== '>') checkToken('event', event);
  return `${SUBJECT_ROOT}.${chain}.${kind}.${event}` as SubjectFilter;
}

/** Splits a concrete subject into its parts; throws NATS_INVALID_SUBJECT when it is not one. */
export function parseSubject(value: string): SubjectParts {
  const tokens = value.split('.');
  if (tokens.length !== 4 || tokens[0] !== SUBJECT_ROOT) {
    throw new NatsError(
      NatsErrorCode.InvalidSubject,
      `${JSON.stringify(value)} is not ${SUBJECT_ROOT}.<chain>.<kind>.<event>`,
      {
        subject: value,
      },
    );
  }
  const [, chain = '', kind = '', event = ''] = tokens;
  checkToken('chain', chain);
  checkToken('kind', kind);
  checkToken('event', event);
  return { chain, kind, event };
}

export function isSubject(value: unknown): value is Subject {
  if (typeof value !== 'string') return false;
  const tokens = value.split('.');
  return tokens.length === 4 && tokens[0] === SUBJECT_ROOT && tokens.slice(1).every((t) => !subjectTokenProblem(t));
}
