// Where the CLI sends its calls. Each address comes from a flag, else an environment variable (the
// same names the services use), else the endpoints file of a running devnet
// (`<data-dir>/endpoints.json`, data dir from --data-dir, BYSTACK_DEVNET_DIR or ./.data/devnet).
import path from 'node:path';
import { type ChainConfig, chainConfig, DEFAULT_CHAIN } from './chains.ts';
import { type DevnetEndpoints, endpointsPath, readEndpoints } from './devnet/endpoints-file.ts';
import { SIDE_CHAINS, type SideChainName } from './devnet/side-chains.ts';
import { CliError, CliErrorCode } from './errors.ts';

export const DEFAULT_DATA_DIR = path.join('.data', 'devnet');

export type EndpointFlags = {
  readonly validator?: string | undefined;
  readonly mempool?: string | undefined;
  readonly chain?: string | undefined;
  readonly dataDir?: string | undefined;
  /** Which devnet node (index) to talk to; default 0. */
  readonly node?: string | undefined;
};

export type Endpoints = {
  readonly chain: ChainConfig;
  readonly validator: string;
  readonly mempool: string;
  /** The devnet's file, when one was read. */
  readonly devnet: DevnetEndpoints | undefined;
};

export function devnetDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(flag ?? env.BYSTACK_DEVNET_DIR ?? DEFAULT_DATA_DIR);
}

export function resolveEndpoints(flags: EndpointFlags, env: NodeJS.ProcessEnv = process.env): Endpoints {
  const dataDir = devnetDataDir(flags.dataDir, env);
  const devnet = lazyDevnet(dataDir, flags);
  // The chain first: a chain the CLI cannot serve is the error to tell, whatever the addresses.
  const chain = chainConfig(flags.chain ?? env.BYSTACK_CHAIN ?? devnet.file()?.chain ?? DEFAULT_CHAIN);
  const validator = flags.validator ?? env.BYSTACK_VALIDATOR_ADDR ?? devnet.node('validator').validator.grpc;
  const mempool = flags.mempool ?? env.BYSTACK_MEMPOOL_ADDR ?? devnet.node('mempool').mempool.grpc;
  return { chain, validator, mempool, devnet: devnet.file() };
}

/** Where a side chain's calls go: --validator, else the side chain's validator in the devnet's endpoints file. */
export type SideChainEndpoints = {
  readonly chain: SideChainName;
  readonly chainId: string;
  readonly validator: string;
};

export function resolveSideChainEndpoints(
  chain: SideChainName,
  flags: EndpointFlags,
  env: NodeJS.ProcessEnv = process.env,
): SideChainEndpoints {
  const { chainId } = SIDE_CHAINS[chain];
  const devnet = lazyDevnet(devnetDataDir(flags.dataDir, env), flags);
  // BYSTACK_VALIDATOR_ADDR names the main chain's validator: only the flag overrides the file here.
  const validator =
    flags.validator ??
    (() => {
      const node = devnet.node('validator');
      const side = node.sideChains?.find((s) => s.chainId === chainId);
      if (side === undefined) {
        throw new CliError(
          CliErrorCode.NO_ENDPOINTS,
          `devnet node ${node.id} runs no side chain ${chainId}`,
          'Side chains run on node 0 of a devnet started with --side-chains 1 or 2 (the default); or pass --validator host:port.',
        );
      }
      return side.validator.grpc;
    })();
  return { chain, chainId, validator };
}

/** The devnet's endpoints file, read once when first needed, and its node that --node names. */
function lazyDevnet(dataDir: string, flags: EndpointFlags) {
  let devnet: DevnetEndpoints | undefined;
  let read = false;
  const file = () => {
    if (!read) devnet = readEndpoints(dataDir);
    read = true;
    return devnet;
  };
  const node = (what: string): DevnetEndpoints['nodes'][number] => {
    const endpoints = file();
    if (endpoints === undefined) {
      throw new CliError(
        CliErrorCode.NO_ENDPOINTS,
        `no ${what} address: no --${what} flag, no BYSTACK_${what.toUpperCase()}_ADDR, and no running devnet (${endpointsPath(dataDir)} is missing)`,
        'Start a devnet with `npm start` (or `npx bystack devnet`), or pass the address with --' + what + ' host:port.',
      );
    }
    const index = Number(flags.node ?? '0');
    const found = endpoints.nodes[index];
    if (!Number.isInteger(index) || found === undefined) {
      throw new CliError(
        CliErrorCode.BAD_ARGUMENT,
        `--node ${flags.node}: the devnet has ${endpoints.nodes.length} node(s)`,
      );
    }
    return found;
  };
  return { file, node };
}

/** The chain config alone (no service addresses needed): --chain, BYSTACK_CHAIN, the devnet's, else main-devnet. */
export function resolveChain(
  flags: Pick<EndpointFlags, 'chain' | 'dataDir'>,
  env: NodeJS.ProcessEnv = process.env,
): ChainConfig {
  const name =
    flags.chain ?? env.BYSTACK_CHAIN ?? readEndpoints(devnetDataDir(flags.dataDir, env))?.chain ?? DEFAULT_CHAIN;
  return chainConfig(name);
}
