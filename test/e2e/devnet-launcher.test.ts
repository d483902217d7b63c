// The devnet launcher as a user runs it: `npm start` (node scripts/start.ts) in its own process.
// It prints the endpoints and blocks as they come, runs the main chain and two side chains (4 bbft
// producers each) whose blocks become irreversible, writes endpoints.json, refuses a second
// launcher on the same data dir, stops every process it started on SIGINT (producers included), and
// started again on the same data dir resumes every chain; `--side-chains 0` runs the main chain
// alone. Without nats-server/redis-server it says how to install them.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  chainConfig,
  DEVNET_NATS_MAX_PAYLOAD,
  type DevnetEndpoints,
  NodeClient,
  readEndpoints,
  SideChainClient,
  type SideTip,
} from '@bystack/cli';
import { createNatsBus } from '@bystack/runtime';
import { blockIdAt, cliJson, REPO, tempDir, waitFor } from './support.ts';

const START = path.join(REPO, 'scripts', 'start.ts');
/** Starting 17 processes (main chain, two side chains) on 2 shared cores takes a while. */
const UP_MS = 120_000;
const dataDir = tempDir('launcher');
const children: ChildProcess[] = [];

type Launcher = { child: ChildProcess; out: () => string; err: () => string; exit: Promise<number | null> };

function launch(args: string[], env: NodeJS.ProcessEnv = process.env): Launcher {
  const childEnv = { ...env };
  delete childEnv.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, [START, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exit };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function clientOf(endpoints: DevnetEndpoints): NodeClient {
  const node = endpoints.nodes[0]!;
  return new NodeClient({
    chain: chainConfig(endpoints.chain),
    validator: node.validator.grpc,
    mempool: node.mempool.grpc,
    devnet: endpoints,
  });
}

function pids(endpoints: DevnetEndpoints): number[] {
  return endpoints.nodes
    .flatMap((n) => [
      n.validator.pid,
      n.mempool.pid,
      n.miner?.pid,
      ...(n.sideChains ?? []).flatMap((s) => [s.validator.pid, s.mempool.pid, ...s.producers.map((p) => p.pid)]),
    ])
    .filter((p) => p !== undefined);
}

/** Clients of node 0's side-chain validators, by chain id. */
function sideClientsOf(endpoints: DevnetEndpoints): SideChainClient[] {
  return (endpoints.nodes[0]!.sideChains ?? []).map((s) => new SideChainClient(s.chainId, s.validator.grpc));
}

/** Waits until every side chain's validator holds an irreversible block at `height` or above. */
async function irreversibleAtLeast(clients: readonly SideChainClient[], height: bigint): Promise<SideTip[]> {
  return waitFor(
    `side chains ${clients.map((c) => c.chainId).join(', ')} irreversible at height ${height}`,
    async () => {
      const tips = await Promise.all(clients.map((c) => c.tip()));
      return tips.every((t) => t.irreversibleHeight >= height) ? tips : undefined;
    },
    60_000,
  );
}

async function sideBlockIdAt(client: SideChainClient, height: bigint): Promise<string> {
  const res = await client.chain.getBlock({
    chain: { chainId: client.chainId },
    selector: { $case: 'height', value: height },
  });
  return Buffer.from(res.ref?.blockId ?? new Uint8Array(0)).toString('hex');
}

/**
 * Stops a launcher that may still run (a failed test's): SIGINT, so that it stops its services
 * itself (they run detached: a SIGKILL of the launcher alone would leave them behind); SIGKILL only
 * if it hangs.
 */
async function stopLauncher(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise((resolve) => c.once('exit', resolve));
  c.kill('SIGINT');
  const timer = setTimeout(() => c.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

after(async () => {
  await Promise.all(children.map(stopLauncher));
  rmSync(dataDir, { recursive: true, force: true });
});

let tipBefore: { height: bigint; id: string };
let sideBefore: { chainId: string; height: bigint; id: string }[];

test('npm start: endpoints, main and side chains, one launcher per data dir, Ctrl-C stops everything', async () => {
  const devnet = launch(['--data-dir', dataDir]);
  await waitFor('the endpoints to be printed', () => devnet.out().includes('Ctrl-C stops the devnet.'), UP_MS);
  assert.match(devnet.out(), /validator\s+127\.0\.0\.1:\d+\s+bystack\.chain\.v1\.ChainService/);
  assert.match(devnet.out(), /mempool\s+127\.0\.0\.1:\d+/);
  assert.match(devnet.out(), /nats\s+nats:\/\/127\.0\.0\.1:\d+/);
  assert.match(devnet.out(), /redis\s+redis:\/\/127\.0\.0\.1:\d+/);
  assert.match(devnet.out(), /side chain side-devnet \(chain id "side-1"\)/);
  assert.match(devnet.out(), /side chain side-devnet-2 \(chain id "side-2"\)/);
  assert.equal(
    (devnet.out().match(/^\s+bbft \d\s+127\.0\.0\.1:\d+\s+bystack\.bbft\.v1\.BbftService/gm) ?? []).length,
    8,
  );

  const endpoints = readEndpoints(dataDir);
  assert.ok(endpoints, 'endpoints.json written');
  const sides = endpoints.nodes[0]!.sideChains ?? [];
  assert.deepEqual(
    sides.map((s) => [s.chain, s.chainId, s.producers.map((p) => p.index)]),
    [
      ['side-devnet', 'side-1', [0, 1, 2, 3]],
      ['side-devnet-2', 'side-2', [0, 1, 2, 3]],
    ],
  );
  const running = pids(endpoints);
  assert.equal(
    running.length,
    3 + 2 * 6,
    'main validator, mempool, miner; per side chain validator, mempool, 4 producers',
  );

  // Both side chains make blocks that become irreversible (their validators say so), the launcher
  // shows their progress, and the main chain still mines.
  const sideClients = sideClientsOf(endpoints);
  try {
    const tips = await irreversibleAtLeast(sideClients, 4n);
    sideBefore = tips.map((t, i) => ({
      chainId: sideClients[i]!.chainId,
      height: t.irreversibleHeight,
      id: Buffer.from(t.irreversibleId).toString('hex'),
    }));
  } finally {
    for (const c of sideClients) c.close();
  }
  await waitFor('two main-chain blocks to be shown', () => (devnet.out().match(/^block\s+\d+/gm) ?? []).length >= 2);
  await waitFor('side-chain progress lines', () =>
    ['side-1', 'side-2'].every((id) =>
      new RegExp(`^${id}\\s+height\\s+\\d+\\s+irreversible\\s+[1-9]\\d*`, 'm').test(devnet.out()),
    ),
  );
  const cliTip = await cliJson(['tip', '--chain', 'side-1', '--data-dir', dataDir]);
  assert.equal(cliTip.chainId, 'side-1');
  assert.ok(BigInt(cliTip.height as string) >= sideBefore[0]!.height);
  assert.ok(BigInt((cliTip.irreversible as { height: string }).height) >= sideBefore[0]!.height);
  // Blocks of 5,000 transfers (1.3 MB) must fit one NATS message.
  const bus = await createNatsBus({ servers: endpoints.nodes[0]!.nats, name: 'launcher-test' });
  assert.equal(bus.connection.info?.max_payload, DEVNET_NATS_MAX_PAYLOAD);
  await bus.close();
  assert.ok(running.every(alive));

  const second = launch(['--data-dir', dataDir]);
  assert.equal(await second.exit, 1);
  assert.match(second.err(), /DEVNET_RUNNING/);

  const client = clientOf(endpoints);
  const tip = await client.tip();
  client.close();
  tipBefore = { height: tip.height, id: Buffer.from(tip.blockId).toString('hex') };

  devnet.child.kill('SIGINT');
  assert.equal(await devnet.exit, 0);
  assert.match(devnet.err(), /devnet stopped/);
  assert.deepEqual(running.filter(alive), [], 'every service process is gone, producers included');
  assert.equal(existsSync(path.join(dataDir, 'endpoints.json')), false);
});

test('started again on the same data dir, it resumes every chain', async () => {
  const devnet = launch(['--data-dir', dataDir, '--quiet', '--no-miner']);
  await waitFor('the devnet to be up', () => devnet.out().includes('Ctrl-C stops the devnet.'), UP_MS);
  const endpoints = readEndpoints(dataDir)!;
  const client = clientOf(endpoints);
  const sideClients = sideClientsOf(endpoints);
  try {
    const tip = await client.tip();
    assert.ok(tip.height >= tipBefore.height);
    assert.equal(await blockIdAt(client, tipBefore.height), tipBefore.id);
    // The side chains go on from their irreversible blocks: same blocks there, finality moving on.
    assert.deepEqual(
      sideClients.map((c) => c.chainId),
      sideBefore.map((s) => s.chainId),
    );
    for (const [i, c] of sideClients.entries())
      assert.equal(await sideBlockIdAt(c, sideBefore[i]!.height), sideBefore[i]!.id);
    let highest = 0n;
    for (const s of sideBefore) if (s.height > highest) highest = s.height;
    await irreversibleAtLeast(sideClients, highest + 2n);
  } finally {
    client.close();
    for (const c of sideClients) c.close();
  }
  devnet.child.kill('SIGTERM');
  assert.equal(await devnet.exit, 0);
});

test('--side-chains 0 runs the main chain alone', async () => {
  const dir = tempDir('no-side');
  const devnet = launch(['--data-dir', dir, '--side-chains', '0', '--quiet', '--no-miner']);
  try {
    await waitFor('the devnet to be up', () => devnet.out().includes('Ctrl-C stops the devnet.'), UP_MS);
    assert.doesNotMatch(devnet.out(), /side chain|bbft/);
    const endpoints = readEndpoints(dir)!;
    assert.deepEqual(endpoints.nodes[0]!.sideChains, []);
    assert.equal(pids(endpoints).length, 2, 'a validator and a mempool');
    devnet.child.kill('SIGINT');
    assert.equal(await devnet.exit, 0);
  } finally {
    await stopLauncher(devnet.child);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without nats-server and redis-server it says how to install them', async () => {
  // A PATH with node only.
  const bin = tempDir('bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(process.execPath, path.join(bin, 'node'));
  const nobin = tempDir('nobin');
  const devnet = launch(['--data-dir', nobin], { ...process.env, PATH: bin });
  assert.equal(await devnet.exit, 1);
  assert.match(devnet.err(), /needs nats-server and redis-server/);
  assert.match(devnet.err(), /apt-get install nats-server redis-server/);
  rmSync(bin, { recursive: true, force: true });
  rmSync(nobin, { recursive: true, force: true });
});
