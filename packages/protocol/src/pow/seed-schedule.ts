// Which seed Tensority uses at each height (Bytom v1.1.1 protocol/state/blockindex.go: a block's
// seed is its parent's CalcNextSeed; consensus/general.go: InitialSeed).
import { sha3 } from '../hash/sha3.ts';
import { assertHash32, PowError, PowErrorCode } from './errors.ts';

/** The seed schedule's parameter (a chain config, e.g. MainChainParams, has it). */
export type SeedScheduleParams = {
  /** Every this many blocks the seed moves to a newer block id (Bytom: 256). */
  readonly seedPerRetarget: number;
};

/** The seed of the first blocks: SHA3-256 of 32 zero bytes. */
export function initialTensoritySeed(): Uint8Array {
  return sha3(new Uint8Array(32));
}

/**
 * The height of the block whose id is the seed of the block at `height`, or undefined when that
 * block uses the initial seed. Block h > 0 takes its parent's next seed: the id of the latest block
 * at or below h - 1 whose height is a positive multiple of the period. So with a period of 256,
 * heights 0..256 use the initial seed, 257..512 the id of block 256, 513..768 that of block 512.
 */
export function seedBlockHeight(height: number, params: SeedScheduleParams): number | undefined {
  if (!Number.isSafeInteger(height) || height < 0) {
    throw new PowError(PowErrorCode.OutOfRange, 'height must be a non-negative safe integer', { height });
  }
  const period = params.seedPerRetarget;
  if (!Number.isSafeInteger(period) || period <= 0) {
    throw new PowError(PowErrorCode.OutOfRange, 'seedPerRetarget must be a positive safe integer', { period });
  }
  if (height === 0) return undefined;
  const seedHeight = Math.floor((height - 1) / period) * period;
  return seedHeight === 0 ? undefined : seedHeight;
}

/**
 * The Tensority seed of the block at `height`. `seedBlockId` is the id of the block at
 * seedBlockHeight(height), required when that is defined (the caller looks it up; this does not).
 */
export function seedForHeight(height: number, params: SeedScheduleParams, seedBlockId?: Uint8Array): Uint8Array {
  const seedHeight = seedBlockHeight(height, params);
  if (seedBlockId !== undefined) assertHash32(seedBlockId, 'seed block id');
  if (seedHeight === undefined) return initialTensoritySeed();
  if (seedBlockId === undefined) {
    throw new PowError(PowErrorCode.MissingSeedBlock, `the seed at height ${height} is the id of block ${seedHeight}`, {
      height,
      seedHeight,
    });
  }
  return new Uint8Array(seedBlockId);
}
