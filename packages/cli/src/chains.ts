// The chain configs a devnet or a CLI call can name (BYSTACK_CHAIN / --chain), the same names the
// services take: the main devnet (seconds per block, faucet genesis) and Bytom's mainnet.
import {
  type Block,
  createMainDevnetGenesis,
  decodeBlock,
  isMainChainConfigName,
  MAIN_CHAIN_CONFIG_NAMES,
  MAIN_CHAIN_PARAMS,
  MAINNET_GENESIS_BLOCK_BYTES,
  type MainChainConfigName,
  type MainChainParams,
} from '@bystack/protocol';
import { sideChainNamed } from './devnet/side-chains.ts';
import { CliError, CliErrorCode } from './errors.ts';

export type ChainConfig = {
  /** The config's name, e.g. "main-devnet". */
  readonly name: ChainName;
  readonly params: MainChainParams;
  /** True for one-machine test networks, whose keys (faucet, miners) are public. */
  readonly devnet: boolean;
  genesis(): Block;
};

export const CHAIN_NAMES: readonly ChainName[] = MAIN_CHAIN_CONFIG_NAMES;
export type ChainName = MainChainConfigName;
export const DEFAULT_CHAIN: ChainName = 'main-devnet';

let devnetGenesis: Block | undefined;

const configs: Record<ChainName, ChainConfig> = {
  'main-devnet': {
    name: 'main-devnet',
    params: MAIN_CHAIN_PARAMS['main-devnet'],
    devnet: true,
    genesis: () => {
      devnetGenesis ??= createMainDevnetGenesis();
      return devnetGenesis;
    },
  },
  'bytom-mainnet': {
    name: 'bytom-mainnet',
    params: MAIN_CHAIN_PARAMS['bytom-mainnet'],
    devnet: false,
    genesis: () => decodeBlock(MAINNET_GENESIS_BLOCK_BYTES),
  },
};

export function isChainName(name: string): name is ChainName {
  return isMainChainConfigName(name);
}

export function chainConfig(name: string): ChainConfig {
  if (!isChainName(name)) {
    const side = sideChainNamed(name);
    if (side !== undefined) {
      throw new CliError(
        CliErrorCode.BAD_ARGUMENT,
        `${name} is a side chain (${side}): of the CLI's commands only \`bystack tip --chain ${name}\` reads side chains so far`,
      );
    }
    throw new CliError(CliErrorCode.BAD_ARGUMENT, `unknown chain "${name}" (known: ${CHAIN_NAMES.join(', ')})`);
  }
  return configs[name];
}
