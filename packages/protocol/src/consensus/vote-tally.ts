// The DPoS tally of a branch and the round it elects, computed from the blocks themselves (protocol
// `applyBlockVotes` from the genesis tally, `electProducers`, `roundRewardPayouts`), with the blocks
// read through a fetcher (a validator's store, or a producer's gRPC client of it). Results are
// cached per block id, so following the chain costs one block per block; a start on a long chain
// walks it once from genesis. The fetcher is the only I/O, and the caller's.
import type { SideChainParams } from '../config/devnet.ts';
import { sideBlockId } from '../sidechain/block-codec.ts';
import type { SideBlockHead } from '../sidechain/block-head.ts';
import type { SideBlock, SideBlockHeader } from '../sidechain/types.ts';
import { keyOf as toHex } from './checks.ts';
import { consensusBlockOf } from './consensus-block.ts';
import { consensusBlockOfHead } from './consensus-block-bytes.ts';
import {
  applyBlockVotes,
  type ConsensusBlock,
  type ConsensusResult,
  createGenesisConsensusResult,
} from './consensus-result.ts';
import { electProducers, type ProducerSet } from './election.ts';
import { ConsensusError, ConsensusErrorCode } from './errors.ts';
import { Lru } from './lru.ts';
import { type ProducerReward, roundRewardPayouts } from './rewards.ts';
import { electionHeightOf } from './rounds.ts';

/** The round a block belongs to, as the branch of its parent decides it. */
export type RoundInfo = {
  /** Height of the block that follows the parent. */
  readonly height: bigint;
  /** The producers of that block's round (by order: witness slot and turn). */
  readonly producers: ProducerSet;
  /** Timestamp (ms) of the block whose tally elected them: the producer schedule starts one interval later. */
  readonly electionTimestampMs: bigint;
  /** What that block's coinbase pays after its first output: the previous round's rewards (usually none). */
  readonly payouts: readonly ProducerReward[];
};

/**
 * Reads a block the tally does not hold: decoded, or read to its header only (`decodeSideBlockHead`:
 * the tally keeps headers, and a header read from a short copy does not keep the whole block alive).
 */
export type BlockFetcher = (id: Uint8Array, signal?: AbortSignal) => Promise<SideBlock | SideBlockHead | undefined>;

/** What the tally needs of a block, from a decoded block or from one read to its header only. */
function summaryOf(block: SideBlock | SideBlockHead, id: Uint8Array): ConsensusBlock {
  return 'body' in block ? consensusBlockOfHead(block, id) : consensusBlockOf(block, id);
}

export type VoteTallyOptions = {
  readonly params: SideChainParams;
  readonly genesis: SideBlock;
  /** Tallies, headers and rounds kept (each). Default 4096. */
  readonly cacheSize?: number;
};

function unknownBlock(blockId: Uint8Array): ConsensusError {
  return new ConsensusError(ConsensusErrorCode.UnknownBlock, `no block ${toHex(blockId)} to tally`, {
    blockId: toHex(blockId),
  });
}

type Header = Pick<SideBlockHeader, 'height' | 'previousBlockId' | 'timestamp'>;

export class VoteTally {
  readonly #params: SideChainParams;
  readonly #fetch: BlockFetcher;
  readonly #genesisKey: string;
  readonly #genesisResult: ConsensusResult;
  readonly #results: Lru<string, ConsensusResult>;
  readonly #headers: Lru<string, Header>;
  readonly #rounds: Lru<string, RoundInfo>;
  /** The election block of the round of the block after a block (by that block's id). */
  readonly #elections: Lru<string, { readonly id: Uint8Array; readonly header: Header }>;
  /** What the tally needs of blocks the caller already decoded (saves fetching them again). */
  readonly #noted: Lru<string, ConsensusBlock>;

  constructor(opts: VoteTallyOptions, fetch: BlockFetcher) {
    this.#params = opts.params;
    this.#fetch = fetch;
    const genesisId = sideBlockId(opts.genesis.header);
    this.#genesisKey = toHex(genesisId);
    this.#genesisResult = createGenesisConsensusResult(genesisId);
    const size = opts.cacheSize ?? 4096;
    this.#results = new Lru(size);
    this.#headers = new Lru(size);
    this.#rounds = new Lru(size);
    this.#elections = new Lru(size);
    this.#noted = new Lru(size);
    this.#headers.set(this.#genesisKey, opts.genesis.header);
  }

  /**
   * Remembers a block the caller already holds and the validator accepted (saves fetching it): a
   * decoded block, or one read only to its header (its transactions' bytes are read for the tally).
   */
  noteBlock(block: SideBlock | SideBlockHead, id: Uint8Array = sideBlockId(block.header)): void {
    const key = toHex(id);
    this.#headers.set(key, block.header);
    if (this.#results.has(key)) return;
    this.#noted.set(key, summaryOf(block, id));
  }

  async #header(id: Uint8Array, signal?: AbortSignal): Promise<Header> {
    const key = toHex(id);
    const cached = this.#headers.get(key);
    if (cached !== undefined) return cached;
    const block = await this.#fetch(id, signal);
    if (block === undefined) throw unknownBlock(id);
    this.#headers.set(key, block.header);
    return block.header;
  }

  /** The tally after block `blockId` on its own branch. */
  async resultAfter(blockId: Uint8Array, signal?: AbortSignal): Promise<ConsensusResult> {
    const pending: ConsensusBlock[] = [];
    let id = blockId;
    let result: ConsensusResult | undefined;
    for (;;) {
      const key = toHex(id);
      result = key === this.#genesisKey ? this.#genesisResult : this.#results.get(key);
      if (result !== undefined) break;
      let summary = this.#noted.get(key);
      if (summary === undefined) {
        const block = await this.#fetch(id, signal);
        if (block === undefined) throw unknownBlock(id);
        this.#headers.set(key, block.header);
        summary = summaryOf(block, id);
      }
      pending.push(summary);
      id = summary.previousBlockId;
    }
    for (let i = pending.length - 1; i >= 0; i--) {
      const block = pending[i]!;
      result = applyBlockVotes(result, block, this.#params.consensus);
      const key = toHex(block.blockId);
      this.#results.set(key, result);
      this.#noted.delete(key);
    }
    return result;
  }

  /** The round of the block that would follow `parentId`: producers, schedule start and coinbase payouts. */
  async roundAfter(parentId: Uint8Array, signal?: AbortSignal): Promise<RoundInfo> {
    const parentKey = toHex(parentId);
    const cached = this.#rounds.get(parentKey);
    if (cached !== undefined) return cached;
    const parent = await this.#header(parentId, signal);
    const height = parent.height + 1n;
    const { id: electionId, header: election } = await this.#electionFor(parentId, parent, height, signal);
    const tally = await this.resultAfter(electionId, signal);
    const round: RoundInfo = {
      height,
      producers: electProducers(tally, this.#params.consensus),
      electionTimestampMs: election.timestamp,
      payouts: election.height === parent.height ? roundRewardPayouts(tally, this.#params.consensus) : [],
    };
    this.#rounds.set(parentKey, round);
    return round;
  }

  /**
   * The election block of the round of block `height` (the child of `parentId`): the parent's own
   * round's election when both rounds elect at the same height (remembered per block, so a chain of
   * new blocks costs one lookup each), else found walking back from the parent.
   */
  async #electionFor(parentId: Uint8Array, parent: Header, height: bigint, signal?: AbortSignal) {
    const electionHeight = electionHeightOf(this.#params.consensus, height);
    const parentKey = toHex(parentId);
    let found = this.#elections.get(toHex(parent.previousBlockId));
    if (found === undefined || found.header.height !== electionHeight) {
      let id = parentId;
      let header = parent;
      while (header.height > electionHeight) {
        id = header.previousBlockId;
        header = await this.#header(id, signal);
      }
      found = { id, header };
    }
    this.#elections.set(parentKey, found);
    return found;
  }
}
