// Main-chain block time rules, Bytom v1.1.1 `protocol/validation/block.go` (checkBlockTime) and
// `protocol/state/blockindex.go` (CalcPastMedianTime): a block's timestamp must exceed the median
// of its parent's and the parent's ancestors' timestamps (`medianTimeBlocks` of them, fewer near
// genesis), and be at most `maxTimeOffsetSeconds` ahead of the validator's clock.
import type { MainChainParams } from '../config/params.ts';
import { ValidationError, ValidationErrorCode } from './errors.ts';

/**
 * Upstream CalcPastMedianTime: the median (upper middle) of the first `params.medianTimeBlocks`
 * timestamps of `pastTimestamps` (the parent's first, then its ancestors'). `parentHeight` says how
 * many exist: at least min(medianTimeBlocks, parentHeight + 1) must be given.
 */
export function pastMedianTime(
  pastTimestamps: readonly bigint[],
  parentHeight: bigint,
  params: Pick<MainChainParams, 'medianTimeBlocks'>,
): bigint {
  const count = params.medianTimeBlocks;
  const needed = parentHeight + 1n < BigInt(count) ? Number(parentHeight + 1n) : count;
  if (pastTimestamps.length < needed || needed < 1) {
    throw new ValidationError(ValidationErrorCode.BAD_ARGUMENT, `${needed} past timestamps needed`, {
      given: pastTimestamps.length,
    });
  }
  const window = pastTimestamps.slice(0, count).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return window[window.length >> 1]!;
}

/** Upstream checkBlockTime, with the clock an input (`now`, seconds). */
export function checkBlockTime(
  timestamp: bigint,
  pastTimestamps: readonly bigint[],
  parentHeight: bigint,
  now: bigint,
  params: Pick<MainChainParams, 'medianTimeBlocks' | 'maxTimeOffsetSeconds'>,
): void {
  const latest = now + BigInt(params.maxTimeOffsetSeconds);
  if (timestamp > latest) {
    throw new ValidationError(ValidationErrorCode.TIMESTAMP_TOO_FAR_AHEAD, `timestamp ${timestamp} > ${latest}`, {
      timestamp,
      now,
    });
  }
  const median = pastMedianTime(pastTimestamps, parentHeight, params);
  if (timestamp <= median) {
    throw new ValidationError(ValidationErrorCode.BAD_TIMESTAMP, `timestamp ${timestamp} <= past median ${median}`, {
      timestamp,
      median,
    });
  }
}
