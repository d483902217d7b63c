// The devnet launcher's public API. This file only re-exports.
export { findServerBinaries, INSTALL_HINT, type ServerBinaries, which } from './binaries.ts';
export { runDevnetCli } from './cli.ts';
export {
  type DevnetEndpoints,
  ENDPOINTS_FILE,
  endpointsPath,
  type NodeEndpoints,
  readEndpoints,
  type ServiceEndpoint,
  type SideChainEndpoints,
} from './endpoints-file.ts';
export {
  Devnet,
  type DevnetNode,
  type DevnetOptions,
  type DevnetServer,
  type DevnetSideChain,
  SERVICE_NAMES,
  type ServiceName,
  serviceEntry,
  startDevnet,
} from './launcher.ts';
export { DEVNET_NATS_MAX_PAYLOAD, type NatsNodeConfig, natsConfigText } from './nats-config.ts';
export { ServiceProcess, type ServiceProcessOptions } from './service-process.ts';
export {
  SIDE_CHAIN_NAMES,
  SIDE_CHAINS,
  SIDE_PRODUCERS,
  type SideChainName,
  type SideChainWiring,
  sideChainNamed,
  sideMempoolEnv,
  sideProducerEnv,
  sideValidatorEnv,
} from './side-chains.ts';
