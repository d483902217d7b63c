// Fork choice of the side chain (Vapor `protocol/block.go` processBlock and reorganizeChain,
// `protocol/bbft.go` updateBlockSignature). Ported as one pure comparison:
//  1. a branch holding a more recent irreversible block than ours wins, whatever its length (Vapor
//     reorganizes to it as soon as a fork block gathers more than 2/3 of the signatures);
//  2. otherwise a strictly longer branch wins, unless switching would detach a block at or below our last
//     irreversible block (Vapor refuses a reorganization whose lowest detached block is at or below it);
//  3. otherwise, including equal heights, we keep our branch (first seen wins).
import { assertHeight } from './checks.ts';
import { ConsensusError, ConsensusErrorCode } from './errors.ts';

export interface ForkChoiceTip {
  /** Height of the branch's tip. */
  readonly height: bigint;
  /** Height of the most recent irreversible block on the branch (0 for genesis). */
  readonly irreversibleHeight: bigint;
}

function checkTip(tip: ForkChoiceTip, what: string): void {
  if (typeof tip !== 'object' || tip === null) throw new ConsensusError(ConsensusErrorCode.InvalidInput, `${what}`);
  assertHeight(tip.height, `${what} height`);
  if (assertHeight(tip.irreversibleHeight, `${what} irreversible height`) > tip.height) {
    throw new ConsensusError(ConsensusErrorCode.InvalidHeight, `${what} irreversible block above its tip`);
  }
}

/**
 * Whether to leave `current` for `candidate`; `forkHeight` is the height of their last common block.
 */
export function shouldSwitchChain(current: ForkChoiceTip, candidate: ForkChoiceTip, forkHeight: bigint): boolean {
  checkTip(current, 'current branch');
  checkTip(candidate, 'candidate branch');
  if (assertHeight(forkHeight, 'fork height') > current.height || forkHeight > candidate.height) {
    throw new ConsensusError(ConsensusErrorCode.InvalidHeight, 'fork point above a tip', { forkHeight });
  }
  if (candidate.irreversibleHeight > current.irreversibleHeight) return true;
  return candidate.height > current.height && forkHeight >= current.irreversibleHeight;
}
