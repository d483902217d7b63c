// The validator's settings (environment variables with the BYSTACK_ prefix, or a JSON file).
import {
  defineConfigSchema,
  grpcServerConfigSchema,
  metricsConfigSchema,
  natsConfigSchema,
  setting,
} from '@bystack/runtime';
import { CHAIN_CONFIG_NAMES } from './chain-config.ts';

export const validatorConfigSchema = defineConfigSchema({
  nodeId: setting.string({
    default: 'n0',
    pattern: /^[A-Za-z0-9_-]{1,32}$/,
    doc: "This node's id: names its event stream and its subjects (bystack.<chain>.<node>.committed)",
  }),
  chain: setting.enumOf(CHAIN_CONFIG_NAMES, { default: 'main-devnet', doc: 'Chain config the node follows' }),
  ...natsConfigSchema,
  redisUrl: setting.url({
    default: 'redis://127.0.0.1:6379',
    protocols: ['redis', 'rediss'],
    doc: 'Redis server of the hot tier (UTXO set cache)',
  }),
  redisPrefix: setting.string({ default: 'bystack', pattern: /^[A-Za-z0-9_.:-]{1,64}$/, doc: 'Key prefix in Redis' }),
  dataDir: setting.string({
    minLength: 1,
    doc: "Data directory of the node: the LMDB durable store and the validator's markers",
  }),
  ...grpcServerConfigSchema,
  ...metricsConfigSchema,
  maxOrphans: setting.int({ default: 256, min: 1, doc: 'Orphan blocks (unknown parent) kept in memory at most' }),
  maxOrphanBytes: setting.int({
    default: 64 * 1024 * 1024,
    min: 1,
    doc: 'Total size in bytes of the orphan blocks kept in memory at most',
  }),
  syncBatch: setting.int({
    default: 1000,
    min: 1,
    max: 1000,
    doc: 'Blocks asked for (and served) per net.getblocks request',
  }),
  windowSize: setting.int({
    default: 128,
    min: 1,
    max: 1000,
    doc: 'PSWV: received blocks validated as one window (stage 1 in parallel, one commit); 1 is block by block',
  }),
  syncTimeout: setting.duration({ default: '3s', min: 1, doc: 'Longest a net.getblocks round waits for replies' }),
  verifierThreads: setting.int({
    default: 0,
    min: 0,
    max: 64,
    doc: 'Signature verifier worker threads (0: one per core)',
  }),
  txCheckThreads: setting.int({
    default: 0,
    min: 0,
    max: 64,
    doc: "PSWV stage 1: worker threads checking big blocks' transactions (0: none, the pipeline's thread does; see stage1-tx-checks.ts)",
  }),
  signatureCacheSeconds: setting.int({
    default: 600,
    min: 0,
    doc: "Least lifetime (at most twice it) in Redis of the node's verified signatures, shared by mempool and validator (0: off)",
  }),
  txCheckCacheSeconds: setting.int({
    default: 600,
    min: 0,
    doc: "Lifetime in Redis of the stateless check outcomes the node's mempool files for admitted txs; stage 1 takes them instead of checking those txs again (0: not looked up)",
  }),
  pswvReplicaRequests: setting.int({
    default: 0,
    min: 0,
    max: 64,
    doc: "PSWV: signature batches handed at once to the chain's validator replicas (0: none; see replica-main.ts)",
  }),
  pswvReplicaTimeout: setting.duration({
    default: '2s',
    min: 1,
    doc: 'PSWV: longest a replica may take on a batch before the local pool verifies it instead',
  }),
  testCrashPoint: setting.string({
    optional: true,
    pattern: /^(after-durable-commit|after-durable-revert|before-publish|after-publish):\d+$/,
    doc: 'TEST ONLY: SIGKILL this process at <point>:<height> (off unless set)',
  }),
});
