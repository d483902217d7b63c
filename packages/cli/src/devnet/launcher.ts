// The devnet launcher: N nodes on one machine, each a nats-server (JetStream), a redis-server, a data
// dir for the embedded store, and the node services as separate processes. Programmatic (tests) and
// behind `npm start` / `bystack devnet` (cli.ts).
//
// Data dir layout (the same dir resumes the same chain):
//   <data-dir>/endpoints.json    what is running where (read by the CLI)
//   <data-dir>/devnet.pid        the launcher's pid while it runs (one launcher per data dir)
//   <data-dir>/<node>/store      the validator's embedded store (BYSTACK_DATA_DIR)
//   <data-dir>/<node>/nats       JetStream store and nats.conf
//   <data-dir>/<node>/redis      redis-server's dir (the hot tier is rebuilt from the store at start)
//   <data-dir>/<node>/logs       one log file per service and server
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { devnetControlProgram, devnetXPrv, xprvToXPub } from '@bystack/protocol';
import { createTcpProxy, freePort, ServerProcess, type TcpProxy } from '@bystack/testing';
import { type ChainName, chainConfig, DEFAULT_CHAIN } from '../chains.ts';
import { programToAddress } from '../cli/values.ts';
import { CliError, CliErrorCode } from '../errors.ts';
import { toHex } from '../hex.ts';
import { findServerBinaries } from './binaries.ts';
import { type DevnetEndpoints, type NodeEndpoints, removeEndpoints, writeEndpoints } from './endpoints-file.ts';
import { natsConfigText } from './nats-config.ts';
import { ServiceProcess } from './service-process.ts';

export const SERVICE_NAMES = ['validator', 'mempool', 'miner'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export type DevnetOptions = {
  readonly dataDir: string;
  /** Nodes forming one network (default 1). */
  readonly nodes?: number;
  readonly chain?: ChainName;
  /** Use this NATS server instead of starting one (single node only). */
  readonly natsUrl?: string;
  /** Use this Redis server instead of starting one (single node only). */
  readonly redisUrl?: string;
  /** Where each node's miner pays its coinbase (default: devnet key miner/<node index>). */
  readonly minerProgram?: Uint8Array | ((nodeIndex: number) => Uint8Array);
  /** Nonce-search threads per miner (default 1). */
  readonly minerThreads?: number;
  /** Services to start on each node (default all three). */
  readonly services?: readonly ServiceName[];
  /** Put a TCP proxy on each leafnode link (node k -> node 0), so a test can cut it. */
  readonly partitionable?: boolean;
  /** Extra environment for every service (BYSTACK_* tuning). */
  readonly env?: NodeJS.ProcessEnv;
  readonly serviceEnv?: Partial<Record<ServiceName, NodeJS.ProcessEnv>>;
  /** BYSTACK_LOG_LEVEL of the services (default info). */
  readonly logLevel?: string;
  /** Directory holding services/<name>/src/main.ts (default: this repository's services/). */
  readonly servicesDir?: string;
  /** Told about each step while starting. */
  readonly onProgress?: (message: string) => void;
  /** A service exited without being asked to. */
  readonly onServiceExit?: (node: DevnetNode, service: ServiceName, code: number | null, signal: string | null) => void;
  /** Base environment (default process.env). */
  readonly baseEnv?: NodeJS.ProcessEnv;
};

export type DevnetServer = {
  readonly url: string;
  readonly port: number;
  /** Undefined for a server given by URL. */
  readonly process: ServerProcess | undefined;
};

export type DevnetNode = {
  readonly index: number;
  readonly id: string;
  readonly dataDir: string;
  readonly nats: DevnetServer;
  readonly redis: DevnetServer;
  /** Node 0: its leafnode listener port. */
  readonly leafPort: number | undefined;
  /** Nodes 1..N-1 with `partitionable`: the proxy on this node's link to node 0. */
  readonly proxy: TcpProxy | undefined;
  readonly minerProgram: Uint8Array;
  readonly services: Partial<Record<ServiceName, ServiceProcess>>;
  /** The service, or an error if this node does not run it. */
  service(name: ServiceName): ServiceProcess;
};

type MutableNode = { -readonly [K in keyof DevnetNode]: DevnetNode[K] };

const defaultServicesDir = fileURLToPath(new URL('../../../../services/', import.meta.url));

export function serviceEntry(servicesDir: string, name: ServiceName): string {
  return path.join(servicesDir, name, 'src', 'main.ts');
}

export class Devnet {
  readonly dataDir: string;
  readonly chain: ChainName;
  private readonly list: MutableNode[] = [];
  readonly startedAt = new Date();
  private readonly opts: DevnetOptions;
  private stopping: Promise<void> | undefined;
  private launching: Promise<void> | undefined;
  private stopRequested = false;
  /** Whether this launcher holds the data dir's lock (and so owns its endpoints file). */
  private locked = false;
  private readonly onExit = () => this.killNow();

  /** A devnet not started yet: `start()` it (or use `startDevnet`). */
  constructor(opts: DevnetOptions) {
    this.opts = opts;
    this.dataDir = path.resolve(opts.dataDir);
    this.chain = opts.chain ?? DEFAULT_CHAIN;
  }

  /** Starts every server and service; on failure stops what it started and throws. */
  static async start(opts: DevnetOptions): Promise<Devnet> {
    const devnet = new Devnet(opts);
    await devnet.start();
    return devnet;
  }

  /**
   * Starts every server and service. On failure, or when `stop()` is called meanwhile (a Ctrl-C
   * during start-up), it stops what it started and rejects.
   */
  start(): Promise<void> {
    this.launching ??= this.launch();
    return this.launching;
  }

  get nodes(): readonly DevnetNode[] {
    return this.list;
  }

  get stopped(): boolean {
    return this.stopping !== undefined;
  }

  node(index: number): DevnetNode {
    const node = this.nodes[index];
    if (!node) throw new RangeError(`no node ${index}`);
    return node;
  }

  endpoints(): DevnetEndpoints {
    const params = chainConfig(this.chain).params;
    const svc = (p: ServiceProcess | undefined) =>
      p && {
        grpc: p.address,
        metrics: `http://127.0.0.1:${p.metricsPort}/metrics`,
        pid: p.pid,
        log: p.logFile,
      };
    return {
      version: 1,
      chain: this.chain,
      chainId: params.chainId,
      dataDir: this.dataDir,
      pid: process.pid,
      startedAt: this.startedAt.toISOString(),
      nodes: this.nodes.map(
        (n): NodeEndpoints => ({
          id: n.id,
          nats: n.nats.url,
          redis: n.redis.url,
          dataDir: n.dataDir,
          validator: svc(n.services.validator)!,
          mempool: svc(n.services.mempool)!,
          miner: svc(n.services.miner),
          minerProgram: toHex(n.minerProgram),
          minerAddress: programToAddress(n.minerProgram, params) ?? '',
        }),
      ),
    };
  }

  /** Rewrites endpoints.json (pids change when a service restarts). */
  writeEndpoints(): void {
    writeEndpoints(this.dataDir, this.endpoints());
  }

  /** Stops services (miners, mempools, validators: SIGTERM, then SIGKILL), proxies, then servers. */
  stop(): Promise<void> {
    this.stopRequested = true;
    this.stopping ??= (async () => {
      // A start in progress gives up at its next step; then everything it started is stopped.
      await this.launching?.catch(() => {});
      await this.shutdown();
    })();
    return this.stopping;
  }

  private checkNotStopped(): void {
    if (this.stopRequested) throw new CliError(CliErrorCode.INTERRUPTED, 'the devnet was stopped while starting');
  }

  private async shutdown(): Promise<void> {
    for (const name of [...SERVICE_NAMES].reverse()) {
      await Promise.all(this.nodes.map((n) => n.services[name]?.stop()));
    }
    await Promise.all(this.nodes.flatMap((n) => SERVICE_NAMES.map((s) => n.services[s]?.close())));
    await Promise.all(this.nodes.map((n) => n.proxy?.close()));
    await Promise.all(this.nodes.map((n) => n.redis.process?.stop()));
    // Leaf nodes first, node 0 last.
    for (const n of [...this.nodes].reverse()) await n.nats.process?.stop();
    if (this.locked) {
      removeEndpoints(this.dataDir);
      rmSync(lockPath(this.dataDir), { force: true });
    }
    process.off('exit', this.onExit);
  }

  /** Last resort at process exit: SIGKILL every child still running. */
  killNow(): void {
    for (const n of this.nodes) {
      for (const s of SERVICE_NAMES) n.services[s]?.killNow();
      for (const server of [n.nats.process, n.redis.process]) {
        const pid = server?.pid;
        if (pid !== undefined) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
      }
    }
  }

  private progress(message: string): void {
    this.opts.onProgress?.(message);
  }

  private async launch(): Promise<void> {
    const count = this.opts.nodes ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 16) {
      throw new CliError(CliErrorCode.BAD_ARGUMENT, `--nodes must be 1..16, got ${count}`);
    }
    if (count > 1 && (this.opts.natsUrl || this.opts.redisUrl)) {
      throw new CliError(
        CliErrorCode.BAD_ARGUMENT,
        'BYSTACK_NATS_URL / BYSTACK_REDIS_URL name one server; a devnet of several nodes starts its own (unset them)',
      );
    }
    const services = this.opts.services ?? SERVICE_NAMES;
    const servicesDir = this.opts.servicesDir ?? defaultServicesDir;
    const missing = services.filter((s) => !existsSync(serviceEntry(servicesDir, s)));
    if (missing.length > 0) {
      throw new CliError(
        CliErrorCode.SERVICE_MISSING,
        `the ${missing.join(', ')} service${missing.length > 1 ? 's are' : ' is'} not built yet (no ${missing.map((s) => serviceEntry(servicesDir, s)).join(', ')})`,
      );
    }
    const binaries = findServerBinaries({ nats: !this.opts.natsUrl, redis: !this.opts.redisUrl }, this.opts.baseEnv);
    mkdirSync(this.dataDir, { recursive: true });
    takeLock(this.dataDir);
    this.locked = true;
    process.on('exit', this.onExit);
    try {
      await this.startServers(count, binaries);
      for (const name of SERVICE_NAMES) {
        if (!services.includes(name)) continue;
        this.checkNotStopped();
        this.progress(`starting ${name}${count > 1 ? 's' : ''}`);
        await Promise.all(this.nodes.map((n) => this.startService(n, name, servicesDir)));
      }
      this.checkNotStopped();
      this.writeEndpoints();
    } catch (err) {
      // Stopped meanwhile: stop() shuts down once this settles. Failed: shut down here.
      if (!this.stopRequested) {
        this.stopping ??= this.shutdown();
        await this.stopping;
      }
      throw err;
    }
  }

  private async startServers(count: number, binaries: { nats: string; redis: string }): Promise<void> {
    let leafPort: number | undefined;
    for (let index = 0; index < count; index++) {
      this.checkNotStopped();
      const id = `n${index}`;
      const dir = path.join(this.dataDir, id);
      for (const sub of ['store', 'nats', 'redis', 'logs']) mkdirSync(path.join(dir, sub), { recursive: true });
      let proxy: TcpProxy | undefined;
      let nats: DevnetServer;
      if (this.opts.natsUrl) {
        nats = { url: this.opts.natsUrl, port: Number(new URL(this.opts.natsUrl).port), process: undefined };
      } else {
        const port = await freePort();
        if (index === 0 && count > 1) leafPort = await freePort();
        let leafRemote: string | undefined;
        if (index > 0) {
          if (this.opts.partitionable) proxy = await createTcpProxy({ targetPort: leafPort! });
          leafRemote = `127.0.0.1:${proxy?.port ?? leafPort}`;
        }
        const confFile = path.join(dir, 'nats', 'nats.conf');
        writeFileSync(
          confFile,
          natsConfigText({
            nodeId: id,
            port,
            storeDir: path.join(dir, 'nats'),
            logFile: path.join(dir, 'logs', 'nats.log'),
            ...(index === 0 && leafPort !== undefined ? { leafListenPort: leafPort } : {}),
            // A closed port: leaf nodes must not learn a way around their proxies.
            ...(index === 0 && leafPort !== undefined && this.opts.partitionable
              ? { leafAdvertise: `127.0.0.1:${await freePort()}` }
              : {}),
            ...(leafRemote ? { leafRemote } : {}),
          }),
        );
        this.progress(`starting nats-server for ${id} on port ${port}`);
        const proc = new ServerProcess({
          name: `nats-server (${id})`,
          command: binaries.nats,
          args: ['-c', confFile],
          port,
          installHint: 'install it with `apt-get install nats-server redis-server`',
          detached: true,
        });
        try {
          await proc.start();
        } catch (err) {
          await proxy?.close();
          throw err;
        }
        nats = { url: `nats://127.0.0.1:${port}`, port, process: proc };
      }
      // The node is listed as soon as its first server runs, so a failure stops it too.
      const node = this.addNode(index, id, dir, nats, leafPort, proxy);
      if (this.opts.redisUrl) {
        node.redis = { url: this.opts.redisUrl, port: Number(new URL(this.opts.redisUrl).port), process: undefined };
        continue;
      }
      const port = await freePort();
      this.progress(`starting redis-server for ${id} on port ${port}`);
      const proc = new ServerProcess({
        name: `redis-server (${id})`,
        command: binaries.redis,
        args: [
          ...['--bind', '127.0.0.1', '--port', String(port)],
          ...['--save', '', '--appendonly', 'no'],
          ...['--dir', path.join(dir, 'redis'), '--logfile', path.join(dir, 'logs', 'redis.log')],
        ],
        port,
        installHint: 'install it with `apt-get install nats-server redis-server`',
        detached: true,
      });
      node.redis = { url: `redis://127.0.0.1:${port}`, port, process: proc };
      await proc.start();
    }
  }

  private addNode(
    index: number,
    id: string,
    dir: string,
    nats: DevnetServer,
    leafPort: number | undefined,
    proxy: TcpProxy | undefined,
  ): MutableNode {
    const minerOpt = this.opts.minerProgram;
    const minerProgram =
      minerOpt === undefined
        ? devnetControlProgram(xprvToXPub(devnetXPrv('miner', index)))
        : typeof minerOpt === 'function'
          ? minerOpt(index)
          : minerOpt;
    const services: Partial<Record<ServiceName, ServiceProcess>> = {};
    const node: MutableNode = {
      index,
      id,
      dataDir: dir,
      nats,
      redis: { url: '', port: 0, process: undefined },
      leafPort: index === 0 ? leafPort : undefined,
      proxy,
      minerProgram,
      services,
      service(name) {
        const s = services[name];
        if (!s) throw new Error(`node ${id} runs no ${name}`);
        return s;
      },
    };
    this.list.push(node);
    return node;
  }

  private async startService(node: DevnetNode, name: ServiceName, servicesDir: string): Promise<void> {
    const [grpcPort, metricsPort] = [await freePort(), await freePort()];
    const base = { ...(this.opts.baseEnv ?? process.env) };
    delete base.NODE_TEST_CONTEXT;
    // No trace exporter unless the environment configures one (else every service retries a
    // collector on localhost:4318 and waits for it at shutdown).
    const otel = ['OTEL_SDK_DISABLED', 'OTEL_TRACES_EXPORTER', 'OTEL_EXPORTER_OTLP_ENDPOINT'];
    if (!otel.some((k) => base[k]) && !base.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) base.OTEL_SDK_DISABLED = 'true';
    const env: NodeJS.ProcessEnv = {
      ...base,
      ...this.opts.env,
      BYSTACK_NODE_ID: node.id,
      BYSTACK_CHAIN: this.chain,
      BYSTACK_NATS_URL: node.nats.url,
      BYSTACK_REDIS_URL: node.redis.url,
      BYSTACK_GRPC_HOST: '127.0.0.1',
      BYSTACK_GRPC_PORT: String(grpcPort),
      BYSTACK_METRICS_HOST: '127.0.0.1',
      BYSTACK_METRICS_PORT: String(metricsPort),
      BYSTACK_LOG_LEVEL: this.opts.logLevel ?? this.opts.env?.BYSTACK_LOG_LEVEL ?? 'info',
    };
    if (name === 'validator') env.BYSTACK_DATA_DIR = path.join(node.dataDir, 'store');
    if (name !== 'validator') env.BYSTACK_VALIDATOR_ADDR = node.services.validator?.address;
    if (name === 'miner') {
      env.BYSTACK_MEMPOOL_ADDR = node.services.mempool?.address;
      env.BYSTACK_MINER_PROGRAM = toHex(node.minerProgram);
      env.BYSTACK_MINER_THREADS = String(this.opts.minerThreads ?? 1);
    }
    Object.assign(env, this.opts.serviceEnv?.[name]);
    const proc = new ServiceProcess({
      name: `${node.id}/${name}`,
      entry: serviceEntry(servicesDir, name),
      env,
      grpcPort,
      metricsPort,
      logFile: path.join(node.dataDir, 'logs', `${name}.log`),
      onUnexpectedExit: (code, signal) => {
        if (!this.stopped) this.opts.onServiceExit?.(node, name, code, signal);
      },
    });
    node.services[name] = proc;
    this.progress(`starting ${node.id}/${name} (gRPC ${proc.address})`);
    await proc.start();
  }
}

function lockPath(dataDir: string): string {
  return path.join(dataDir, 'devnet.pid');
}

/** One launcher per data dir: a live pid in devnet.pid means another one runs. */
function takeLock(dataDir: string): void {
  const file = lockPath(dataDir);
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new CliError(
        CliErrorCode.DEVNET_RUNNING,
        `a devnet already runs on ${dataDir} (launcher pid ${pid})`,
        'Stop it with Ctrl-C in its terminal (or `kill ' + pid + '`), or use another --data-dir.',
      );
    }
  } catch (err) {
    if (err instanceof CliError) throw err;
  }
  writeFileSync(file, `${process.pid}\n`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Starts a devnet (see DevnetOptions). */
export function startDevnet(opts: DevnetOptions): Promise<Devnet> {
  return Devnet.start(opts);
}
