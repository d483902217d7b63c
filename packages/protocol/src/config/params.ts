// Chain parameters as plain data: every consensus number lives here, none in code.
// Main chain values follow Bytom v1.1.1 `consensus/general.go`; side chain values follow Vapor
// `consensus/general.go` (BasicConfig and DPOSConfig).
import { targetToBits } from '../pow/difficulty.ts';

/** Gas accounting (Bytom `consensus/general.go`, Vapor `BasicConfig`). */
export type GasParams = {
  /** Most gas all transactions of one block may use together. */
  readonly maxBlockGas: number;
  /** Most gas one transaction may use. */
  readonly maxTxGas: number;
  /** Gas granted to a transaction on credit before its fee pays for it. */
  readonly defaultGasCredit: number;
  /** Native-asset units (neu) one unit of VM gas costs. */
  readonly vmGasRate: number;
  /** Gas charged per serialized byte of a transaction. */
  readonly storageGasRate: number;
};

/** Bech32 human-readable parts of a network's addresses. */
export type AddressParams = { readonly bech32Hrp: string };

/** Main-chain (proof-of-work) parameters. */
export type MainChainParams = {
  readonly kind: 'main';
  /** The chain id services and subjects use, e.g. "main". */
  readonly chainId: string;
  /** Network name as Bytom names it (main, test, solo) or a devnet's name. */
  readonly network: string;
  readonly address: AddressParams;
  readonly gas: GasParams;
  /** Blocks a coinbase output waits before it may be spent. */
  readonly coinbaseMaturity: number;
  readonly coinbaseArbitrarySizeLimit: number;
  /** Subsidy of the genesis block (it carries the whole initial supply). */
  readonly genesisSubsidy: bigint;
  /** Subsidy of block 1, halved every `subsidyHalvingInterval` blocks. */
  readonly baseSubsidy: bigint;
  readonly subsidyHalvingInterval: number;
  readonly blocksPerRetarget: number;
  readonly targetSecondsPerBlock: number;
  /** The easiest difficulty a retarget may reach; unset on Bytom mainnet, which has no limit. */
  readonly maxTargetBits?: bigint | undefined;
  /** Every this many blocks Tensority's seed moves to a newer block id. */
  readonly seedPerRetarget: number;
  /** How far (seconds) a block's timestamp may run ahead of the local clock. */
  readonly maxTimeOffsetSeconds: number;
  /** A block's timestamp must exceed the median of this many previous blocks. */
  readonly medianTimeBlocks: number;
};

/** Side-chain (DPoS + BBFT) parameters that are not consensus-election data. */
export type SideChainBasicParams = {
  readonly kind: 'side';
  readonly chainId: string;
  readonly network: string;
  readonly address: AddressParams;
  readonly gas: GasParams;
  readonly coinbaseMaturity: number;
  /** Blocks a vote output waits before a veto may spend it. */
  readonly voteMaturity: number;
  readonly coinbaseArbitrarySizeLimit: number;
  readonly maxTimeOffsetMs: number;
};

const bytomGas: GasParams = {
  maxBlockGas: 10_000_000,
  maxTxGas: 200_000,
  defaultGasCredit: 30_000,
  vmGasRate: 200,
  storageGasRate: 1,
};

/** Bytom mainnet, bit-compatible with v1.1.1. */
export const bytomMainnetParams: MainChainParams = {
  kind: 'main',
  chainId: 'main',
  network: 'main',
  address: { bech32Hrp: 'bm' },
  gas: bytomGas,
  coinbaseMaturity: 100,
  coinbaseArbitrarySizeLimit: 128,
  genesisSubsidy: 140_700_041_250_000_000n,
  baseSubsidy: 41_250_000_000n,
  subsidyHalvingInterval: 840_000,
  blocksPerRetarget: 2016,
  targetSecondsPerBlock: 150,
  seedPerRetarget: 256,
  maxTimeOffsetSeconds: 3600,
  medianTimeBlocks: 11,
};

/**
 * A one-machine main chain: seconds per block, short retarget and seed periods, coinbase usable
 * after a few blocks. It starts at, and never retargets above, the easiest target there is: every
 * other Tensority hash meets it.
 */
export const mainDevnetParams: MainChainParams = {
  ...bytomMainnetParams,
  chainId: 'main',
  network: 'dev',
  address: { bech32Hrp: 'sm' },
  coinbaseMaturity: 5,
  blocksPerRetarget: 20,
  targetSecondsPerBlock: 2,
  maxTargetBits: targetToBits((1n << 255n) - 1n),
  seedPerRetarget: 32,
};

/** Vapor solonet's basic parameters, as a template for side chains. */
export const vaporBasicParams: SideChainBasicParams = {
  kind: 'side',
  chainId: 'side',
  network: 'main',
  address: { bech32Hrp: 'vp' },
  gas: { maxBlockGas: 10_000_000, maxTxGas: 640_000, defaultGasCredit: 160_000, vmGasRate: 200, storageGasRate: 1 },
  coinbaseMaturity: 7200,
  voteMaturity: 3_456_000,
  coinbaseArbitrarySizeLimit: 128,
  maxTimeOffsetMs: 2000,
};

/**
 * The coinbase subsidy of a main-chain block (Bytom `consensus.BlockSubsidy`): the genesis
 * subsidy at height 0, then the base subsidy halved every interval.
 */
export function blockSubsidy(params: MainChainParams, height: number): bigint {
  if (height === 0) return params.genesisSubsidy;
  const halvings = Math.floor(height / params.subsidyHalvingInterval);
  // Go's `>>` by 64 or more yields 0; BigInt shifts have no such limit, so the result agrees.
  return params.baseSubsidy >> BigInt(halvings);
}
