// Mempool admission rate through gRPC, on real servers: the mempool runs as its own process
// (`src/main.ts`) against a redis-server hot tier that the runtime's TieredStore filled with
// funded outputs, and a nats-server. Signed single-input transfers (P2WPKH), each spending its own
// funded output, are submitted
//   - one per SubmitTx, 64 calls in flight (the service batches concurrent single submissions);
//   - one per SubmitTx, one call at a time (latency-bound);
//   - SubmitTxBatch of 500.
// Baseline in the same run: the same admission in process (Mempool.submitBatch, no gRPC), which is
// the ceiling gRPC approaches. Sizes: BENCH_TXS (default 3000 per phase).
//   node services/mempool/bench/admission.bench.ts
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mempoolV1 } from '@bystack/proto';
import {
  createSignatureVerifierPool,
  ed25519PublicKeyFromSeed,
  ed25519Sign,
  mainDevnetParams,
  type Tx,
} from '@bystack/protocol';
import { createGrpcClient, createLogger, createMetrics, createRedisHotTier } from '@bystack/runtime';
import { ratio, report, startNats, startRedis } from '@bystack/testing';
import { Redis } from 'ioredis';
import { defineMempoolMetrics, Mempool } from '../src/index.ts';
import { devnetKey, fundedChain, pay, txBytes } from '../test/fixtures.ts';

const PER_PHASE = Number(process.env.BENCH_TXS ?? 3000);
const SEQUENTIAL = Math.min(PER_PHASE, 500);
const BATCH = 500;
const IN_FLIGHT = 64;
const PREFIX = 'bench';
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

const nats = await startNats();
const redisServer = await startRedis();
const redis = new Redis(redisServer.url);
let child: ChildProcess | undefined;

try {
  // Funded outputs: one per tx of every phase, spread over a few keys.
  const phases = { inProcess: PER_PHASE, single: PER_PHASE, sequential: SEQUENTIAL, batch: PER_PHASE };
  const total = Object.values(phases).reduce((a, b) => a + b, 0);
  const keys = Array.from({ length: 16 }, (_, i) => devnetKey('bench', i));
  const owners = Array.from({ length: total }, (_, i) => keys[i % keys.length]!);
  let t = performance.now();
  const funded = await fundedChain({ redis, prefix: PREFIX }, owners, 1_000_000_000n);
  const bob = devnetKey('bob');
  const signed: Tx[] = funded.outputs.map((o) => pay(o, bob, 100_000_000n));
  const bytes = signed.map((tx) => Buffer.from(txBytes(tx)));
  console.log(
    `setup: ${total} funded outputs and signed transfers in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  let cursor = 0;
  const take = (n: number) => {
    const out = bytes.slice(cursor, cursor + n);
    cursor += n;
    return out;
  };

  // Baseline: admission in this process, batches of BATCH, no gRPC.
  const workers = Math.max(1, availableParallelism() - 1);
  const verifier = createSignatureVerifierPool({ workers });
  // Start the threads (each loads the protocol package) before the clock runs.
  const warmup = ed25519Sign(new Uint8Array(32), new Uint8Array(32));
  const warmupKey = ed25519PublicKeyFromSeed(new Uint8Array(32));
  await verifier.verifyAll(
    Array.from({ length: 64 }, () => ({ publicKey: warmupKey, message: new Uint8Array(32), signature: warmup })),
  );
  const metrics = createMetrics({ service: 'bench', processMetrics: false });
  const local = new Mempool({
    chain: 'main',
    params: mainDevnetParams,
    minFeeRate: 300n,
    limits: { maxTxs: 1_000_000, maxBytes: 1 << 30 },
    utxos: createRedisHotTier({ redis, prefix: PREFIX }),
    verifier,
    metrics: defineMempoolMetrics(metrics),
    log: createLogger({ service: 'bench', level: 'silent' }),
  });
  await local.init();
  const localTxs = take(phases.inProcess);
  t = performance.now();
  let admittedLocal = 0;
  for (let i = 0; i < localTxs.length; i += BATCH) {
    const results = await local.submitBatch(localTxs.slice(i, i + BATCH), 'api');
    admittedLocal += results.filter((r) => r.ok).length;
  }
  const inProcessRate = (admittedLocal * 1000) / (performance.now() - t);
  await verifier.close();
  if (admittedLocal !== localTxs.length) throw new Error(`in process: ${admittedLocal}/${localTxs.length} admitted`);

  // The service as its own process.
  child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      OTEL_SDK_DISABLED: 'true',
      BYSTACK_NODE_ID: 'bench',
      BYSTACK_NATS_URL: nats.url,
      BYSTACK_REDIS_URL: redisServer.url,
      BYSTACK_REDIS_PREFIX: PREFIX,
      BYSTACK_GRPC_HOST: '127.0.0.1',
      BYSTACK_GRPC_PORT: '0',
      BYSTACK_METRICS_HOST: '127.0.0.1',
      BYSTACK_METRICS_PORT: '0',
      BYSTACK_MAX_POOL_TXS: '1000000',
      BYSTACK_MAX_POOL_BYTES: String(1 << 30),
      BYSTACK_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let port: number | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    const entry = JSON.parse(line) as { msg: string; grpc_port?: number };
    if (entry.msg === 'mempool serving') {
      port = entry.grpc_port;
      break;
    }
  }
  if (port === undefined) throw new Error('the mempool process did not start');
  const client = createGrpcClient(mempoolV1.MempoolServiceService, `127.0.0.1:${port}`, { deadlineMs: 120_000 });
  await client.getPoolInfo({ chain: undefined }); // connect

  const single = async (txs: Buffer[], inFlight: number) => {
    let i = 0;
    let ok = 0;
    const lane = async () => {
      while (i < txs.length) {
        const tx = txs[i++]!;
        await client.submitTx({ chain: undefined, tx: { bytes: tx } });
        ok++;
      }
    };
    const start = performance.now();
    await Promise.all(Array.from({ length: inFlight }, lane));
    return (ok * 1000) / (performance.now() - start);
  };

  const singleRate = await single(take(phases.single), IN_FLIGHT);
  const sequentialRate = await single(take(phases.sequential), 1);

  const batchTxs = take(phases.batch);
  t = performance.now();
  let admittedBatch = 0;
  for (let i = 0; i < batchTxs.length; i += BATCH) {
    const res = await client.submitTxBatch({
      chain: undefined,
      txs: batchTxs.slice(i, i + BATCH).map((b) => ({ bytes: b })),
    });
    admittedBatch += res.results.filter((r) => r.accepted).length;
  }
  const batchRate = (admittedBatch * 1000) / (performance.now() - t);
  if (admittedBatch !== batchTxs.length) throw new Error(`batch: ${admittedBatch}/${batchTxs.length} admitted`);
  const info = await client.getPoolInfo({ chain: undefined });
  client.close();

  report(
    'mempool admission in process (baseline, batches of 500)',
    inProcessRate,
    'tx/s',
    `${workers} verifier thread(s)`,
  );
  report(
    `mempool admission via gRPC SubmitTx, ${IN_FLIGHT} in flight`,
    singleRate,
    'tx/s',
    ratio(singleRate, inProcessRate),
  );
  report(
    'mempool admission via gRPC SubmitTx, one at a time',
    sequentialRate,
    'tx/s',
    ratio(sequentialRate, inProcessRate),
  );
  report(`mempool admission via gRPC SubmitTxBatch of ${BATCH}`, batchRate, 'tx/s', ratio(batchRate, inProcessRate));
  report('  batched vs single (64 in flight)', batchRate / singleRate, 'x');
  report('  batched vs single (one at a time)', batchRate / sequentialRate, 'x');
  console.log(`pool after the run: ${info.txCount} txs, ${info.totalBytes} bytes`);
  await funded.chain.close();
} finally {
  if (child && child.exitCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  redis.disconnect();
  await Promise.all([nats.stop(), redisServer.stop()]);
}
