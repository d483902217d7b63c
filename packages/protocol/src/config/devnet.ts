// Devnet chain configs: a main chain with tiny difficulty and a side chain with N=4 producers and
// short rounds. Their keys come from fixed public seeds: anyone can sign for them, so they are for
// one-machine test networks only, never for value.
import type { Block } from '../chain/types.ts';
import { createSideChainConsensusParams, type SideChainConsensusParams } from '../consensus/params.ts';
import { sha3 } from '../hash/sha3.ts';
import { createRootXPrv, type XPrv, type XPub, xprvToXPub, xpubToPublicKey } from '../keys/chainkd.ts';
import { publicKeyToHash160, scriptToWitnessHash } from '../keys/program-hash.ts';
import type { SideBlock } from '../sidechain/types.ts';
import { createMultisigScript, createP2WPKHProgram, createP2WSHProgram } from '../vm/standard/programs.ts';
import { createMainGenesisBlock, createSideGenesisBlock } from './genesis.ts';
import { type MainChainParams, mainDevnetParams, type SideChainBasicParams, vaporBasicParams } from './params.ts';

/** A side chain's whole config: basic rules plus DPoS/BBFT parameters. */
export type SideChainParams = SideChainBasicParams & { readonly consensus: SideChainConsensusParams };

/** The main devnet's genesis difficulty, which is also its easiest (see mainDevnetParams). */
export const DEVNET_BITS: bigint = mainDevnetParams.maxTargetBits!;

/** Devnet key `name`/`index`: a chainkd root from the public seed SHA3("bystack-devnet/<name>/<index>"). */
export function devnetXPrv(name: string, index: number): XPrv {
  return createRootXPrv(sha3(new TextEncoder().encode(`bystack-devnet/${name}/${index}`)));
}

/** The P2WPKH program of a devnet key. */
export function devnetControlProgram(xpub: XPub): Uint8Array {
  return createP2WPKHProgram(publicKeyToHash160(xpubToPublicKey(xpub)));
}

/** Producer keys of the side devnet (they produce while no voted candidate qualifies). */
export const DEVNET_PRODUCER_COUNT = 4;
export function devnetProducerXPrv(index: number): XPrv {
  return devnetXPrv('producer', index);
}

const producerXPubs = Array.from({ length: DEVNET_PRODUCER_COUNT }, (_, i) => xprvToXPub(devnetProducerXPrv(i)));

/** Side devnet: 500 ms slots, 4 producers with turns of 4 blocks, 64-block vote rounds. */
export const sideDevnetParams: SideChainParams = {
  ...vaporBasicParams,
  chainId: 'side-1',
  network: 'dev',
  address: { bech32Hrp: 'sp' },
  coinbaseMaturity: 16,
  voteMaturity: 16,
  consensus: createSideChainConsensusParams({
    producerCount: DEVNET_PRODUCER_COUNT,
    roundLength: 64n,
    blocksPerProducerTurn: 4,
    blockIntervalMs: 500n,
    minProducerStake: 1_000n * 100_000_000n,
    minVoteOutputAmount: 100_000_000n,
    producerSubsidies: [{ beginHeight: 1n, endHeight: 1_000_000_000n, subsidy: 50_000_000n }],
    federationProducerKeys: producerXPubs,
  }),
};

/** A second devnet side chain, same rules, its own chain id (a node follows several). */
export const sideDevnet2Params: SideChainParams = { ...sideDevnetParams, chainId: 'side-2' };

/** The devnet federation's key: it signs the peg-ins (cross-chain inputs) of the side devnets. */
export function devnetFederationXPrv(): XPrv {
  return devnetXPrv('federation', 0);
}

/** The devnet federation's script: a 1-of-1 multisig of its key (a peg-in's witness carries it). */
export function devnetFederationScript(): Uint8Array {
  return createMultisigScript([xpubToPublicKey(xprvToXPub(devnetFederationXPrv()))], 1);
}

/** The witness program a side devnet's validators and mempools enforce on cross-chain inputs. */
export function devnetFederationProgram(): Uint8Array {
  return createP2WSHProgram(scriptToWitnessHash(devnetFederationScript()));
}

/** The devnet faucet key: the main devnet's genesis output pays it. */
export function devnetFaucetXPrv(): XPrv {
  return devnetXPrv('faucet', 0);
}

/** Genesis of the main devnet; deterministic, so every devnet node computes the same block. */
export function createMainDevnetGenesis(params: MainChainParams = mainDevnetParams): Block {
  return createMainGenesisBlock({
    controlProgram: devnetControlProgram(xprvToXPub(devnetFaucetXPrv())),
    amount: params.genesisSubsidy,
    timestamp: 1_767_225_600n, // 2026-01-01T00:00:00Z
    bits: DEVNET_BITS,
    arbitrary: new TextEncoder().encode('Bystack main devnet'),
  });
}

/** Genesis of a side devnet: a zero-value coinbase to the faucet (value arrives by peg-in). */
export function createSideDevnetGenesis(params: SideChainParams = sideDevnetParams): SideBlock {
  return createSideGenesisBlock({
    controlProgram: devnetControlProgram(xprvToXPub(devnetFaucetXPrv())),
    amount: 0n,
    timestampMs: 1_767_225_600_000n,
    arbitrary: new TextEncoder().encode(`Bystack side devnet ${params.chainId}`),
  });
}
