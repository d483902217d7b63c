// npm run bench:tps: a side chain's end-to-end throughput on real processes. Not a `*.bench.ts`
// file (npm run bench skips it): one run takes about two minutes.
//
//   1. The ceiling, measured first in the same run: Ed25519 verifications per second on one thread
//      (`ed25519Verify`) and on the worker pool (`createSignatureVerifierPool`, one worker per core).
//   2. "shared": the side devnet's 4 producers (bbft processes, 500 ms blocks) on ONE node: one
//      validator, one mempool, one data dir (test/support/side-node.ts, as the bbft tests run it);
//      "shared-light": the same with fewer transfers in flight, for the latency when the chain keeps up.
//   3. "own": each producer on its own node: 4 validators, 4 mempools (gossiping transactions),
//      4 data dirs and Redis key spaces; the nodes share one nats-server and one redis-server.
// In each, a separate load process (tps-load.ts) funds itself from federation peg-ins, pre-signs
// every transfer, and submits them through SubmitTxBatch; a transfer counts when a block holding it
// is irreversible at node 0's validator. The figures are printed with the processes' CPU use over
// the measured window and notes on what limits them.
//
// Settings (env): TPS_SECONDS (window, default 20), TPS_TXS (pre-signed per run, 60000; much more
// and the funding's one SubmitTxBatch passes gRPC's 4 MiB message limit), TPS_BATCH
// (500), TPS_PARALLEL (SubmitTxBatch calls at once, 2), TPS_IN_FLIGHT (most transfers submitted and
// not yet irreversible, 6000; shared-light: TPS_LIGHT_IN_FLIGHT, 1500), TPS_TOPOLOGIES
// (shared,shared-light,own), TPS_SERVICE_ENV (NAME=value,... for every service process, e.g.
// BYSTACK_TX_CHECK_CACHE_SECONDS=0 to compare a setting). `-- --profile` also writes V8 CPU profiles of every process
// (--cpu-prof) and prints each one's hottest functions; TPS_DUMP=1 leaves each process's last log
// lines in $TMPDIR/tps-<topology>-<process>.log; TPS_PROFILE_DIR=<dir> keeps the profiles there.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  createSignatureVerifierPool,
  type Ed25519SignatureSet,
  ed25519PublicKeyFromSeed,
  ed25519Sign,
  ed25519Verify,
  sideDevnetParams,
} from '@bystack/protocol';
import { measure, ratio, report, startNats, startRedis } from '@bystack/testing';
import type { ProducerProcess } from '../test/support/network.ts';
import { SideNode } from '../test/support/side-node.ts';
import { hottestFunctions } from './cpu-profile.ts';
import type { LoadResult, LoadSettings } from './tps-load.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const TARGET_TPS = 10_000;
const TARGET_P99_MS = 1_500;
const PROFILE = process.argv.includes('--profile');
/** The runs, each on fresh servers and a fresh chain. */
type Topology = { readonly title: string; readonly nodes: number; readonly maxInFlight: number };
const TOPOLOGIES: Record<string, Topology> = {
  shared: {
    title: "4 producers sharing one node's validator and mempool",
    nodes: 1,
    maxInFlight: env('TPS_IN_FLIGHT', 6000),
  },
  'shared-light': {
    title: 'the same at a lighter load (fewer transfers in flight: the latency when the chain keeps up)',
    nodes: 1,
    maxInFlight: env('TPS_LIGHT_IN_FLIGHT', 1500),
  },
  own: { title: '4 producers, each on its own node', nodes: 4, maxInFlight: env('TPS_IN_FLIGHT', 6000) },
};
/** TPS_SERVICE_ENV: `NAME=value,...` for every service process (e.g. a setting to compare runs with). */
const SERVICE_ENV: Record<string, string> = Object.fromEntries(
  (process.env.TPS_SERVICE_ENV ?? '')
    .split(',')
    .filter((kv) => kv !== '')
    .map((kv) => {
      const at = kv.indexOf('=');
      if (at < 1) throw new Error(`TPS_SERVICE_ENV: ${kv} is not NAME=value`);
      return [kv.slice(0, at), kv.slice(at + 1)];
    }),
);
const RUNS = (process.env.TPS_TOPOLOGIES ?? Object.keys(TOPOLOGIES).join(',')).split(',');
for (const name of RUNS) if (!(name in TOPOLOGIES)) throw new Error(`TPS_TOPOLOGIES: no topology ${name}`);
const cores = availableParallelism();

// --- 1. The ceiling ---
const sets: Ed25519SignatureSet[] = Array.from({ length: 256 }, (_, i) => {
  const seed = new Uint8Array(32).fill(i);
  const message = new Uint8Array(32).fill(i * 7);
  return { publicKey: ed25519PublicKeyFromSeed(seed), message, signature: ed25519Sign(seed, message) };
});
const singleRate =
  (
    await measure('ed25519Verify', () => {
      for (const s of sets) if (!ed25519Verify(s.publicKey, s.message, s.signature)) throw new Error('rejected');
    })
  ).opsPerSec * sets.length;
const many = Array.from({ length: 16 }, () => sets).flat();
const pool = createSignatureVerifierPool({ workers: cores });
await pool.verifyAll(many);
const poolRate = (await measure('pool', () => pool.verifyAll(many), 2000)).opsPerSec * many.length;
await pool.close();
console.log('ceiling (this machine, this run)');
report('  Ed25519 verify, one thread (ed25519Verify)', singleRate, 'verifications/s');
report(`  Ed25519 verify, worker pool of ${cores}`, poolRate, 'verifications/s', ratio(poolRate, singleRate));

// --- 2./3. The side chain under load ---
type Proc = { readonly name: string; readonly pid: () => number | undefined };
type Run = {
  readonly topology: string;
  readonly result: LoadResult;
  /** CPU seconds over the measured window, by process name. */
  readonly cpu: Map<string, number>;
  /** The machine's busy CPU over the window (all processes, ours or not), in cores. */
  readonly machineBusyCores: number;
  readonly loadAverage: number;
  readonly seconds: number;
  readonly profiles: Map<string, string[]>;
  readonly production: Production;
  readonly warnings: string[];
  /** Each validator's pipeline counters over the whole run (its last log line, at its stop). */
  readonly pipelineWork: string[];
};

const TICK = 100; // USER_HZ: /proc times are in 1/100 s
function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    // Fields after the ")" of the command name: utime and stime are the 12th and 13th (all threads).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return 0;
  }
}
function machineTimes(): { busy: number; total: number } {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = ticks[3]! + ticks[4]!;
  return { busy: (total - idle) / TICK, total: total / TICK };
}
type Snapshot = {
  at: number;
  wallMs: number;
  procs: Map<string, number>;
  pids: Map<number | undefined, string>;
  machine: { busy: number; total: number };
};
const snapshot = (procs: readonly Proc[]): Snapshot => ({
  at: performance.now(),
  wallMs: Date.now(),
  procs: new Map(procs.map((p) => [p.name, cpuSecondsOf(p.pid())])),
  pids: new Map(procs.map((p) => [p.pid(), p.name])),
  machine: machineTimes(),
});

/** Warning and error log lines of each process, counted by message ("name: 3 x msg"). */
function warningsOf(outputs: readonly (readonly [string, string])[]): string[] {
  const counts = new Map<string, number>();
  for (const [name, output] of outputs) {
    for (const line of output.split('\n')) {
      if (!line.includes('"level":"warn"') && !line.includes('"level":"error"')) continue;
      const key = `${name}: ${(JSON.parse(line) as { msg: string }).msg}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return [...counts].map(([key, count]) => `${key} (${count}x)`);
}

/** The producers' own blocks in a window, from their logs: how late after its slot's start each was signed. */
type Production = { readonly blocks: number; readonly slots: number; readonly lagP50: number; readonly lagMax: number };
function productionOf(outputs: readonly string[], fromMs: number, toMs: number, intervalMs: number): Production {
  const lags: number[] = [];
  for (const line of outputs.join('\n').split('\n')) {
    if (!line.includes('"block produced"')) continue;
    const { time, timestamp } = JSON.parse(line) as { time: string; timestamp: string };
    const slot = Number(timestamp);
    if (slot >= fromMs && slot < toMs) lags.push(Date.parse(time) - slot);
  }
  lags.sort((a, b) => a - b);
  return {
    blocks: lags.length,
    slots: Math.floor((toMs - fromMs) / intervalMs),
    lagP50: lags[Math.floor(lags.length / 2)] ?? Number.NaN,
    lagMax: lags.at(-1) ?? Number.NaN,
  };
}

/** A validator's pipeline counters (PipelineStats), from the line it logs as it stops. */
function pipelineWorkOf(output: string): string {
  const line = output.split('\n').findLast((l) => l.includes('"pipeline work since start"'));
  if (line === undefined) return 'not logged';
  const w = JSON.parse(line) as Record<string, number>;
  const counts = `transaction checks (stage 1) ${w.stage1Runs} run, ${w.stage1Reused} taken from a check; UTXO checks (stage 2) ${w.stage2Runs} run, ${w.stage2Reused} taken from a check; ${w.bodyDecodes} whole-block decodes`;
  return `${counts}; per block with transfers (its last logged ones): ${blockTimesOf(output)}`;
}

/** The validator's time per block (its log lines' `ms`): check_only, and the signed submission that connects it. */
function blockTimesOf(output: string): string {
  const checks: number[] = [];
  const connects: number[] = [];
  const txs: number[] = [];
  for (const line of output.split('\n')) {
    if (!line.includes('"block checked"') && !line.includes('"block connected"')) continue;
    const l = JSON.parse(line) as { msg: string; ms?: number; txs: number; source?: string };
    if (l.ms === undefined || l.txs < 2) continue;
    if (l.msg === 'block checked') {
      checks.push(l.ms);
      txs.push(l.txs);
    } else if (l.source === 'rpc') connects.push(l.ms);
  }
  const p50 = (v: number[]) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? Number.NaN;
  const max = (v: number[]) => Math.max(...v);
  return `check_only p50 ${p50(checks)} ms (max ${max(checks)}) for p50 ${p50(txs)} txs, the signed submission p50 ${p50(connects)} ms (max ${max(connects)}), ${checks.length} blocks`;
}

async function runTopology(topology: string): Promise<Run> {
  const nodeCount = TOPOLOGIES[topology]!.nodes;
  const work = mkdtempSync(path.join(tmpdir(), `bystack-tps-${topology}-`));
  const profileDir = path.join(work, 'profiles');
  const serviceEnv = {
    ...SERVICE_ENV,
    ...(PROFILE ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}),
  };
  const [nats, redis] = await Promise.all([startNats({ maxPayload: 8 * 1024 * 1024 }), startRedis()]);
  const nodes: SideNode[] = [];
  let producers: ProducerProcess[] = [];
  try {
    for (let k = 0; k < nodeCount; k++) {
      nodes.push(
        await SideNode.start({
          natsUrl: nats.url,
          redisUrl: redis.url,
          dataDir: path.join(work, `n${k}`),
          ...(nodeCount > 1 ? { nodeId: `n${k}`, gossip: true } : {}),
          env: serviceEnv,
        }),
      );
    }
    producers = [0, 1, 2, 3].map((i) => nodes[nodeCount > 1 ? i : 0]!.producer(i));
    // One at a time: four processes loading the chain at once can miss their start deadline on a busy machine.
    for (const p of producers) {
      await p.start().catch((err: Error) => {
        throw new Error(`${topology}: producer ${p.index} did not start: ${err.message}\n${p.output.slice(-3000)}`);
      });
    }
    const procs: Proc[] = [
      ...nodes.flatMap((node, k) => [
        { name: `validator n${k}`, pid: () => node.validator.pid },
        { name: `mempool n${k}`, pid: () => node.mempool.pid },
      ]),
      ...producers.map((p) => ({ name: `bbft ${p.index}`, pid: () => p.pid })),
      { name: 'nats-server', pid: () => nats.process?.pid },
      { name: 'redis-server', pid: () => redis.process?.pid },
    ];
    const settings: LoadSettings = {
      chainId: sideDevnetParams.chainId,
      mempools: nodes.map((n) => n.mempool.address),
      validators: nodes.map((n) => n.validator.address),
      txs: env('TPS_TXS', 60_000),
      fanout: 1000,
      batch: env('TPS_BATCH', 500),
      parallel: env('TPS_PARALLEL', 2),
      maxInFlight: TOPOLOGIES[topology]!.maxInFlight,
      seconds: env('TPS_SECONDS', 20),
      warmupSeconds: 3,
      drainSeconds: 10,
    };
    const load = spawn(
      process.execPath,
      [
        ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
        path.join(import.meta.dirname, 'tps-load.ts'),
        JSON.stringify(settings),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    procs.push({ name: 'load', pid: () => load.pid });
    const exited = new Promise<number | null>((resolve) => load.once('exit', resolve));
    let start: Snapshot | undefined;
    let end: Snapshot | undefined;
    let result: LoadResult | undefined;
    for await (const line of createInterface({ input: load.stdout! })) {
      const message = JSON.parse(line) as { event: string; phase?: string };
      if (message.event === 'window' && message.phase === 'start') start = snapshot(procs);
      else if (message.event === 'window') end = snapshot(procs);
      else if (message.event === 'result') result = message as LoadResult;
    }
    const code = await exited;
    if (code !== 0 || !result || !start || !end) throw new Error(`${topology}: the load process failed (exit ${code})`);
    const seconds = (end.at - start.at) / 1000;
    const cpu = new Map([...end.procs].map(([name, s]) => [name, s - (start.procs.get(name) ?? 0)]));
    const machineBusyCores =
      ((end.machine.busy - start.machine.busy) / (end.machine.total - start.machine.total)) * cores;
    const loadAverage = loadavg()[0]!;
    const production = productionOf(
      producers.map((p) => p.output),
      start.wallMs,
      end.wallMs,
      Number(sideDevnetParams.consensus.blockIntervalMs),
    );
    const logs: (readonly [string, string])[] = [
      ...nodes.flatMap((node, k) => [
        [`validator n${k}`, node.validator.output] as const,
        [`mempool n${k}`, node.mempool.output] as const,
      ]),
      ...producers.map((p) => [`bbft ${p.index}`, p.output] as const),
    ];
    const warnings = warningsOf(logs);
    if (process.env.TPS_DUMP) {
      for (const [name, out] of logs)
        writeFileSync(path.join(tmpdir(), `tps-${topology}-${name.replace(' ', '-')}.log`), out);
    }
    // Graceful stops, so that --cpu-prof writes the profiles.
    await Promise.all(producers.map((p) => p.stop()));
    for (const node of nodes.reverse()) await node.stop();
    const pipelineWork = nodes.reverse().map((node, k) => `validator n${k}: ${pipelineWorkOf(node.validator.output)}`);
    nodes.length = 0;
    const profiles = new Map<string, string[]>();
    if (PROFILE) {
      const names = end.pids;
      for (const file of readdirSync(profileDir)) {
        const pid = Number(file.split('.')[3]);
        const name = `${names.get(pid) ?? `pid ${pid}`}${file.split('.')[4] === '0' ? '' : ' (worker thread)'}`;
        profiles.set(name, hottestFunctions(path.join(profileDir, file), 6));
        // TPS_PROFILE_DIR: the profiles kept (named by process) for a closer look (e.g. Chrome DevTools).
        if (process.env.TPS_PROFILE_DIR) {
          mkdirSync(process.env.TPS_PROFILE_DIR, { recursive: true });
          const kept = `${topology}-${name.replaceAll(' ', '-').replaceAll(/[()]/g, '')}.cpuprofile`;
          copyFileSync(path.join(profileDir, file), path.join(process.env.TPS_PROFILE_DIR, kept));
        }
      }
    }
    return {
      topology,
      result,
      cpu,
      machineBusyCores,
      loadAverage,
      seconds,
      profiles,
      production,
      warnings,
      pipelineWork,
    };
  } finally {
    await Promise.all(producers.map((p) => p.kill()));
    for (const node of nodes) await node.stop();
    await Promise.all([nats.stop(), redis.stop()]);
    rmSync(work, { recursive: true, force: true });
  }
}

const ms = (v: number) => `${Math.round(v)} ms`;
const runs: Run[] = [];
for (const topology of RUNS) {
  console.log(`\n-- ${topology}: ${TOPOLOGIES[topology]!.title} --`);
  const run = await runTopology(topology);
  runs.push(run);
  const r = run.result;
  console.log(
    `  load: ${r.presigned} transfers pre-signed before the window in ${r.presignSeconds.toFixed(1)} s (signing in real time would take the load process's core), funded by peg-ins in ${r.fundingSeconds.toFixed(1)} s`,
  );
  report(
    '  sustained, submission -> irreversible',
    r.sustainedTps,
    'tx/s',
    `${ratio(r.sustainedTps, TARGET_TPS)} of the 10,000 tx/s target`,
  );
  report('  latency p50', r.latency.p50, 'ms');
  report('  latency p99', r.latency.p99, 'ms', `target ${TARGET_P99_MS} ms`);
  console.log(
    `  stages p50/p99: SubmitTxBatch call ${ms(r.submitCall.p50)}/${ms(r.submitCall.p99)}, accepted -> in a block ${ms(r.toBlock.p50)}/${ms(r.toBlock.p99)}, block -> irreversible ${ms(r.toIrreversible.p50)}/${ms(r.toIrreversible.p99)}`,
  );
  console.log(
    `  blocks in the window: ${r.blocks} (one every ${ms(r.blockIntervalMs)}), ${r.txsPerBlockMean.toFixed(0)} transfers each on average, ${r.txsPerBlockMax} at most; submitted ${r.submitted}, rejected ${JSON.stringify(r.rejected)}, not irreversible after the drain ${r.notFinal}`,
  );
  console.log(
    `  CPU over the ${run.seconds.toFixed(1)} s window (cores): ${[...run.cpu]
      .filter(([, s]) => s > 0)
      .map(([name, s]) => `${name} ${(s / run.seconds).toFixed(2)}`)
      .join(
        ', ',
      )}; machine busy ${run.machineBusyCores.toFixed(2)} of ${cores}; load average ${run.loadAverage.toFixed(2)}`,
  );
  const p = run.production;
  console.log(
    `  production: ${p.blocks} blocks made in ${p.slots} slots of the window; slot start -> block checked by the validator and signed: p50 ${ms(p.lagP50)}, max ${ms(p.lagMax)}`,
  );
  if (run.warnings.length > 0) console.log(`  warnings logged: ${run.warnings.join('; ')}`);
  console.log(`  pipeline work over the run: ${run.pipelineWork.join('; ')}`);
  for (const [name, lines] of run.profiles)
    console.log(`  profile ${name}:\n${lines.map((l) => `      ${l}`).join('\n')}`);
}

// --- Notes: what limits the figure ---
console.log('\nnotes');
for (const run of runs) {
  const r = run.result;
  const p = run.production;
  const ours = [...run.cpu.values()].reduce((a, b) => a + b, 0);
  const cpuPerTx = (ours / (r.sustainedTps * run.seconds)) * 1000;
  const top = [...run.cpu].sort((a, b) => b[1] - a[1]).slice(0, 3);
  const sigChecks = TOPOLOGIES[run.topology]!.nodes;
  const others = run.machineBusyCores - ours / run.seconds;
  const interval = Number(sideDevnetParams.consensus.blockIntervalMs);
  const notes = [
    `Signatures: ${r.sustainedTps.toFixed(0)} tx/s is ${ratio(r.sustainedTps, poolRate / sigChecks)} of what this run's Ed25519 pool verifies at ${sigChecks} check(s) per transfer (once per node: ${(poolRate / sigChecks).toFixed(0)} tx/s).`,
    r.sustainedTps > 0
      ? `CPU: the bench's processes used ${(ours / run.seconds).toFixed(2)} cores, ${cpuPerTx.toFixed(2)} ms per irreversible transfer (${cores} cores at that cost: ~${((cores * 1000) / cpuPerTx).toFixed(0)} tx/s); largest ${top.map(([n, s]) => `${n} ${(s / run.seconds).toFixed(2)}`).join(', ')}; other processes on the machine took ${Math.max(0, others).toFixed(2)} of the ${run.machineBusyCores.toFixed(2)} busy cores.`
      : `CPU: no transfer became irreversible in the window; the bench's processes used ${(ours / run.seconds).toFixed(2)} cores, other processes ${Math.max(0, others).toFixed(2)}.`,
    `Blocks: ${p.blocks} made in ${p.slots} slots (${ratio(p.blocks, p.slots)}), ${r.txsPerBlockMean.toFixed(0)} transfers each; a producer's own block is checked and signed ${ms(p.lagP50)} after its slot starts (p50; max ${ms(p.lagMax)}), and its next slot waits for it: the block path delivers ~${(r.txsPerBlockMean * (1000 / r.blockIntervalMs)).toFixed(0)} tx/s, and a transfer waits ${ms(r.toBlock.p50)} (p50) for its block.`,
  ];
  if (p.lagP50 > interval / 2 && sigChecks === 1) {
    notes.push(
      `Why a block takes longer than its slot: the validator handles one block at a time; per block, check_only decodes it and runs the transaction and UTXO checks, the signed SubmitBlock takes them from the check and checks the witness, the other producers' SubmitBlocks and net.block copies are compared byte for byte with it (header decoded alone) for their signatures, each new signature splices a header in front of the kept transaction bytes (the body is rewritten, synced, once: when the signatures make the block irreversible), and the commit shares the cross-process LMDB write lock with the 4 producers' synced signer records (one data dir); "pipeline work" above counts the checks run and reused; \`-- --profile\` shows where the rest goes (stage 1's transaction checks, GC, LMDB commits).`,
    );
  } else if (p.lagP50 > interval / 2) {
    notes.push(
      `Why a block takes longer than its slot: each of the ${sigChecks} nodes admits every transfer (its mempool: decode, stateless checks, signatures) and validates every block (its validator, one block at a time), all on ${cores} cores; a validator that misses bbft's 2 s deadline shows as "validator unreachable" above, and a producer that builds on a late head forks ("refused to sign a second block").`,
    );
  }
  console.log(`  ${run.topology}:\n${notes.map((n) => `    - ${n}`).join('\n')}`);
}
const full = runs.find((r) => r.topology === 'shared');
const light = runs.find((r) => r.topology === 'shared-light');
if (full && light) {
  const [f, l] = [full.result, light.result];
  console.log(
    `  shared vs shared-light: ${TOPOLOGIES.shared!.maxInFlight} transfers in flight gave ${f.sustainedTps.toFixed(0)} tx/s in blocks of ${f.txsPerBlockMean.toFixed(0)} (${ratio(full.production.blocks, full.production.slots)} of the slots filled), ${TOPOLOGIES['shared-light']!.maxInFlight} gave ${l.sustainedTps.toFixed(0)} tx/s (${ratio(l.sustainedTps, f.sustainedTps)}) in blocks of ${l.txsPerBlockMean.toFixed(0)} (${ratio(light.production.blocks, light.production.slots)}): past what a slot can check, a bigger block costs a missed slot, so blocks capped near what fits a slot (bbft's BYSTACK_BBFT_MAX_TXS, default 10,000) should do better than letting them grow (not measured here).`,
  );
}
