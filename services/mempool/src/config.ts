// The mempool's settings (environment variables with the BYSTACK_ prefix, or a JSON config file),
// and the chain configs it can serve by name.
import {
  CHAIN_CONFIG_NAMES,
  type ChainConfigName,
  devnetFederationProgram,
  isSideChainConfigName,
  MAIN_CHAIN_PARAMS,
  type MainChainParams,
  SIDE_CHAIN_PARAMS,
  type SideChainParams,
} from '@bystack/protocol';
import {
  type ConfigOf,
  defineConfigSchema,
  grpcServerConfigSchema,
  metricsConfigSchema,
  natsConfigSchema,
  setting,
} from '@bystack/runtime';

/** A chain a mempool can serve: its parameters and, on a side chain, the federation's peg-in program. */
export type ServedChain = {
  readonly params: MainChainParams | SideChainParams;
  readonly federationProgram?: Uint8Array;
};

export type { ChainConfigName };

/** The chain configs by name (the validator's, BYSTACK_CHAIN): a side chain with the federation's program. */
export const CHAIN_CONFIGS = Object.fromEntries(
  CHAIN_CONFIG_NAMES.map((name): [ChainConfigName, ServedChain] => [
    name,
    isSideChainConfigName(name)
      ? { params: SIDE_CHAIN_PARAMS[name], federationProgram: devnetFederationProgram() }
      : { params: MAIN_CHAIN_PARAMS[name] },
  ]),
) as Readonly<Record<ChainConfigName, ServedChain>>;
const chainNames = CHAIN_CONFIG_NAMES;

const NAME = /^[A-Za-z0-9_-]+$/;

export const mempoolConfigSchema = defineConfigSchema({
  nodeId: setting.string({
    default: 'n0',
    pattern: NAME,
    doc: 'This node (subjects of its JetStream events, origin of its gossip)',
  }),
  chain: setting.enumOf(chainNames, { default: 'main-devnet', doc: 'Chain config served' }),
  ...natsConfigSchema,
  redisUrl: setting.url({
    default: 'redis://127.0.0.1:6379',
    protocols: ['redis', 'rediss'],
    doc: 'Redis of the UTXO hot tier (read only: the validator writes it)',
  }),
  redisPrefix: setting.string({ default: 'bystack', pattern: /^[A-Za-z0-9_.:-]{1,64}$/, doc: 'Hot tier key prefix' }),
  ...grpcServerConfigSchema,
  grpcPort: setting.port({ default: 50052, doc: 'gRPC port of the MempoolService' }),
  ...metricsConfigSchema,
  metricsPort: setting.port({ default: 9465, doc: 'Port of the /metrics endpoint' }),
  minFeeRate: setting.int({
    default: 300,
    min: 0,
    doc: 'Least fee per gas unit (neu/gas) a transaction must pay; the protocol itself needs about 200 (vmGasRate)',
  }),
  maxPoolTxs: setting.int({ default: 50_000, min: 1, doc: 'Most transactions pending at once' }),
  maxPoolBytes: setting.int({
    default: 64 * 1024 * 1024,
    min: 1,
    doc: 'Most serialized bytes pending at once',
  }),
  maxBatchTxs: setting.int({ default: 10_000, min: 1, doc: 'Most transactions in one SubmitTxBatch' }),
  verifierWorkers: setting.int({
    default: -1,
    min: -1,
    max: 64,
    doc: 'Signature verifier threads: -1 one per core but one (at least 1), 0 verify on the main thread',
  }),
  signatureCacheSeconds: setting.int({
    default: 600,
    min: 0,
    doc: "Least lifetime (at most twice it) in Redis of the node's verified signatures, shared by mempool and validator (0: off)",
  }),
  txCheckCacheSeconds: setting.int({
    default: 600,
    min: 0,
    doc: "Lifetime in Redis of admitted txs' stateless check outcomes, which the node's validator takes instead of checking them again (0: not filed)",
  }),
  eventsStream: setting.string({
    optional: true,
    pattern: NAME,
    doc: "JetStream stream of the node's committed/reorged events (default EVENTS_<node>_<chain id>)",
  }),
  eventsConsumer: setting.string({ default: 'mempool', pattern: NAME, doc: 'Durable consumer name on that stream' }),
  revalidateInterval: setting.duration({
    default: '30s',
    doc: 'How often pending txs are checked again against the hot tier (a safety net for missed events); 0 = never',
  }),
  gossip: setting.bool({
    default: true,
    doc: 'Publish admitted txs on bystack.<chain>.net.tx and admit those of other nodes',
  }),
});

export type MempoolConfig = ConfigOf<typeof mempoolConfigSchema>;

export function servedChainOf(name: ChainConfigName): ServedChain {
  return CHAIN_CONFIGS[name];
}

/** `EVENTS_<node>_<chain id>`, the stream the validator of this node publishes its events on. */
export function defaultEventsStream(nodeId: string, chainId: string): string {
  return `EVENTS_${nodeId}_${chainId}`;
}
