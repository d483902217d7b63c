// Where the CLI sends its calls. Each address comes from a flag, else an environment variable (the
// same names the services use), else the endpoints file of a running devnet
// (`<data-dir>/endpoints.json`, data dir from --data-dir, BYSTACK_DEVNET_DIR or ./.data/devnet).
import path from 'node:path';
import { type ChainConfig, chainConfig, DEFAULT_CHAIN } from './chains.ts';
import { type DevnetEndpoints, endpointsPath, readEndpoints } from './devnet/endpoints-file.ts';
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
  let devnet: DevnetEndpoints | undefined;
  const fromDevnet = (pick: (node: DevnetEndpoints['nodes'][number]) => string, what: string): string => {
    devnet ??= readEndpoints(dataDir);
    if (devnet === undefined) {
      throw new CliError(
        CliErrorCode.NO_ENDPOINTS,
        `no ${what} address: no --${what} flag, no BYSTACK_${what.toUpperCase()}_ADDR, and no running devnet (${endpointsPath(dataDir)} is missing)`,
        'Start a devnet with `npm start` (or `npx bystack devnet`), or pass the address with --' + what + ' host:port.',
      );
    }
    const index = Number(flags.node ?? '0');
    const node = devnet.nodes[index];
    if (!Number.isInteger(index) || node === undefined) {
      throw new CliError(
        CliErrorCode.BAD_ARGUMENT,
        `--node ${flags.node}: the devnet has ${devnet.nodes.length} node(s)`,
      );
    }
    return pick(node);
  };
  const validator = flags.validator ?? env.BYSTACK_VALIDATOR_ADDR ?? fromDevnet((n) => n.validator.grpc, 'validator');
  const mempool = flags.mempool ?? env.BYSTACK_MEMPOOL_ADDR ?? fromDevnet((n) => n.mempool.grpc, 'mempool');
  devnet ??= readEndpoints(dataDir);
  const chainName = flags.chain ?? env.BYSTACK_CHAIN ?? devnet?.chain ?? DEFAULT_CHAIN;
  return { chain: chainConfig(chainName), validator, mempool, devnet };
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
