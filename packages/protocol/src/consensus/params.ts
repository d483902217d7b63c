// Side-chain DPoS/BBFT parameters: Vapor's `consensus/general.go` DPOSConfig and ProducerSubsidys, as
// plain data that the caller fills from the chain config. Validated once by `createSideChainConsensusParams`.
import { assertAmount, assertHeight, assertProducerKey, keyOf } from './checks.ts';
import { ConsensusError, ConsensusErrorCode } from './errors.ts';

/** Block subsidy for the heights `beginHeight..endHeight` inclusive (Vapor `ProducerSubsidy`). */
export interface ProducerSubsidy {
  readonly beginHeight: bigint;
  readonly endHeight: bigint;
  readonly subsidy: bigint;
}

export interface SideChainConsensusParams {
  /** N, the most producers elected per round (Vapor `NumOfConsensusNode`, 10). */
  readonly producerCount: number;
  /** Blocks per vote round (Vapor `RoundVoteBlockNums`, 1200). */
  readonly roundLength: bigint;
  /** Consecutive blocks each producer makes per turn (Vapor `BlockNumEachNode`, 12). */
  readonly blocksPerProducerTurn: number;
  /** Milliseconds per block slot (Vapor `BlockTimeInterval`, 500). */
  readonly blockIntervalMs: bigint;
  /** Least stake a candidate needs to be elected (Vapor `MinConsensusNodeVoteNum`, 1e14 neu). */
  readonly minProducerStake: bigint;
  /** Least amount of one vote output (Vapor `MinVoteOutputAmount`, 1e8 neu). */
  readonly minVoteOutputAmount: bigint;
  /** Subsidy schedule, ascending and non-overlapping; heights outside every range get 0. */
  readonly producerSubsidies: readonly ProducerSubsidy[];
  /**
   * Producers of a round in which no candidate qualifies, in this order (their witness slots). Vapor
   * derives them from the federation xpubs along `fedConsensusPath`; the caller passes the derived keys.
   */
  readonly federationProducerKeys: readonly Uint8Array[];
}

const validated = new WeakSet<SideChainConsensusParams>();

function invalid(message: string, detail?: Record<string, unknown>): ConsensusError {
  return new ConsensusError(ConsensusErrorCode.InvalidParams, message, detail);
}

function positiveCount(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalid(`${what} must be a positive safe integer`, { value });
  }
  return value;
}

function positiveUint64(value: unknown, what: string): bigint {
  if (typeof value !== 'bigint' || value < 1n) throw invalid(`${what} must be a positive bigint`, { value });
  return assertHeight(value, what);
}

function checkSubsidies(list: unknown): ProducerSubsidy[] {
  if (!Array.isArray(list)) throw invalid('producerSubsidies must be an array');
  const out: ProducerSubsidy[] = [];
  for (const entry of list as unknown[]) {
    const e = entry as Partial<ProducerSubsidy> | null;
    if (typeof e !== 'object' || e === null) throw invalid('producerSubsidies entries must be objects');
    const beginHeight = assertHeight(e.beginHeight, 'subsidy beginHeight');
    const endHeight = assertHeight(e.endHeight, 'subsidy endHeight');
    const subsidy = assertAmount(e.subsidy, 'subsidy');
    if (endHeight < beginHeight) throw invalid('subsidy range ends before it begins', { beginHeight, endHeight });
    const prev = out.at(-1);
    if (prev !== undefined && beginHeight <= prev.endHeight) {
      throw invalid('subsidy ranges must be ascending and must not overlap', { beginHeight });
    }
    out.push(Object.freeze({ beginHeight, endHeight, subsidy }));
  }
  return out;
}

function checkFederationKeys(list: unknown): Uint8Array[] {
  if (!Array.isArray(list) || list.length === 0) {
    throw invalid('federationProducerKeys must be a non-empty array: they produce when no candidate qualifies');
  }
  const seen = new Set<string>();
  return (list as unknown[]).map((key, i) => {
    const copy = Uint8Array.from(assertProducerKey(key, `federation producer key ${i}`));
    const k = keyOf(copy);
    if (seen.has(k)) throw invalid('federation producer keys must be distinct', { index: i });
    seen.add(k);
    return copy;
  });
}

/** Validates `input` and returns a frozen copy; every consensus function accepts it without re-checking. */
export function createSideChainConsensusParams(input: SideChainConsensusParams): SideChainConsensusParams {
  if (typeof input !== 'object' || input === null) throw invalid('params must be an object');
  const params: SideChainConsensusParams = Object.freeze({
    producerCount: positiveCount(input.producerCount, 'producerCount'),
    roundLength: positiveUint64(input.roundLength, 'roundLength'),
    blocksPerProducerTurn: positiveCount(input.blocksPerProducerTurn, 'blocksPerProducerTurn'),
    blockIntervalMs: positiveUint64(input.blockIntervalMs, 'blockIntervalMs'),
    minProducerStake: assertAmount(input.minProducerStake, 'minProducerStake'),
    minVoteOutputAmount: assertAmount(input.minVoteOutputAmount, 'minVoteOutputAmount'),
    producerSubsidies: Object.freeze(checkSubsidies(input.producerSubsidies)),
    federationProducerKeys: Object.freeze(checkFederationKeys(input.federationProducerKeys)),
  });
  validated.add(params);
  return params;
}

/** Params made by `createSideChainConsensusParams` pass at once; any other object is validated (and copied). */
export function checkedParams(params: SideChainConsensusParams): SideChainConsensusParams {
  return validated.has(params) ? params : createSideChainConsensusParams(params);
}

/** Subsidy of the block at `height` (Vapor `consensus.BlockSubsidy`): the first range holding it, else 0. */
export function sideChainBlockSubsidy(params: SideChainConsensusParams, height: bigint): bigint {
  const p = checkedParams(params);
  assertHeight(height, 'height');
  for (const range of p.producerSubsidies) {
    if (height >= range.beginHeight && height <= range.endHeight) return range.subsidy;
  }
  return 0n;
}

/** A vote output must lock at least `minVoteOutputAmount` (Vapor `validation/tx.go`, ErrVoteOutputAmount). */
export function meetsMinVoteOutputAmount(params: SideChainConsensusParams, amount: bigint): boolean {
  return assertAmount(amount, 'vote amount') >= checkedParams(params).minVoteOutputAmount;
}
