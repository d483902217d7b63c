// The devnet's side chains and how a node runs one: a validator and a mempool process for the chain
// (BYSTACK_CHAIN=<side chain>) and one bbft process per producer key, all on the node's nats-server,
// redis-server and data dir (subjects, streams and hot-tier keys carry the chain id; LMDB
// serializes the writers; each producer's signer records have their own keyspace). The launcher and
// the bbft tests both take a side chain's wiring from here.
import {
  DEVNET_PRODUCER_COUNT,
  SIDE_CHAIN_CONFIG_NAMES,
  SIDE_CHAIN_PARAMS,
  type SideChainConfigName,
} from '@bystack/protocol';

/** Side-chain configs, by the name the services take (BYSTACK_CHAIN). */
export const SIDE_CHAINS = SIDE_CHAIN_PARAMS;
export type SideChainName = SideChainConfigName;
export const SIDE_CHAIN_NAMES: readonly SideChainName[] = SIDE_CHAIN_CONFIG_NAMES;

/** Producer processes per devnet side chain: the devnet producer keys 0..3. */
export const SIDE_PRODUCERS = DEVNET_PRODUCER_COUNT;

/** The side chain named by its config name (`side-devnet`) or chain id (`side-1`), if it is one. */
export function sideChainNamed(nameOrId: string): SideChainName | undefined {
  return SIDE_CHAIN_NAMES.find((name) => name === nameOrId || SIDE_CHAINS[name].chainId === nameOrId);
}

/** Where a node runs a side chain. */
export type SideChainWiring = {
  readonly chain: SideChainName;
  readonly nodeId: string;
  readonly natsUrl: string;
  readonly redisUrl: string;
  /** The node's store dir (the validator's LMDB store, the producers' signer records and evidence). */
  readonly dataDir: string;
};

/** The side chain's validator. */
export function sideValidatorEnv(w: SideChainWiring): Record<string, string> {
  return { ...common(w), BYSTACK_DATA_DIR: w.dataDir };
}

/** The side chain's mempool (it follows the validator's events on the node's NATS). */
export function sideMempoolEnv(w: SideChainWiring): Record<string, string> {
  return common(w);
}

/** The bbft process of devnet producer key `index`; without a mempool it makes coinbase-only blocks. */
export function sideProducerEnv(
  w: SideChainWiring,
  producer: { readonly index: number; readonly validatorAddr: string; readonly mempoolAddr?: string | undefined },
): Record<string, string> {
  return {
    BYSTACK_NODE_ID: w.nodeId,
    BYSTACK_CHAIN: w.chain,
    BYSTACK_NATS_URL: w.natsUrl,
    BYSTACK_DATA_DIR: w.dataDir,
    BYSTACK_VALIDATOR_ADDR: producer.validatorAddr,
    ...(producer.mempoolAddr ? { BYSTACK_MEMPOOL_ADDR: producer.mempoolAddr } : {}),
    BYSTACK_BBFT_DEVNET_PRODUCER: String(producer.index),
  };
}

function common(w: SideChainWiring): Record<string, string> {
  return {
    BYSTACK_NODE_ID: w.nodeId,
    BYSTACK_CHAIN: w.chain,
    BYSTACK_NATS_URL: w.natsUrl,
    BYSTACK_REDIS_URL: w.redisUrl,
  };
}
