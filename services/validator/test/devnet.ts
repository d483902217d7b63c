// Test helpers: devnet blocks mined in the test with the protocol's own functions (Tensority with the
// right seed, the retargeted bits), signed P2WPKH transfers, and validators run in process or as
// child processes against real nats-server / redis-server.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chainV1 } from '@bystack/proto';
import {
  type Block,
  type BlockHeader,
  BTM_ASSET_ID,
  blockId,
  blockSubsidy,
  checkProofOfWork,
  computeSpentOutputId,
  createMainDevnetGenesis,
  createP2WPKHProgram,
  createRootXPrv,
  createTxEntries,
  devnetFaucetXPrv,
  encodeBlock,
  encodeBlockHeader,
  encodeTx,
  type MainChainParams,
  mainDevnetParams,
  nextBits,
  publicKeyToHash160,
  retargetCompareHeight,
  type SignatureVerifier,
  type SpendCommitment,
  seedBlockHeight,
  seedForHeight,
  type Tx,
  type TxCheckPool,
  type TxOutput,
  txCheckFilings,
  txChecksFingerprint,
  txMerkleRoot,
  txStatusMerkleRoot,
  validateTxStateless,
  type XPrv,
  xprvSign,
  xprvToXPub,
  xpubToPublicKey,
} from '@bystack/protocol';
import {
  createGrpcClient,
  createLmdbStore,
  createLogger,
  createRedisHotTier,
  createTieredStore,
  type GrpcClient,
  type Logger,
  type RedisHotTier,
  type RedisTxCheckCache,
  type ServiceHandle,
  startService,
  type TieredStore,
} from '@bystack/runtime';
import type { Redis } from 'ioredis';
import {
  buildValidator,
  Chain,
  type ChainConfigName,
  type ChainOptions,
  type Validator,
  type ValidatorConfig,
  validatorConfigSchema,
} from '../src/index.ts';
import { TensorityCaches } from '../src/pow.ts';

export const params: MainChainParams = mainDevnetParams;
export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

let genesisBlock: Block | undefined;
/** The main devnet genesis (built once: it runs Tensority). */
export function devnetGenesis(): Block {
  genesisBlock ??= createMainDevnetGenesis(params);
  return genesisBlock;
}

export type Key = { readonly xprv: XPrv; readonly publicKey: Uint8Array; readonly program: Uint8Array };

export function keyOf(xprv: XPrv): Key {
  const publicKey = xpubToPublicKey(xprvToXPub(xprv));
  return { xprv, publicKey, program: createP2WPKHProgram(publicKeyToHash160(publicKey)) };
}

export function testKey(name: string): Key {
  return keyOf(createRootXPrv(new TextEncoder().encode(`validator test key ${name}`)));
}

export const faucet = keyOf(devnetFaucetXPrv());

/** An output that can be spent: its commitment and the key that controls it. */
export type Coin = SpendCommitment & { readonly key: Key };

export function coinsOf(tx: Tx, key: Key): Coin[] {
  const { muxId } = createTxEntries(tx);
  return tx.outputs.map((o, i) => ({
    sourceId: muxId,
    assetId: o.assetId,
    amount: o.amount,
    sourcePosition: BigInt(i),
    controlProgram: o.controlProgram,
    key,
  }));
}

export function outputIdOf(coin: Coin): Uint8Array {
  return computeSpentOutputId(coin);
}

/** A signed transfer of `from` to `to` (whatever is left is the fee). */
export function transfer(from: readonly Coin[], to: readonly TxOutput[]): Tx {
  const unsigned: Tx = {
    version: 1n,
    timeRange: 0n,
    inputs: from.map((c) => ({ type: 'spend' as const, ...c, arguments: [] })),
    outputs: [...to],
  };
  const { sigHashes } = createTxEntries(unsigned);
  return {
    ...unsigned,
    inputs: unsigned.inputs.map((input, i) => ({
      ...input,
      arguments: [xprvSign(from[i]!.key.xprv, sigHashes[i]!), from[i]!.key.publicKey],
    })),
  };
}

export function btm(amount: bigint, program: Uint8Array): TxOutput {
  return { assetId: BTM_ASSET_ID, amount, controlProgram: program };
}

export const FEE = 10_000_000n;

function fees(txs: readonly Tx[]): bigint {
  let fee = 0n;
  for (const t of txs) {
    for (const input of t.inputs) if (input.type === 'spend') fee += input.amount;
    for (const o of t.outputs) fee -= o.amount;
  }
  return fee;
}

/** A block of the test's making, with what the next block needs to know about it. */
export type MinedBlock = {
  readonly block: Block;
  readonly bytes: Uint8Array;
  readonly id: Uint8Array;
  readonly height: number;
  readonly parent: MinedBlock | undefined;
};

export type BlockOptions = {
  readonly txs?: readonly Tx[];
  /** Seconds after the parent (default 2: the devnet's target, so a retarget keeps the bits). */
  readonly spacing?: bigint;
  readonly coinbaseTo?: Uint8Array;
  /** Extra coinbase amount (a wrong one makes BAD_COINBASE_AMOUNT). */
  readonly coinbaseExtra?: bigint;
  /** Header fields set after the roots (a wrong root, bits, timestamp...). */
  readonly edit?: Partial<BlockHeader>;
  /** Mine a nonce whose proof of work FAILS (BAD_POW). */
  readonly badPow?: boolean;
  /** Nonce 0 without checking the work (for blocks rejected before their proof of work is looked at). */
  readonly skipPow?: boolean;
  /** Tag for the coinbase, so two branches' blocks differ. */
  readonly tag?: string;
};

const pow = new TensorityCaches();

export function fromGenesis(): MinedBlock {
  const block = devnetGenesis();
  return { block, bytes: encodeBlock(block), id: blockId(block.header), height: 0, parent: undefined };
}

function ancestorAt(b: MinedBlock, height: number): MinedBlock {
  let n: MinedBlock = b;
  while (n.height > height) n = n.parent!;
  return n;
}

/** The bits a child of `parent` must carry. */
export function expectedBits(parent: MinedBlock): bigint {
  const compare = retargetCompareHeight(parent.height, params);
  const h = parent.block.header;
  if (compare === undefined) return h.bits;
  return nextBits(
    { height: parent.height, timestamp: h.timestamp, bits: h.bits },
    ancestorAt(parent, compare).block.header.timestamp,
    params,
  );
}

/** Mines the child of `parent`: coinbase (subsidy + fees, or a wrong amount), roots, bits, a nonce. */
export function mine(parent: MinedBlock, opts: BlockOptions = {}): MinedBlock {
  const height = parent.height + 1;
  const txs = opts.txs ?? [];
  const coinbase: Tx = {
    version: 1n,
    timeRange: 0n,
    inputs: [{ type: 'coinbase', arbitrary: new TextEncoder().encode(`h${height}${opts.tag ?? ''}`) }],
    outputs: [
      btm(
        blockSubsidy(params, height) + fees(txs) + (opts.coinbaseExtra ?? 0n),
        opts.coinbaseTo ?? testKey('miner').program,
      ),
    ],
  };
  const transactions = [coinbase, ...txs];
  const base: BlockHeader = {
    version: 1n,
    height: BigInt(height),
    previousBlockId: parent.id,
    timestamp: parent.block.header.timestamp + (opts.spacing ?? 2n),
    transactionsMerkleRoot: txMerkleRoot(transactions.map((t) => createTxEntries(t).txId)),
    transactionStatusHash: txStatusMerkleRoot(transactions.map(() => false)),
    nonce: 0n,
    bits: expectedBits(parent),
    ...opts.edit,
  };
  const seedHeight = seedBlockHeight(height, params);
  const seed = seedForHeight(height, params, seedHeight === undefined ? undefined : ancestorAt(parent, seedHeight).id);
  const found = (nonce: bigint): MinedBlock => {
    const header = { ...base, nonce };
    const block = { header, transactions };
    return { block, bytes: encodeBlock(block), id: blockId(header), height, parent };
  };
  if (opts.skipPow) return found(0n);
  const cacheKey = `${opts.badPow ? 'bad' : 'ok'}:${hex(seed)}:${hex(sha256(encodeBlockHeader(base)))}`;
  const cached = nonces.get(cacheKey);
  if (cached !== undefined) return found(BigInt(cached));
  for (let nonce = 0n; ; nonce++) {
    const id = blockId({ ...base, nonce });
    if (checkProofOfWork(pow.hash(seed, id), base.bits) !== (opts.badPow === true)) {
      nonces.set(cacheKey, nonce.toString());
      noncesChanged = true;
      return found(nonce);
    }
  }
}

// Nonces found before, by header (nonce 0) and seed: the blocks of these tests are deterministic, so
// their proof of work is searched once and kept in fixtures/nonces.json (written when
// BYSTACK_UPDATE_NONCES=1). A missing or stale entry only costs the search.
const NONCES_FILE = path.join(import.meta.dirname, 'fixtures', 'nonces.json');
const nonces = new Map<string, string>(
  existsSync(NONCES_FILE)
    ? Object.entries(JSON.parse(readFileSync(NONCES_FILE, 'utf8')) as Record<string, string>)
    : [],
);
let noncesChanged = false;
if (process.env.BYSTACK_UPDATE_NONCES === '1') {
  process.on('exit', () => {
    if (!noncesChanged) return;
    mkdirSync(path.dirname(NONCES_FILE), { recursive: true });
    const current = existsSync(NONCES_FILE) ? JSON.parse(readFileSync(NONCES_FILE, 'utf8')) : {};
    const merged = { ...current, ...Object.fromEntries(nonces) };
    const sorted = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
    writeFileSync(NONCES_FILE, `${JSON.stringify(sorted, null, 2)}\n`);
  });
}

function sha256(b: Uint8Array): Uint8Array {
  return createHash('sha256').update(b).digest();
}

/** A chain of `count` empty blocks after `from`. */
export function mineChain(from: MinedBlock, count: number, opts: BlockOptions = {}): MinedBlock[] {
  const out: MinedBlock[] = [];
  let parent = from;
  for (let i = 0; i < count; i++) {
    parent = mine(parent, opts);
    out.push(parent);
  }
  return out;
}

// ---- validators ------------------------------------------------------------------------------

/**
 * Blocks after `tip` (coinbase maturity already passed) that turn the genesis coin into `count`
 * coins of `amount` owned round-robin by `keys`: one tx splits it into `count / 100` coins, the
 * next block's txs split each of those into 100.
 */
export function fundingBlocks(
  tip: MinedBlock,
  keys: readonly Key[],
  count: number,
  amount: bigint,
): { readonly blocks: readonly MinedBlock[]; readonly coins: readonly Coin[] } {
  const perSplit = 100;
  const splits = Math.ceil(count / perSplit);
  const genesisCoin = coinsOf(devnetGenesis().transactions[0]!, faucet)[0]!;
  const splitAmount = amount * BigInt(perSplit) + FEE;
  const first = transfer(
    [genesisCoin],
    [
      ...Array.from({ length: splits }, (_, i) => btm(splitAmount, keys[i % keys.length]!.program)),
      btm(genesisCoin.amount - splitAmount * BigInt(splits) - FEE, faucet.program),
    ],
  );
  const firstCoins = coinsOf(first, faucet)
    .slice(0, splits)
    .map((c, i) => ({ ...c, key: keys[i % keys.length]! }));
  const second = firstCoins.map((c, i) =>
    transfer(
      [c],
      Array.from({ length: perSplit }, (_, j) => btm(amount, keys[(i + j) % keys.length]!.program)),
    ),
  );
  const coins = second
    .flatMap((t, i) => coinsOf(t, keys[0]!).map((c, j) => ({ ...c, key: keys[(i + j) % keys.length]! })))
    .slice(0, count);
  const b1 = mine(tip, { txs: [first] });
  const b2 = mine(b1, { txs: second });
  return { blocks: [b1, b2], coins };
}

/**
 * The main devnet chain in this process on its own LMDB (under `dir`) and Redis prefix, opened
 * (genesis committed): what the benches and the window tests drive directly, without gRPC.
 */
export async function openDevnetChain(opts: {
  readonly dir: string;
  readonly redis: Redis;
  readonly prefix: string;
  readonly verifier: SignatureVerifier;
  readonly txChecks?: TxCheckPool;
  readonly filedTxChecks?: ChainOptions['filedTxChecks'];
  readonly log?: Logger;
}): Promise<{ readonly chain: Chain; readonly store: TieredStore; readonly hot: RedisHotTier }> {
  const durable = await createLmdbStore({ path: path.join(opts.dir, 'lmdb') });
  const hot = createRedisHotTier({ redis: opts.redis, prefix: opts.prefix });
  const store = createTieredStore({ durable, hot });
  const chain = new Chain({
    chainId: params.chainId,
    params,
    genesis: devnetGenesis(),
    store,
    verifier: opts.verifier,
    txChecks: opts.txChecks,
    filedTxChecks: opts.filedTxChecks,
    maxOrphans: 16,
    dataDir: opts.dir,
    log: opts.log ?? createLogger({ service: 'test', level: 'silent' }),
  });
  await chain.open();
  return { chain, store, hot };
}

export type ValidatorEnv = {
  readonly natsUrl: string;
  readonly redisUrl: string;
  readonly dataDir: string;
  readonly nodeId?: string;
  readonly chain?: ChainConfigName;
  readonly redisPrefix?: string;
  readonly extra?: Record<string, string>;
};

export function validatorEnvVars(env: ValidatorEnv): Record<string, string> {
  return {
    BYSTACK_NODE_ID: env.nodeId ?? 'n0',
    BYSTACK_CHAIN: env.chain ?? 'main-devnet',
    BYSTACK_NATS_URL: env.natsUrl,
    BYSTACK_REDIS_URL: env.redisUrl,
    BYSTACK_REDIS_PREFIX: env.redisPrefix ?? `t-${env.nodeId ?? 'n0'}`,
    BYSTACK_DATA_DIR: env.dataDir,
    BYSTACK_GRPC_HOST: '127.0.0.1',
    BYSTACK_GRPC_PORT: '0',
    BYSTACK_METRICS_HOST: '127.0.0.1',
    BYSTACK_METRICS_PORT: '0',
    BYSTACK_VERIFIER_THREADS: '1',
    BYSTACK_SYNC_TIMEOUT: '2s',
    BYSTACK_SHUTDOWN_TIMEOUT: '10s',
    ...env.extra,
  };
}

export type InProcessValidator = {
  readonly handle: ServiceHandle<ValidatorConfig, Validator>;
  readonly v: Validator;
  readonly client: GrpcClient<typeof chainV1.ChainServiceService>;
  stop(): Promise<void>;
};

/** A validator in this process (startService), with a gRPC client to it. */
export async function startValidator(env: ValidatorEnv): Promise<InProcessValidator> {
  const handle = await startService({
    name: 'validator',
    configSchema: validatorConfigSchema,
    build: buildValidator,
    configSources: { env: validatorEnvVars(env), argv: [] },
    logLevel: (process.env.VALIDATOR_TEST_LOG as 'debug' | undefined) ?? 'silent',
    processMetrics: false,
  });
  const client = createGrpcClient(chainV1.ChainServiceService, `127.0.0.1:${handle.modules.grpcPort}`);
  return {
    handle,
    v: handle.modules,
    client,
    async stop() {
      client.close();
      await handle.stop();
    },
  };
}

/** A validator as a child process (`node services/validator/src/main.ts`); resolves once it serves gRPC. */
export type ChildValidator = {
  readonly port: number;
  readonly pid: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly output: () => string;
  kill(signal?: NodeJS.Signals): void;
};

const MAIN = path.resolve(import.meta.dirname, '../src/main.ts');

export function spawnValidator(env: ValidatorEnv): Promise<ChildValidator> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...validatorEnvVars(env), OTEL_SDK_DISABLED: 'true', BYSTACK_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /"msg":"validator ready".*?"grpc_port":(\d+)/.exec(output);
      if (m) {
        resolve({
          port: Number(m[1]),
          pid: child.pid!,
          exited,
          output: () => output,
          kill: (signal = 'SIGKILL') => child.kill(signal),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(({ code, signal }) =>
      reject(new Error(`validator exited (${code ?? signal}) before it was ready:\n${output}`)),
    );
  });
}

export function tempDir(label: string): { path: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), `bystack-validator-${label}-`));
  return { path: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function submit(client: InProcessValidator['client'], b: MinedBlock | Uint8Array) {
  const bytes = b instanceof Uint8Array ? b : b.bytes;
  return client.submitBlock({ chain: { chainId: 'main' }, block: { bytes: Buffer.from(bytes) } });
}

export const Disposition = chainV1.BlockDisposition;

/**
 * What the node's mempool files when it admits main-chain `txs` at `height` (the validator then
 * skips their checks), under the fingerprint of `filedUnder` (default: the devnet's params).
 */
export async function fileMainTxChecks(
  cache: Pick<RedisTxCheckCache, 'file'>,
  txs: readonly Tx[],
  height: bigint,
  filedUnder: MainChainParams = params,
): Promise<void> {
  const passed = txs.map((t) => {
    const entries = createTxEntries(t);
    return { bytes: encodeTx(t), entries, result: validateTxStateless(t, entries, { params, blockHeight: height }) };
  });
  await cache.file(txChecksFingerprint(filedUnder), txCheckFilings(passed));
}
