// Starts the real servers a suite needs. Three sources, chosen by environment:
//   BYSTACK_TEST_NATS_URL / BYSTACK_TEST_REDIS_URL   use an existing server (no fault injection)
//   BYSTACK_TEST_CONTAINERS=1                        testcontainers (needs a container runtime)
//   otherwise                                        nats-server / redis-server processes on free ports
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.ts';
import { ServerProcess } from './server-process.ts';

export type TestServer = {
  /** Connection URL: nats://127.0.0.1:PORT or redis://127.0.0.1:PORT. */
  readonly url: string;
  readonly port: number;
  /** The process, when the harness owns one; undefined for external servers and containers. */
  readonly process: ServerProcess | undefined;
  /** Stops the server and removes its data. Safe to call twice. */
  stop(): Promise<void>;
};

const useContainers = () => process.env.BYSTACK_TEST_CONTAINERS === '1';

export type NatsOptions = {
  /** JetStream on (default true). */
  readonly jetstream?: boolean;
  /** Binary to run (default `nats-server` on the PATH, or BYSTACK_NATS_SERVER). */
  readonly binary?: string;
  /** The largest message in bytes (the server's default is 1 MiB; a 5,000-transfer block is 1.3 MB). */
  readonly maxPayload?: number;
};

export async function startNats(opts: NatsOptions = {}): Promise<TestServer> {
  const external = process.env.BYSTACK_TEST_NATS_URL;
  if (external) return externalServer(external);
  if (useContainers()) return containerServer('nats:2.10-alpine', 4222, 'nats', ['-js']);
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bystack-nats-'));
  const args = ['-a', '127.0.0.1', '-p', String(port), '-sd', dataDir];
  if (opts.jetstream !== false) args.push('-js');
  if (opts.maxPayload !== undefined) {
    // No command-line flag sets it: a config file does, and the flags above still apply.
    const config = path.join(dataDir, 'nats.conf');
    writeFileSync(config, `max_payload: ${opts.maxPayload}\n`);
    args.push('-c', config);
  }
  const proc = new ServerProcess({
    name: 'nats-server',
    command: opts.binary ?? process.env.BYSTACK_NATS_SERVER ?? 'nats-server',
    args,
    port,
    installHint: 'install it with `apt-get install nats-server`',
  });
  return ownedServer(proc, `nats://127.0.0.1:${port}`, dataDir);
}

export async function startRedis(): Promise<TestServer> {
  const external = process.env.BYSTACK_TEST_REDIS_URL;
  if (external) return externalServer(external);
  if (useContainers()) return containerServer('redis:7-alpine', 6379, 'redis');
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bystack-redis-'));
  const proc = new ServerProcess({
    name: 'redis-server',
    command: process.env.BYSTACK_REDIS_SERVER ?? 'redis-server',
    args: ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dataDir],
    port,
    installHint: 'install it with `apt-get install redis-server`',
  });
  return ownedServer(proc, `redis://127.0.0.1:${port}`, dataDir);
}

async function ownedServer(proc: ServerProcess, url: string, dataDir: string): Promise<TestServer> {
  try {
    await proc.start();
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    port: proc.port,
    process: proc,
    async stop() {
      await proc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function externalServer(url: string): TestServer {
  return { url, port: Number(new URL(url).port), process: undefined, stop: async () => {} };
}

async function containerServer(image: string, innerPort: number, scheme: string, command: string[] = []) {
  const { GenericContainer } = await import('testcontainers');
  let builder = new GenericContainer(image).withExposedPorts(innerPort);
  if (command.length > 0) builder = builder.withCommand(command);
  const container = await builder.start();
  const port = container.getMappedPort(innerPort);
  const server: TestServer = {
    url: `${scheme}://${container.getHost()}:${port}`,
    port,
    process: undefined,
    stop: async () => {
      await container.stop();
    },
  };
  return server;
}
