// @bystack/cli: the bystack command line, its wallet and the devnet launcher. This file only re-exports.
export { CHAIN_NAMES, type ChainConfig, type ChainName, chainConfig, DEFAULT_CHAIN, isChainName } from './chains.ts';
export * from './devnet/index.ts';
export { DEFAULT_DATA_DIR, type Endpoints, resolveEndpoints } from './endpoints.ts';
export { CliError, CliErrorCode, ERROR_SENTENCES, explainError, isCliError } from './errors.ts';
export { COMMANDS, runCli } from './main.ts';
export { NodeClient, type TxStatusInfo } from './node-client.ts';
export { SideChainClient, type SideTip } from './side-chain-client.ts';
export * from './wallet/index.ts';
