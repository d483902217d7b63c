// The devnet launcher as a user runs it: `npm start` (node scripts/start.ts) in its own process.
// It prints the endpoints and blocks as they come, writes endpoints.json, refuses a second
// launcher on the same data dir, stops every process it started on SIGINT, and started again on
// the same data dir resumes the same chain. Without nats-server/redis-server it says how to
// install them.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { chainConfig, DEVNET_NATS_MAX_PAYLOAD, type DevnetEndpoints, NodeClient, readEndpoints } from '@bystack/cli';
import { createNatsBus } from '@bystack/runtime';
import { blockIdAt, REPO, tempDir, waitFor } from './support.ts';

const START = path.join(REPO, 'scripts', 'start.ts');
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
  return endpoints.nodes.flatMap((n) => [n.validator.pid, n.mempool.pid, n.miner?.pid]).filter((p) => p !== undefined);
}

after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

let tipBefore: { height: bigint; id: string };

test('npm start: endpoints, blocks as they come, one launcher per data dir, Ctrl-C stops everything', async () => {
  const devnet = launch(['--data-dir', dataDir]);
  await waitFor('the endpoints to be printed', () => devnet.out().includes('Ctrl-C stops the devnet.'));
  assert.match(devnet.out(), /validator\s+127\.0\.0\.1:\d+\s+bystack\.chain\.v1\.ChainService/);
  assert.match(devnet.out(), /mempool\s+127\.0\.0\.1:\d+/);
  assert.match(devnet.out(), /nats\s+nats:\/\/127\.0\.0\.1:\d+/);
  assert.match(devnet.out(), /redis\s+redis:\/\/127\.0\.0\.1:\d+/);
  await waitFor('two blocks to be shown', () => (devnet.out().match(/^block\s+\d+/gm) ?? []).length >= 2);

  const endpoints = readEndpoints(dataDir);
  assert.ok(endpoints, 'endpoints.json written');
  const running = pids(endpoints);
  assert.equal(running.length, 3);
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
  assert.ok(
    running.every((pid) => !alive(pid)),
    'every service process is gone',
  );
  assert.equal(existsSync(path.join(dataDir, 'endpoints.json')), false);
});

test('started again on the same data dir, it resumes the same chain', async () => {
  const devnet = launch(['--data-dir', dataDir, '--quiet', '--no-miner']);
  await waitFor('the devnet to be up', () => devnet.out().includes('Ctrl-C stops the devnet.'));
  const endpoints = readEndpoints(dataDir)!;
  const client = clientOf(endpoints);
  try {
    const tip = await client.tip();
    assert.ok(tip.height >= tipBefore.height);
    assert.equal(await blockIdAt(client, tipBefore.height), tipBefore.id);
  } finally {
    client.close();
  }
  devnet.child.kill('SIGTERM');
  assert.equal(await devnet.exit, 0);
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
