// The bbft's settings (env BYSTACK_*, or a JSON config file) and what they resolve to: the side
// chain's parameters and genesis, the producer key, where its rewards go, and the test-only faults.
import {
  createSideDevnetGenesis,
  DEVNET_PRODUCER_COUNT,
  devnetControlProgram,
  devnetProducerXPrv,
  SIDE_CHAIN_CONFIG_NAMES,
  SIDE_CHAIN_PARAMS,
  type SideBlock,
  type SideChainConfigName,
  type SideChainParams,
  type XPrv,
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
import { fromHex } from './bytes.ts';

/** Side-chain configs a producer can name (BYSTACK_CHAIN). */
export const SIDE_CHAIN_CONFIGS = Object.fromEntries(
  SIDE_CHAIN_CONFIG_NAMES.map((name) => {
    const params = SIDE_CHAIN_PARAMS[name];
    return [name, { params, genesis: () => createSideDevnetGenesis(params) }];
  }),
) as Readonly<Record<SideChainConfigName, { readonly params: SideChainParams; genesis(): SideBlock }>>;
export type { SideChainConfigName };

const chainNames = SIDE_CHAIN_CONFIG_NAMES;

export const bbftConfigSchema = defineConfigSchema({
  nodeId: setting.string({
    default: 'n0',
    pattern: /^[A-Za-z0-9_-]{1,64}$/,
    doc: 'Node id (origin_node of the blocks this producer announces)',
  }),
  chain: setting.enumOf(chainNames, { default: 'side-devnet', doc: 'Side-chain config to produce for' }),
  dataDir: setting.string({
    minLength: 1,
    doc: "The node's data dir: the signer records live in its LMDB store (<dataDir>/lmdb), evidence in <dataDir>/bbft",
  }),
  validatorAddr: setting.string({
    default: '127.0.0.1:50051',
    minLength: 1,
    doc: "The node's validator (host:port): blocks, tip, and SubmitBlock to validate every block before signing",
  }),
  mempoolAddr: setting.string({
    optional: true,
    minLength: 1,
    doc: "The node's mempool (host:port) for ReapTxs; unset produces coinbase-only blocks",
  }),
  bbftProducerXprv: setting.string({
    optional: true,
    secret: true,
    pattern: /^[0-9a-fA-F]{128}$/,
    doc: 'The producer key: a 64-byte chainkd xprv in hex',
  }),
  bbftDevnetProducer: setting.int({
    optional: true,
    min: 0,
    max: DEVNET_PRODUCER_COUNT - 1,
    doc: 'On a devnet without BYSTACK_BBFT_PRODUCER_XPRV: the index of the public devnet producer key',
  }),
  bbftRewardProgram: setting.string({
    optional: true,
    pattern: /^(?:[0-9a-fA-F]{2})+$/,
    doc: "Control program (hex) the producer's rewards accrue to (default: the P2WPKH program of its key)",
  }),
  bbftMaxTxs: setting.int({ default: 10_000, min: 0, doc: 'Most mempool transactions in one block' }),
  bbftRpcTimeout: setting.duration({ default: '2s', min: 50, doc: 'Deadline of one call to the validator or mempool' }),
  bbftAnnounceBlocks: setting.bool({
    default: true,
    doc: 'Announce own blocks, with this producer signature in the witness, on net.block',
  }),
  bbftLoadDepth: setting.int({ default: 256, min: 1, doc: "Blocks read below the validator's tip at start" }),
  bbftFaultDoubleSign: setting.bool({
    default: false,
    doc: 'TEST ONLY: also sign a second, conflicting block in own slots (bypasses the signer guard). Never in production',
  }),
  bbftTestCrashAfterPersist: setting.enumOf(['own', 'peer', 'any'], {
    optional: true,
    doc: 'TEST ONLY: SIGKILL this process right after a signer record is persisted (own block, a peer block, or any)',
  }),
  ...natsConfigSchema,
  ...grpcServerConfigSchema,
  grpcPort: setting.port({ default: 50054, doc: 'gRPC port of the BbftService' }),
  ...metricsConfigSchema,
  metricsPort: setting.port({ default: 9467, doc: 'Port of the /metrics endpoint' }),
});

export type BbftConfig = ServiceConfig<typeof bbftConfigSchema>;

export type ResolvedBbftConfig = {
  readonly params: SideChainParams;
  readonly genesis: SideBlock;
  readonly xprv: XPrv;
  readonly keySource: 'xprv' | 'devnet';
  readonly rewardProgram: Uint8Array;
};

function missingKey(chain: string): ConfigIssue {
  return {
    code: ConfigErrorCode.Missing,
    setting: 'BYSTACK_BBFT_PRODUCER_XPRV',
    key: 'bbftProducerXprv',
    source: undefined,
    expected: 'a 64-byte xprv in hex (or BYSTACK_BBFT_DEVNET_PRODUCER on a devnet)',
    got: undefined,
    message: `BYSTACK_BBFT_PRODUCER_XPRV (bbftProducerXprv): is required on ${chain}: a producer needs its key`,
  };
}

/** Resolves the settings that depend on one another; throws ConfigError naming the bad setting. */
export function resolveBbftConfig(config: BbftConfig): ResolvedBbftConfig {
  const chain = SIDE_CHAIN_CONFIGS[config.chain];
  let xprv: XPrv;
  let keySource: ResolvedBbftConfig['keySource'];
  if (config.bbftProducerXprv !== undefined) {
    xprv = fromHex(config.bbftProducerXprv);
    keySource = 'xprv';
  } else if (config.bbftDevnetProducer !== undefined && chain.params.network === 'dev') {
    xprv = devnetProducerXPrv(config.bbftDevnetProducer);
    keySource = 'devnet';
  } else {
    throw new ConfigError([missingKey(config.chain)]);
  }
  const rewardProgram =
    config.bbftRewardProgram !== undefined ? fromHex(config.bbftRewardProgram) : devnetControlProgram(xprvToXPub(xprv));
  return { params: chain.params, genesis: chain.genesis(), xprv, keySource, rewardProgram };
}
