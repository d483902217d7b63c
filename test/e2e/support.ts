// Shared pieces of the end-to-end tests: temporary devnets on real processes (nats-server,
// redis-server, the node services), the bystack CLI run as a process, and polling with a deadline
// (never a timed assertion: a wait either sees the state or fails with what it last saw).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chainConfig, type Devnet, type DevnetNode, type DevnetOptions, NodeClient, startDevnet } from '@bystack/cli';

export const REPO = path.resolve(import.meta.dirname, '..', '..');
export const CLI = path.join(REPO, 'packages', 'cli', 'bin', 'bystack.js');

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `bystack-e2e-${prefix}-`));
}

export type TestDevnet = Devnet & {
  /** Stops the devnet and removes its data dir. */
  dispose(): Promise<void>;
  /** A gRPC client of node `index` (closed by dispose). */
  client(index?: number): NodeClient;
  /** Unexpected service exits seen so far. */
  readonly exits: string[];
};

/** A devnet in a temporary data dir; services log at info to `<dir>/<node>/logs`. */
export async function startTestDevnet(name: string, opts: Partial<DevnetOptions> = {}): Promise<TestDevnet> {
  const dataDir = opts.dataDir ?? tempDir(name);
  const exits: string[] = [];
  const devnet = await startDevnet({
    ...opts,
    dataDir,
    onServiceExit: (node, service, code, signal, logFile) => {
      exits.push(`${node.id}/${service} code=${code} signal=${signal}`);
      opts.onServiceExit?.(node, service, code, signal, logFile);
    },
  });
  const clients = new Map<number, NodeClient>();
  return Object.assign(devnet, {
    exits,
    client(index = 0) {
      let c = clients.get(index);
      if (!c) {
        c = nodeClient(devnet, devnet.node(index));
        clients.set(index, c);
      }
      return c;
    },
    async dispose() {
      for (const c of clients.values()) c.close();
      await devnet.stop();
      if (process.env.BYSTACK_E2E_KEEP !== '1') rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

export function nodeClient(devnet: Devnet, node: DevnetNode): NodeClient {
  return new NodeClient({
    chain: chainConfig(devnet.chain),
    validator: node.service('validator').address,
    mempool: node.services.mempool?.address ?? node.service('validator').address,
    devnet: undefined,
  });
}

/** Polls `check` until it returns a value other than undefined/false; fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const detail =
        last instanceof Error ? last.message : JSON.stringify(last, (_k, v) => (typeof v === 'bigint' ? `${v}` : v));
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${detail})`);
    }
    await sleep(intervalMs);
  }
}

export type CliRun = {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The JSON document of a --json run (undefined if stdout is not JSON). */
  readonly json: Record<string, unknown> | undefined;
};

/** Runs the bystack CLI as its own process (Node 24, like `npx bystack`). */
export function runCli(
  args: readonly string[],
  opts: { dataDir?: string; keysDir?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliRun> {
  const flags = [
    ...(opts.dataDir ? ['--data-dir', opts.dataDir] : []),
    ...(opts.keysDir ? ['--keys-dir', opts.keysDir] : []),
  ];
  const env = { ...process.env, ...opts.env };
  delete env.NODE_TEST_CONTEXT;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, ...flags], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

/** Runs the CLI and fails (with its stderr) unless it exits 0; returns its JSON result. */
export async function cliJson(
  args: readonly string[],
  opts: Parameters<typeof runCli>[1] = {},
): Promise<Record<string, unknown>> {
  const run = await runCli([...args, '--json'], opts);
  if (run.code !== 0 || run.json === undefined) {
    throw new Error(`bystack ${args.join(' ')} exited ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  }
  return run.json;
}

/** The last lines of a node's service log, for failure messages. */
export function logTail(node: DevnetNode, service: 'validator' | 'mempool' | 'miner', lines = 30): string {
  try {
    const text = readFileSync(path.join(node.dataDir, 'logs', `${service}.log`), 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Sum of a program's unspent outputs per asset (hex asset id -> amount), through ListUtxos. */
export async function balances(client: NodeClient, program: Uint8Array): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  for (const u of await client.listUtxos(program)) {
    const key = Buffer.from(u.assetId).toString('hex');
    out.set(key, (out.get(key) ?? 0n) + u.amount);
  }
  return out;
}

export const BTM = 'ff'.repeat(32);

/** Waits until every client reports the same tip (id), and returns it. */
export async function sameTip(
  clients: readonly NodeClient[],
  what = 'the nodes to agree on the tip',
  timeoutMs = 90_000,
) {
  return waitFor(
    what,
    async () => {
      const tips = await Promise.all(clients.map((c) => c.tip()));
      const ids = new Set(tips.map((t) => Buffer.from(t.blockId).toString('hex')));
      return ids.size === 1 ? tips[0] : undefined;
    },
    timeoutMs,
  );
}

/** The block id at `height` on a node's main chain (hex). */
export async function blockIdAt(client: NodeClient, height: bigint): Promise<string> {
  const res = await client.chain.getBlock({ chain: { chainId: 'main' }, selector: { $case: 'height', value: height } });
  return Buffer.from(res.ref?.blockId ?? new Uint8Array(0)).toString('hex');
}
