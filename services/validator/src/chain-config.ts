// The chain configs a validator can follow, by name (BYSTACK_CHAIN).
import {
  type Block,
  blockId,
  bytomMainnetParams,
  createMainDevnetGenesis,
  decodeBlock,
  MAINNET_GENESIS_BLOCK_BYTES,
  MAINNET_GENESIS_BLOCK_ID,
  type MainChainParams,
  mainDevnetParams,
} from '@bystack/protocol';
import { hex, sameBytes } from './bytes.ts';

export const CHAIN_CONFIG_NAMES = ['main-devnet', 'bytom-mainnet'] as const;
export type ChainConfigName = (typeof CHAIN_CONFIG_NAMES)[number];

export type ChainConfig = {
  readonly name: ChainConfigName;
  readonly params: MainChainParams;
  readonly genesis: Block;
};

/** The chain config of `name`; the mainnet genesis is checked against Bytom's published id. */
export function chainConfig(name: ChainConfigName): ChainConfig {
  switch (name) {
    case 'main-devnet':
      return { name, params: mainDevnetParams, genesis: createMainDevnetGenesis(mainDevnetParams) };
    case 'bytom-mainnet': {
      const genesis = decodeBlock(MAINNET_GENESIS_BLOCK_BYTES);
      const id = blockId(genesis.header);
      if (!sameBytes(id, MAINNET_GENESIS_BLOCK_ID)) {
        throw new Error(`mainnet genesis decodes to ${hex(id)}, not Bytom's id`);
      }
      return { name, params: bytomMainnetParams, genesis };
    }
  }
}
