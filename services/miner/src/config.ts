// The miner's settings (env BYSTACK_*, or a JSON config file) and what they resolve to: the chain
// parameters, the coinbase's control program, the number of search threads.
import { availableParallelism } from 'node:os';
import {
  devnetControlProgram,
  devnetXPrv,
  isP2WProgram,
  MAIN_CHAIN_CONFIG_NAMES,
  MAIN_CHAIN_PARAMS,
  type MainChainConfigName,
  type MainChainParams,
  witnessAddressDecode,
  xprvToXPub,
} from '@bystack/protocol';
import {
  ConfigError,
  ConfigErrorCode,
  type ConfigIssue,
  defineConfigSchema,
  grpcServerConfigSchema,
  metricsConfigSchema,
  natsConfigSchema,
  type ServiceConfig,
  setting,
} from '@bystack/runtime';

/** Chain configs a miner can name (BYSTACK_CHAIN): the main chains. */
export const CHAIN_CONFIGS = MAIN_CHAIN_PARAMS;
export type ChainConfigName = MainChainConfigName;

const chainNames = MAIN_CHAIN_CONFIG_NAMES;

export const minerConfigSchema = defineConfigSchema({
  nodeId: setting.string({
    default: 'n0',
    pattern: /^[A-Za-z0-9_-]{1,64}$/,
    doc: 'Node id: the miner follows bystack.<chain>.<node>.committed/reorged of its own node',
  }),
  chain: setting.enumOf(chainNames, { default: 'main-devnet', doc: 'Chain config to mine' }),
  validatorAddr: setting.string({
    default: '127.0.0.1:50051',
    minLength: 1,
    doc: "The validator's gRPC address (host:port): tip, blocks, SubmitBlock",
  }),
  mempoolAddr: setting.string({
    optional: true,
    minLength: 1,
    doc: "The mempool's gRPC address (host:port) for ReapTxs; unset mines coinbase-only blocks",
  }),
  minerProgram: setting.string({
    optional: true,
    pattern: /^(?:[0-9a-fA-F]{2})+$/,
    doc: 'Control program (hex) the coinbase pays: a P2WPKH or P2WSH program',
  }),
  minerAddress: setting.string({
    optional: true,
    minLength: 1,
    doc: "Address (bech32, the chain's prefix) the coinbase pays, if BYSTACK_MINER_PROGRAM is unset",
  }),
  minerDevnetKey: setting.string({
    default: 'miner/0',
    pattern: /^[A-Za-z0-9_-]+\/\d{1,9}$/,
    doc: 'On a devnet without program or address: the devnet key <name>/<index> whose P2WPKH program the coinbase pays',
  }),
  minerThreads: setting.int({
    optional: true,
    min: 0,
    max: 1024,
    doc: 'Nonce-search worker threads; 0 only serves GetWork/SubmitWork (default: 1 on a devnet, every core otherwise)',
  }),
  minerMaxTxs: setting.int({ default: 10_000, min: 0, doc: 'Most mempool transactions in one template' }),
  minerRefresh: setting.duration({
    default: '5s',
    min: 100,
    doc: 'Rebuild the template on the same tip this often (new transactions, newer timestamp)',
  }),
  minerTipPoll: setting.duration({
    default: '1s',
    min: 50,
    doc: "Ask the validator's tip this often (besides following its committed events)",
  }),
  minerRpcTimeout: setting.duration({
    default: '10s',
    min: 100,
    doc: 'Deadline of one call to the validator or mempool',
  }),
  ...natsConfigSchema,
  ...grpcServerConfigSchema,
  grpcPort: setting.port({ default: 50053, doc: 'gRPC port of the MinerService' }),
  ...metricsConfigSchema,
  metricsPort: setting.port({ default: 9466, doc: 'Port of the /metrics endpoint' }),
});

export type MinerConfig = ServiceConfig<typeof minerConfigSchema>;

/** What the settings resolve to. */
export type ResolvedMinerConfig = {
  readonly params: MainChainParams;
  /** The coinbase's control program. */
  readonly program: Uint8Array;
  /** Where the program came from, for the start-up log. */
  readonly programSource: 'program' | 'address' | 'devnet-key';
  readonly threads: number;
};

function issue(key: string, env: string, expected: string, got: string | undefined, problem: string): ConfigIssue {
  return {
    code: got === undefined ? ConfigErrorCode.Missing : ConfigErrorCode.Invalid,
    setting: env,
    key,
    source: got === undefined ? undefined : 'env',
    expected,
    got,
    message: `${env} (${key}): ${problem}`,
  };
}

function isDevnet(params: MainChainParams): boolean {
  return params.network === 'dev';
}

/** Resolves the settings that depend on one another; throws ConfigError naming the bad setting. */
export function resolveMinerConfig(config: MinerConfig): ResolvedMinerConfig {
  const params = CHAIN_CONFIGS[config.chain];
  const issues: ConfigIssue[] = [];
  let program: Uint8Array | undefined;
  let programSource: ResolvedMinerConfig['programSource'] = 'program';
  if (config.minerProgram !== undefined) {
    program = Uint8Array.from(Buffer.from(config.minerProgram, 'hex'));
    if (!isP2WProgram(program)) {
      issues.push(
        issue(
          'minerProgram',
          'BYSTACK_MINER_PROGRAM',
          'a witness control program in hex (P2WPKH 0014<20 bytes>, P2WSH 0020<32 bytes>)',
          JSON.stringify(config.minerProgram),
          'validators accept only witness programs for the native asset the coinbase pays',
        ),
      );
    }
  } else if (config.minerAddress !== undefined) {
    programSource = 'address';
    try {
      const { program: hash } = witnessAddressDecode(config.minerAddress, params.address.bech32Hrp);
      program = Uint8Array.of(0x00, hash.length, ...hash);
    } catch (err) {
      issues.push(
        issue(
          'minerAddress',
          'BYSTACK_MINER_ADDRESS',
          `an address of this chain (prefix ${params.address.bech32Hrp}1...)`,
          JSON.stringify(config.minerAddress),
          (err as Error).message,
        ),
      );
    }
  } else if (isDevnet(params)) {
    programSource = 'devnet-key';
    const [name = '', index = '0'] = config.minerDevnetKey.split('/');
    program = devnetControlProgram(xprvToXPub(devnetXPrv(name, Number(index))));
  } else {
    issues.push(
      issue(
        'minerProgram',
        'BYSTACK_MINER_PROGRAM',
        'a control program in hex (or BYSTACK_MINER_ADDRESS)',
        undefined,
        `is required on ${config.chain}: say where the coinbase pays`,
      ),
    );
  }
  if (issues.length > 0 || program === undefined) throw new ConfigError(issues);
  const threads = config.minerThreads ?? (isDevnet(params) ? 1 : availableParallelism());
  return { params, program, programSource, threads };
}
