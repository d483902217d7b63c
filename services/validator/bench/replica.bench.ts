// PSWV stage 1 across replicas: does adding a validator replica add throughput? On one 2-core
// machine a replica is only more CPU if the validator does not already use it, so the validator
// (this process, its verifier pool of one thread) is pinned to core 0 with taskset and the replica
// process to core 1, as if it ran on a second machine. Measured: a window's worth of signature
// sets verified by the validator alone, then spread over the validator and one replica
// (createSpreadingSignatureVerifier, batches over NATS). Needs `taskset` (util-linux).
// Run: node services/validator/bench/replica.bench.ts
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  createSignatureVerifierPool,
  createSpreadingSignatureVerifier,
  type Ed25519SignatureSet,
  ed25519PublicKeyFromSeed,
  ed25519Sign,
  type SignatureVerifier,
  sideDevnetParams,
} from '@bystack/protocol';
import { createNatsBus } from '@bystack/runtime';
import { measure, ratio, report, startNats } from '@bystack/testing';
import { createReplicaVerifier } from '../src/replica.ts';

if (process.env.BENCH_PINNED !== '1') {
  // Re-run this file pinned to core 0 (threads inherit the affinity of the process that makes them).
  const r = spawnSync('taskset', ['-c', '0', process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_PINNED: '1' },
  });
  process.exit(r.status ?? 1);
}

const SETS = 20_000;
const REPLICA = path.resolve(import.meta.dirname, '../src/replica-main.ts');

const sets: Ed25519SignatureSet[] = Array.from({ length: SETS }, (_, i) => {
  const seed = new Uint8Array(32);
  new DataView(seed.buffer).setUint32(0, i + 1);
  const message = new TextEncoder().encode(`window tx ${i}`);
  return { publicKey: ed25519PublicKeyFromSeed(seed), message, signature: ed25519Sign(seed, message) };
});

const nats = await startNats();
const bus = await createNatsBus({ servers: nats.url, name: 'replica-bench' });
const pool = createSignatureVerifierPool({ workers: 1 });
await pool.verifyAll(sets.slice(0, 64)); // start the thread

async function rate(what: string, verifier: SignatureVerifier): Promise<number> {
  const m = await measure(
    what,
    async () => {
      const verdicts = await verifier.verifyAll(sets);
      if (verdicts.some((v) => !v)) throw new Error('a valid signature was refused');
    },
    3000,
  );
  return m.opsPerSec * SETS;
}

const alone = await rate('validator alone', pool);

const replica = spawn('taskset', ['-c', '1', process.execPath, REPLICA], {
  env: {
    ...process.env,
    OTEL_SDK_DISABLED: 'true',
    BYSTACK_NODE_ID: 'bench-replica',
    BYSTACK_CHAIN: 'side-devnet',
    BYSTACK_NATS_URL: nats.url,
    BYSTACK_METRICS_HOST: '127.0.0.1',
    BYSTACK_METRICS_PORT: '0',
    BYSTACK_VERIFIER_THREADS: '1',
    BYSTACK_LOG_LEVEL: 'info',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve, reject) => {
  let out = '';
  replica.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    if (out.includes('"msg":"replica ready"')) resolve();
  });
  replica.once('exit', (code) => reject(new Error(`replica exited (${code})`)));
});
const spreading = createSpreadingSignatureVerifier([
  { verifier: pool, concurrency: 1 },
  { verifier: createReplicaVerifier(bus, sideDevnetParams.chainId, 5000), concurrency: 2 },
]);
const withReplica = await rate('validator + 1 replica', spreading);
const { verified } = spreading.stats();

report('stage-1 signature checks, validator alone (1 core)', alone, 'verify/s');
report(
  'stage-1 signature checks, validator + 1 replica (1 core each)',
  withReplica,
  'verify/s',
  `${ratio(withReplica, alone)} of alone; the replica took ${((100 * verified[1]!) / (verified[0]! + verified[1]!)).toFixed(0)}% of the sets`,
);

replica.kill('SIGTERM');
await pool.close();
await bus.close();
await nats.stop();
