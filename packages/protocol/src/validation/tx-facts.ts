// One transaction as the shared validation rules see it, whichever chain it comes from: every
// input's value, program and spent output, every output's kind and value, and the chain's rule
// switches. The main chain (main-tx-facts.ts) and the side chain (side-tx-facts.ts) each map their
// transactions to this; check-tx.ts and connect.ts then run the same code for both.
import type { TxEntries } from '../chain/tx-graph.ts';
import type { VmProgram } from '../vm/verify.ts';
import type { GasRules } from './gas.ts';

/** Main chain: spend, issuance, coinbase. Side chain: spend, crossChain, coinbase, veto. */
export type InputKind = 'spend' | 'issuance' | 'coinbase' | 'crossChain' | 'veto';

export type InputFacts = {
  readonly kind: InputKind;
  /** The value this input puts into the mux. */
  readonly assetId: Uint8Array;
  readonly amount: bigint;
  /** The program the witness must satisfy; undefined for a coinbase. */
  readonly program: VmProgram | undefined;
  readonly args: readonly Uint8Array[];
  /** spend, veto: the output spent; crossChain: the main-chain output minted from. */
  readonly spentOutputId: Uint8Array | undefined;
  /** coinbase: its free data. */
  readonly arbitrary?: Uint8Array | undefined;
  /** veto: the candidate (xpub) whose vote it withdraws. */
  readonly vote?: Uint8Array | undefined;
  /** crossChain: the asset id its issuance program and definition compute. */
  readonly issuedAssetId?: Uint8Array | undefined;
};

/** `output` is a main-chain output or a side-chain intra-chain output; `crossChain` a peg-out. */
export type OutputKind = 'output' | 'retirement' | 'crossChain' | 'vote';

export type OutputFacts = {
  readonly kind: OutputKind;
  readonly assetId: Uint8Array;
  readonly amount: bigint;
  readonly controlProgram: Uint8Array;
  /** vote: the candidate (xpub) it stakes for. */
  readonly vote?: Uint8Array | undefined;
};

export type TxFacts = {
  readonly version: bigint;
  readonly timeRange: bigint;
  readonly inputs: readonly InputFacts[];
  readonly outputs: readonly OutputFacts[];
  readonly entries: TxEntries;
};

/** Where the two chains' transaction rules differ, as switches. */
export type TxRules = {
  readonly gas: GasRules;
  /** Vapor charges gas (storage) even when no native asset moves; Bytom only when it does. */
  readonly gasWithoutNativeAsset: boolean;
  /** Bytom's checkStandardTx: native spends and native outputs must use witness programs. */
  readonly standardNativePrograms: boolean;
  /** Side-chain opcode set and program expansion (Vapor's P2WMC). */
  readonly sideChainVm: boolean;
  readonly coinbaseArbitrarySizeLimit: number;
  /** Side chain: least amount of a vote output; undefined on the main chain (no votes). */
  readonly minVoteOutputAmount: bigint | undefined;
};

/** Where a transaction is checked: the block height, and its index in the block (undefined: a loose tx). */
export type TxPlacement = {
  readonly blockHeight: bigint;
  readonly txIndex: number | undefined;
};
