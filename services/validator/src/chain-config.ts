// The chain configs a validator can follow, by name (BYSTACK_CHAIN): main chains (proof of work) and
// side chains (DPoS + BBFT), each with its own chain id, parameters, producers and genesis.
import {
  type Block,
  blockId,
  CHAIN_CONFIG_NAMES,
  type ChainConfigName,
  createMainDevnetGenesis,
  createSideDevnetGenesis,
  decodeBlock,
  devnetFederationProgram,
  MAIN_CHAIN_PARAMS,
  MAINNET_GENESIS_BLOCK_BYTES,
  MAINNET_GENESIS_BLOCK_ID,
  type MainChainParams,
  SIDE_CHAIN_PARAMS,
  type SideBlock,
  type SideChainConfigName,
  type SideChainParams,
} from '@bystack/protocol';
import { hex, sameBytes } from './bytes.ts';

export { CHAIN_CONFIG_NAMES, type ChainConfigName };

export type MainChainConfig = {
  readonly kind: 'main';
  readonly name: ChainConfigName;
  readonly params: MainChainParams;
  readonly genesis: Block;
};

export type SideChainConfig = {
  readonly kind: 'side';
  readonly name: ChainConfigName;
  readonly params: SideChainParams;
  readonly genesis: SideBlock;
  /** The federation's witness program, which peg-ins (cross-chain inputs) must satisfy. */
  readonly federationProgram: Uint8Array;
};

export type ChainConfig = MainChainConfig | SideChainConfig;

function sideDevnet(name: SideChainConfigName, params: SideChainParams): SideChainConfig {
  return {
    kind: 'side',
    name,
    params,
    genesis: createSideDevnetGenesis(params),
    federationProgram: devnetFederationProgram(),
  };
}

/** The chain config of `name`; the mainnet genesis is checked against Bytom's published id. */
export function chainConfig(name: ChainConfigName): ChainConfig {
  switch (name) {
    case 'main-devnet':
      return {
        kind: 'main',
        name,
        params: MAIN_CHAIN_PARAMS[name],
        genesis: createMainDevnetGenesis(MAIN_CHAIN_PARAMS[name]),
      };
    case 'bytom-mainnet': {
      const genesis = decodeBlock(MAINNET_GENESIS_BLOCK_BYTES);
      const id = blockId(genesis.header);
      if (!sameBytes(id, MAINNET_GENESIS_BLOCK_ID)) {
        throw new Error(`mainnet genesis decodes to ${hex(id)}, not Bytom's id`);
      }
      return { kind: 'main', name, params: MAIN_CHAIN_PARAMS[name], genesis };
    }
    default:
      return sideDevnet(name, SIDE_CHAIN_PARAMS[name]);
  }
}
