// The shape of a subcommand and what it receives: parsed flags, an output, and lazily built
// endpoints and node client (so `keys` works without any service running).
import type { ParseArgsConfig } from 'node:util';
import type { ChainConfig } from '../chains.ts';
import { type Endpoints, resolveChain, resolveEndpoints } from '../endpoints.ts';
import { NodeClient } from '../node-client.ts';
import type { Output } from './output.ts';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
export type FlagValues = Record<string, string | boolean | undefined>;

export type CommandContext = {
  readonly flags: FlagValues;
  readonly args: readonly string[];
  readonly out: Output;
  readonly env: NodeJS.ProcessEnv;
  endpoints(): Endpoints;
  /** The chain config, without needing any service address. */
  chain(): ChainConfig;
  client(): NodeClient;
  /** A string flag's value. */
  str(name: string): string | undefined;
  /** AbortSignal that fires on SIGINT/SIGTERM. */
  readonly signal: AbortSignal;
};

export type Command = {
  /** `tx status`, `keys create`, `tip`. */
  readonly name: string;
  readonly summary: string;
  /** Arguments after the name, e.g. `<address|key>`. */
  readonly usage: string;
  readonly options: OptionSpecs;
  run(ctx: CommandContext): Promise<number | undefined>;
};

/** Flags every command takes. */
export const GLOBAL_OPTIONS: OptionSpecs = {
  validator: { type: 'string' },
  mempool: { type: 'string' },
  chain: { type: 'string' },
  'data-dir': { type: 'string' },
  node: { type: 'string' },
  'keys-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export const GLOBAL_HELP = `Global flags:
  --validator HOST:PORT   validator gRPC address (env BYSTACK_VALIDATOR_ADDR; default: the devnet's)
  --mempool HOST:PORT     mempool gRPC address (env BYSTACK_MEMPOOL_ADDR; default: the devnet's)
  --chain NAME            main-devnet (default) or bytom-mainnet (env BYSTACK_CHAIN); for tip also a
                          devnet side chain: side-1 / side-2 (or side-devnet / side-devnet-2)
  --data-dir DIR          devnet data dir holding endpoints.json (env BYSTACK_DEVNET_DIR; default ./.data/devnet)
  --node N                which devnet node to talk to (default 0)
  --keys-dir DIR          where key files live (env BYSTACK_KEYS_DIR; default ~/.bystack/keys)
  --json                  print the result as one JSON document
  -h, --help              help`;

export function createContext(
  flags: FlagValues,
  args: readonly string[],
  out: Output,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): CommandContext & { close(): void } {
  let endpoints: Endpoints | undefined;
  let client: NodeClient | undefined;
  const str = (name: string) => {
    const v = flags[name];
    return typeof v === 'string' ? v : undefined;
  };
  return {
    flags,
    args,
    out,
    env,
    signal,
    str,
    endpoints() {
      endpoints ??= resolveEndpoints(
        {
          validator: str('validator'),
          mempool: str('mempool'),
          chain: str('chain'),
          dataDir: str('data-dir'),
          node: str('node'),
        },
        env,
      );
      return endpoints;
    },
    chain() {
      return endpoints?.chain ?? resolveChain({ chain: str('chain'), dataDir: str('data-dir') }, env);
    },
    client() {
      client ??= new NodeClient(this.endpoints());
      return client;
    },
    close() {
      client?.close();
    },
  };
}
