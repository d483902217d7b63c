// Shared test data for the consensus tests: Vapor mainnet DPoS parameters and block builders.
import { hexToBytes } from '@noble/hashes/utils.js';
import {
  type ConsensusBlock,
  type ConsensusResult,
  type ConsensusTxVotes,
  createSideChainConsensusParams,
  type ProducerReward,
  type SideChainConsensusParams,
} from '../../src/consensus/index.ts';

export const hex = hexToBytes;
export const MAX_UINT64 = (1n << 64n) - 1n;

/** A 64-byte key filled with `byte` (federation fixtures; Vapor derives real ones with chainkd). */
export function fillKey(byte: number): Uint8Array {
  return new Uint8Array(64).fill(byte);
}

/** Vapor `consensus/general.go` MainNetParams DPOSConfig and ProducerSubsidys. */
export const vaporMainnet: SideChainConsensusParams = createSideChainConsensusParams({
  producerCount: 10,
  roundLength: 1200n,
  blocksPerProducerTurn: 12,
  blockIntervalMs: 500n,
  minProducerStake: 100_000_000_000_000n,
  minVoteOutputAmount: 100_000_000n,
  producerSubsidies: [
    { beginHeight: 1n, endHeight: 63_072_000n, subsidy: 9_512_938n },
    { beginHeight: 63_072_001n, endHeight: 126_144_000n, subsidy: 9_512_938n },
  ],
  federationProducerKeys: [fillKey(0xf1), fillKey(0xf2), fillKey(0xf3), fillKey(0xf4)],
});

/** Vapor mainnet subsidy per block (the same over all heights the tests use). */
export const SUBSIDY = 9_512_938n;
export const R = 1200n;

/** Go's `bc.Hash{V0: v}`: V0 is the first 8 bytes, big-endian. */
export function goHash(v0: number): Uint8Array {
  const out = new Uint8Array(32);
  new DataView(out.buffer).setBigUint64(0, BigInt(v0));
  return out;
}

/** A recognisable 32-byte id for synthetic blocks. */
export function idOf(tag: number): Uint8Array {
  return new Uint8Array(32).fill(tag & 0xff).map((b, i) => (i === 0 ? (tag >> 8) & 0xff : b));
}

export type BlockSpec = {
  height: bigint;
  previousBlockId: Uint8Array;
  blockId?: Uint8Array;
  transactions?: ConsensusTxVotes[];
  fees?: bigint;
  rewardProgram?: Uint8Array;
  rewardPayouts?: ProducerReward[];
};

export function makeBlock(spec: BlockSpec): ConsensusBlock {
  return {
    height: spec.height,
    previousBlockId: spec.previousBlockId,
    blockId: spec.blockId ?? idOf(Number(spec.height % 0xffffn)),
    transactions: spec.transactions ?? [],
    fees: spec.fees ?? 0n,
    rewardProgram: spec.rewardProgram ?? hex('51'),
    rewardPayouts: spec.rewardPayouts ?? [],
  };
}

export function vote(keyHex: string, amount: bigint): ConsensusTxVotes {
  return { vetoes: [], votes: [{ producerKey: hex(keyHex), amount }] };
}

export function veto(keyHex: string, amount: bigint): ConsensusTxVotes {
  return { vetoes: [{ producerKey: hex(keyHex), amount }], votes: [] };
}

export function makeResult(
  blockHeight: bigint,
  blockId: Uint8Array,
  stakes: Record<string, bigint> = {},
  rewards: Record<string, bigint> = {},
): ConsensusResult {
  return { blockHeight, blockId, stakes: new Map(Object.entries(stakes)), rewards: new Map(Object.entries(rewards)) };
}

/** Plain view of a tally for deepEqual: sorted entries and hex ids. */
export function view(r: ConsensusResult) {
  const sorted = (m: ReadonlyMap<string, bigint>) => [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return {
    blockHeight: r.blockHeight,
    blockId: Buffer.from(r.blockId).toString('hex'),
    stakes: sorted(r.stakes),
    rewards: sorted(r.rewards),
  };
}

export function payout(programHex: string, amount: bigint): ProducerReward {
  return { controlProgram: hex(programHex), amount };
}
