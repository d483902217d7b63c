// The chain configs by the names the services, the devnet launcher and the CLI take
// (BYSTACK_CHAIN, --chain): one list, so that a chain is added in one place.
import { type SideChainParams, sideDevnet2Params, sideDevnetParams } from './devnet.ts';
import { bytomMainnetParams, type MainChainParams, mainDevnetParams } from './params.ts';

/** Main chains: the devnet (seconds per block, faucet genesis) and Bytom's mainnet. */
export const MAIN_CHAIN_PARAMS = {
  'main-devnet': mainDevnetParams,
  'bytom-mainnet': bytomMainnetParams,
} as const satisfies Record<string, MainChainParams>;
export type MainChainConfigName = keyof typeof MAIN_CHAIN_PARAMS;

/** The devnet's side chains (chain ids side-1, side-2): the 4 devnet producers, 500 ms blocks. */
export const SIDE_CHAIN_PARAMS = {
  'side-devnet': sideDevnetParams,
  'side-devnet-2': sideDevnet2Params,
} as const satisfies Record<string, SideChainParams>;
export type SideChainConfigName = keyof typeof SIDE_CHAIN_PARAMS;

export type ChainConfigName = MainChainConfigName | SideChainConfigName;

export const MAIN_CHAIN_CONFIG_NAMES = Object.keys(MAIN_CHAIN_PARAMS) as [
  MainChainConfigName,
  ...MainChainConfigName[],
];
export const SIDE_CHAIN_CONFIG_NAMES = Object.keys(SIDE_CHAIN_PARAMS) as [
  SideChainConfigName,
  ...SideChainConfigName[],
];
export const CHAIN_CONFIG_NAMES = [...MAIN_CHAIN_CONFIG_NAMES, ...SIDE_CHAIN_CONFIG_NAMES] as [
  ChainConfigName,
  ...ChainConfigName[],
];

export function isMainChainConfigName(name: string): name is MainChainConfigName {
  return Object.hasOwn(MAIN_CHAIN_PARAMS, name);
}

export function isSideChainConfigName(name: string): name is SideChainConfigName {
  return Object.hasOwn(SIDE_CHAIN_PARAMS, name);
}
