// Side-chain data model (Vapor `protocol/bc/types`): the main chain's conventions (chain/types.ts)
// with Vapor's inputs (cross-chain 0, spend 1, coinbase 2, veto 3), typed outputs (intra-chain 0,
// cross-chain 1, vote 2) and a block header with a millisecond timestamp and producer signatures.
// Spend and coinbase inputs are the main chain's types: same fields, same bytes.
import type { CoinbaseInput, InputSuffixes, SpendCommitment, SpendInput } from '../chain/types.ts';

/**
 * Input type 0: value pegged in from the main chain and minted here by the federation. The carried
 * output (its `sourceId`, asset, amount, position) names the main-chain output; the issuance
 * program and raw definition are those of the asset on the main chain.
 */
export type SideCrossChainInput = InputSuffixes &
  SpendCommitment & {
    readonly type: 'crossChain';
    readonly issuanceVmVersion: bigint;
    readonly assetDefinition: Uint8Array;
    readonly issuanceProgram: Uint8Array;
    readonly arguments: readonly Uint8Array[];
  };

/** Input type 3: spends a vote output, withdrawing its stake from the candidate `vote` (an xpub). */
export type SideVetoInput = InputSuffixes &
  SpendCommitment & {
    readonly type: 'veto';
    readonly vote: Uint8Array;
    readonly arguments: readonly Uint8Array[];
  };

export type SideTxInput = SideCrossChainInput | SpendInput | CoinbaseInput | SideVetoInput;

type SideOutputFields = {
  readonly assetId: Uint8Array;
  readonly amount: bigint;
  readonly controlProgram: Uint8Array;
  /** Unparsed tail of the outer output commitment string (after type byte, vote and inner commitment). */
  readonly commitmentSuffix?: Uint8Array | undefined;
  /** Unparsed tail of the inner output commitment string (after asset, amount, VM version, program). */
  readonly outputCommitmentSuffix?: Uint8Array | undefined;
  /** Content of the output witness string, always empty in practice; upstream reads and ignores it. */
  readonly witnessSuffix?: Uint8Array | undefined;
};

/** Output type 0: an ordinary output on the side chain. */
export type SideIntraChainOutput = SideOutputFields & { readonly type: 'intraChain' };
/** Output type 1: a peg-out request, burned here and paid by the federation on the main chain. */
export type SideCrossChainOutput = SideOutputFields & { readonly type: 'crossChain' };
/** Output type 2: stake for the block-producer candidate `vote` (a 64-byte xpub on Vapor). */
export type SideVoteOutput = SideOutputFields & { readonly type: 'vote'; readonly vote: Uint8Array };

export type SideTxOutput = SideIntraChainOutput | SideCrossChainOutput | SideVoteOutput;

export type SideTx = {
  readonly version: bigint;
  readonly timeRange: bigint;
  readonly inputs: readonly SideTxInput[];
  readonly outputs: readonly SideTxOutput[];
  /** Bytes of the transaction's serialization; set by the decoder, not part of any hash. */
  readonly serializedSize?: number | undefined;
};

export type SideBlockHeader = {
  readonly version: bigint;
  readonly height: bigint;
  readonly previousBlockId: Uint8Array;
  /** Milliseconds since the Unix epoch (bigint, as every uint64 field). */
  readonly timestamp: bigint;
  readonly transactionsMerkleRoot: Uint8Array;
  readonly transactionStatusHash: Uint8Array;
  /**
   * Producer signatures over the block id, one slot per producer of the round (empty when that
   * producer has not signed). Not covered by the block id, so signatures can be added later.
   */
  readonly witness: readonly Uint8Array[];
  /** Unparsed tail of the block commitment string (upstream drops it). */
  readonly commitmentSuffix?: Uint8Array | undefined;
  /** Unparsed tail of the block witness string (upstream drops it). */
  readonly witnessSuffix?: Uint8Array | undefined;
};

export type SideBlock = {
  readonly header: SideBlockHeader;
  readonly transactions: readonly SideTx[];
};
