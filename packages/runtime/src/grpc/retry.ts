// Retry policy of idempotent client calls: exponential backoff with jitter, bounded attempts.
import { status as Status } from '@grpc/grpc-js';
import type { RetryOptions } from './types.ts';

export type RetryPolicy = Required<RetryOptions>;

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  initialBackoffMs: 50,
  maxBackoffMs: 2_000,
  multiplier: 2,
  jitter: 0.2,
  retryOn: [Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED],
};

export function retryPolicy(opts: RetryOptions = {}): RetryPolicy {
  const p = { ...DEFAULT_RETRY, ...opts };
  if (!Number.isInteger(p.maxAttempts) || p.maxAttempts < 1) throw new RangeError('retry.maxAttempts must be >= 1');
  if (p.jitter < 0 || p.jitter > 1) throw new RangeError('retry.jitter must be within [0, 1]');
  return p;
}

/** Delay before retrying after failed attempt `attempt` (1-based): initial * multiplier^(attempt-1), capped, jittered. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.multiplier ** (attempt - 1));
  const factor = 1 - policy.jitter + 2 * policy.jitter * random();
  return Math.max(0, Math.round(Math.min(policy.maxBackoffMs, base * factor)));
}

/** Methods declared idempotent per service definition, so every client of it retries them. */
const declared = new WeakMap<object, Set<string>>();

/**
 * Declares methods of a service safe to repeat (reads, and writes keyed so a repeat is a no-op).
 * Clients created for `definition` afterwards retry only these (plus their own `idempotent` option).
 */
export function declareIdempotent<S extends object>(definition: S, methods: readonly (keyof S & string)[]): void {
  const set = declared.get(definition) ?? new Set<string>();
  for (const m of methods) set.add(m);
  declared.set(definition, set);
}

export function declaredIdempotent(definition: object): ReadonlySet<string> {
  return declared.get(definition) ?? new Set();
}
