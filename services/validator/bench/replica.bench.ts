// PSWV stage 1 across replicas: does adding a validator replica add throughput? On one 2-core
// machine a replica is only more CPU if the validator does not already use it, so the validator
// (this process, its verifier pool of one thread) is pinned to core 0 with taskset and the replica
// process to core 1, as if it ran on a second machine. Measured, each alone then spread over the
// validator and one replica: a window's worth of signature sets (createSpreadingSignatureVerifier,
// batches over NATS), and a big block's transaction checks (createSpreadingTxChecker, slices over
// NATS; the validator's TxCheckPool has one thread). Needs `taskset` (util-linux).
// Run: node services/validator/bench/replica.bench.ts
import { spawnSync } from 'node:child_process';
import {
  type BlockTxsJob,
  createSignatureVerifierPool,
  createSpreadingSignatureVerifier,
  createSpreadingTxChecker,
  createTxCheckPool,
  decodeBlock,
  type Ed25519SignatureSet,
  ed25519PublicKeyFromSeed,
  ed25519Sign,
  mainTxRules,
  type SignatureVerifier,
  type TxCheckPool,
} from '@bystack/protocol';
import { createNatsBus } from '@bystack/runtime';
import { measure, ratio, report, startNats } from '@bystack/testing';
import { createReplicaTxChecker, createReplicaVerifier } from '../src/replica.ts';
import { btm, FEE, fromGenesis, fundingBlocks, mine, mineChain, params, testKey, transfer } from '../test/devnet.ts';
import { startReplica } from '../test/replica-process.ts';

if (process.env.BENCH_PINNED !== '1') {
  // Re-run this file pinned to core 0 (threads inherit the affinity of the process that makes them).
  const r = spawnSync('taskset', ['-c', '0', process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_PINNED: '1' },
  });
  process.exit(r.status ?? 1);
}

const SETS = 20_000;
const TXS = 4_000;
const chainId = params.chainId;

const sets: Ed25519SignatureSet[] = Array.from({ length: SETS }, (_, i) => {
  const seed = new Uint8Array(32);
  new DataView(seed.buffer).setUint32(0, i + 1);
  const message = new TextEncoder().encode(`window tx ${i}`);
  return { publicKey: ed25519PublicKeyFromSeed(seed), message, signature: ed25519Sign(seed, message) };
});

// One block of TXS one-input transfers (no proof of work: only its transactions are checked).
const payers = [testKey('bench-a'), testKey('bench-b')];
const recipient = testKey('bench-recipient');
const funding = fundingBlocks(mineChain(fromGenesis(), 3, { skipPow: true }).at(-1)!, payers, TXS, 1_000_000_000n);
const big = mine(funding.blocks.at(-1)!, {
  txs: funding.coins.map((c) => transfer([c], [btm(c.amount - FEE, recipient.program)])),
  skipPow: true,
});
const blockJob: BlockTxsJob = {
  chain: 'main',
  rules: mainTxRules(params),
  blockHeight: big.block.header.height,
  blockBytes: big.bytes,
  txSizes: decodeBlock(big.bytes).transactions.map((tx) => tx.serializedSize!),
};

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

const txPool = createTxCheckPool({ workers: 1 });

/** Transactions checked per second, a whole block per round. */
async function txRate(what: string, checker: TxCheckPool): Promise<number> {
  const m = await measure(
    what,
    async () => {
      const checks = await checker.checkBlockTxs(blockJob);
      if (checks.failure || checks.results.length !== TXS + 1) throw new Error(`bad checks: ${checks.failure}`);
    },
    3000,
  );
  return m.opsPerSec * (TXS + 1);
}

const alone = await rate('validator alone', pool);
const txAlone = await txRate('tx checks, validator alone', txPool);

const replica = await startReplica({ natsUrl: nats.url, name: 'bench-replica', chain: 'main-devnet', cores: '1' });
const spreading = createSpreadingSignatureVerifier([
  { verifier: pool, concurrency: 1 },
  { verifier: createReplicaVerifier(bus, chainId, 5000), concurrency: 2 },
]);
const withReplica = await rate('validator + 1 replica', spreading);
const { verified } = spreading.stats();
const spreadingTxs = createSpreadingTxChecker([
  // Two slices per local thread, two at the replica: each side has one queued while one runs.
  { checker: txPool, concurrency: 2 },
  { checker: createReplicaTxChecker(bus, chainId, 5000), concurrency: 2 },
]);
const txWithReplica = await txRate('tx checks, validator + 1 replica', spreadingTxs);
const txDone = spreadingTxs.stats().done;

report('stage-1 signature checks, validator alone (1 core)', alone, 'verify/s');
report(
  'stage-1 signature checks, validator + 1 replica (1 core each)',
  withReplica,
  'verify/s',
  `${ratio(withReplica, alone)} of alone; the replica took ${((100 * verified[1]!) / (verified[0]! + verified[1]!)).toFixed(0)}% of the sets`,
);

report('stage-1 tx checks, validator alone (1 core)', txAlone, 'tx/s');
report(
  'stage-1 tx checks, validator + 1 replica (1 core each)',
  txWithReplica,
  'tx/s',
  `${ratio(txWithReplica, txAlone)} of alone; the replica took ${((100 * txDone[1]!) / (txDone[0]! + txDone[1]!)).toFixed(0)}% of the txs`,
);

replica.kill('SIGTERM');
await txPool.close();
await pool.close();
await bus.close();
await nats.stop();
