// The devnet launcher: N nodes on one machine, each a nats-server (JetStream), a redis-server, a data
// dir for the embedded store, and the node services as separate processes: the main chain's
// validator, mempool and miner on every node, and on node 0 the side chains' validators, mempools and
// bbft producers (side-chains.ts). Programmatic (tests) and behind `npm start` / `bystack devnet` (cli.ts).
//
// Data dir layout (the same dir resumes the same chain):
//   <data-dir>/endpoints.json    what is running where (read by the CLI)
//   <data-dir>/devnet.pid        the launcher's pid while it runs (one launcher per data dir)
//   <data-dir>/<node>/store      the validators' embedded store and the producers' signer records (BYSTACK_DATA_DIR)
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
import {
  type DevnetEndpoints,
  type NodeEndpoints,
  removeEndpoints,
  type ServiceEndpoint,
  writeEndpoints,
} from './endpoints-file.ts';
import { natsConfigText } from './nats-config.ts';
import { ServiceProcess } from './service-process.ts';
import {
  SIDE_CHAIN_NAMES,
  SIDE_CHAINS,
  SIDE_PRODUCERS,
  type SideChainName,
  type SideChainWiring,
  sideMempoolEnv,
  sideProducerEnv,
  sideValidatorEnv,
} from './side-chains.ts';

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
  /**
   * Side chains node 0 runs (0..2, default 0 here; `npm start` asks for 2): side-devnet, then
   * side-devnet-2, each a validator, a mempool and the 4 devnet producers.
   */
  readonly sideChains?: number;
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
  readonly onServiceExit?: (
    node: DevnetNode,
    service: string,
    code: number | null,
    signal: string | null,
    logFile: string,
  ) => void;
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
  /** The side chains this node runs (node 0 only). */
  readonly sideChains: readonly DevnetSideChain[];
  /** The service, or an error if this node does not run it. */
  service(name: ServiceName): ServiceProcess;
};

/** One side chain on a node: its validator, mempool and producers (index = devnet producer key). */
export type DevnetSideChain = {
  readonly name: SideChainName;
  readonly chainId: string;
  readonly validator: ServiceProcess;
  readonly mempool: ServiceProcess;
  readonly producers: readonly ServiceProcess[];
};

type MutableNode = { -readonly [K in keyof DevnetNode]: DevnetNode[K] } & { sideChains: DevnetSideChain[] };

const defaultServicesDir = fileURLToPath(new URL('../../../../services/', import.meta.url));

export function serviceEntry(servicesDir: string, name: ServiceName | 'bbft'): string {
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
          validator: serviceEndpoint(n.services.validator)!,
          mempool: serviceEndpoint(n.services.mempool)!,
          miner: serviceEndpoint(n.services.miner),
          minerProgram: toHex(n.minerProgram),
          minerAddress: programToAddress(n.minerProgram, params) ?? '',
          sideChains: n.sideChains.map((side) => ({
            chain: side.name,
            chainId: side.chainId,
            validator: serviceEndpoint(side.validator)!,
            mempool: serviceEndpoint(side.mempool)!,
            producers: side.producers.map((p, index) => ({ index, ...serviceEndpoint(p)! })),
          })),
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
    // Block makers first, then what feeds them, then the validators.
    for (const stage of shutdownStages(this.nodes)) await Promise.all(stage.map((p) => p.stop()));
    await Promise.all(this.nodes.flatMap((n) => processesOf(n).map((p) => p.close())));
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
      for (const p of processesOf(n)) p.killNow();
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
    const sideChains = this.opts.sideChains ?? 0;
    if (!Number.isInteger(sideChains) || sideChains < 0 || sideChains > SIDE_CHAIN_NAMES.length) {
      throw new CliError(
        CliErrorCode.BAD_ARGUMENT,
        `--side-chains must be 0..${SIDE_CHAIN_NAMES.length}, got ${this.opts.sideChains}`,
      );
    }
    const services = this.opts.services ?? SERVICE_NAMES;
    const servicesDir = this.opts.servicesDir ?? defaultServicesDir;
    const needed = sideChains > 0 ? [...new Set([...services, 'validator', 'mempool', 'bbft'] as const)] : services;
    const missing = needed.filter((s) => !existsSync(serviceEntry(servicesDir, s)));
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
      await this.startSideChains(this.list[0]!, sideChains, servicesDir);
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
      sideChains: [],
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
    const env: NodeJS.ProcessEnv = {
      BYSTACK_NODE_ID: node.id,
      BYSTACK_CHAIN: this.chain,
      BYSTACK_NATS_URL: node.nats.url,
      BYSTACK_REDIS_URL: node.redis.url,
    };
    if (name === 'validator') env.BYSTACK_DATA_DIR = storeDir(node);
    if (name !== 'validator') env.BYSTACK_VALIDATOR_ADDR = node.services.validator?.address;
    if (name === 'miner') {
      env.BYSTACK_MEMPOOL_ADDR = node.services.mempool?.address;
      env.BYSTACK_MINER_PROGRAM = toHex(node.minerProgram);
      env.BYSTACK_MINER_THREADS = String(this.opts.minerThreads ?? 1);
    }
    Object.assign(env, this.opts.serviceEnv?.[name]);
    node.services[name] = await this.startProcess(node, name, serviceEntry(servicesDir, name), env, name);
  }

  /**
   * The first `count` side chains on `node`: per chain its validator, then its mempool, then its
   * producers; the chains side by side.
   */
  private async startSideChains(node: MutableNode, count: number, servicesDir: string): Promise<void> {
    const names = SIDE_CHAIN_NAMES.slice(0, count);
    if (names.length === 0) return;
    this.checkNotStopped();
    this.progress(`starting side chains ${names.join(', ')} on ${node.id}`);
    // Listed in chain order whatever order they came up in; a chain that failed stopped its own processes.
    const results = await Promise.allSettled(names.map((name) => this.startSideChain(node, name, servicesDir)));
    for (const r of results) if (r.status === 'fulfilled') node.sideChains.push(r.value);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async startSideChain(node: DevnetNode, name: SideChainName, servicesDir: string): Promise<DevnetSideChain> {
    const chainId = SIDE_CHAINS[name].chainId;
    const wiring: SideChainWiring = {
      chain: name,
      nodeId: node.id,
      natsUrl: node.nats.url,
      redisUrl: node.redis.url,
      dataDir: storeDir(node),
    };
    const started: ServiceProcess[] = [];
    const start = async (service: string, entry: 'validator' | 'mempool' | 'bbft', env: NodeJS.ProcessEnv) => {
      this.checkNotStopped();
      const label = `${chainId}/${service}`;
      const proc = await this.startProcess(node, label, serviceEntry(servicesDir, entry), env, `${chainId}-${service}`);
      started.push(proc);
      return proc;
    };
    try {
      const validator = await start('validator', 'validator', sideValidatorEnv(wiring));
      const mempool = await start('mempool', 'mempool', sideMempoolEnv(wiring));
      const producers = await Promise.allSettled(
        Array.from({ length: SIDE_PRODUCERS }, (_, index) =>
          start(
            `bbft-${index}`,
            'bbft',
            sideProducerEnv(wiring, { index, validatorAddr: validator.address, mempoolAddr: mempool.address }),
          ),
        ),
      );
      const failed = producers.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      const byIndex = producers.map((r) => (r as PromiseFulfilledResult<ServiceProcess>).value);
      return { name, chainId, validator, mempool, producers: byIndex };
    } catch (err) {
      // The chain is listed only once all its processes run: stop the ones that do here.
      for (const p of [...started].reverse()) await p.stop();
      await Promise.all(started.map((p) => p.close()));
      throw err;
    }
  }

  /** Starts one service process with the devnet's common environment plus `env`; ready when its gRPC port accepts. */
  private async startProcess(
    node: DevnetNode,
    label: string,
    entry: string,
    env: NodeJS.ProcessEnv,
    logName: string,
  ): Promise<ServiceProcess> {
    const [grpcPort, metricsPort] = [await freePort(), await freePort()];
    const base = { ...(this.opts.baseEnv ?? process.env) };
    delete base.NODE_TEST_CONTEXT;
    // No trace exporter unless the environment configures one (else every service retries a
    // collector on localhost:4318 and waits for it at shutdown).
    const otel = ['OTEL_SDK_DISABLED', 'OTEL_TRACES_EXPORTER', 'OTEL_EXPORTER_OTLP_ENDPOINT'];
    if (!otel.some((k) => base[k]) && !base.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) base.OTEL_SDK_DISABLED = 'true';
    const logFile = path.join(node.dataDir, 'logs', `${logName}.log`);
    const proc = new ServiceProcess({
      name: `${node.id}/${label}`,
      entry,
      env: {
        ...base,
        ...this.opts.env,
        BYSTACK_GRPC_HOST: '127.0.0.1',
        BYSTACK_GRPC_PORT: String(grpcPort),
        BYSTACK_METRICS_HOST: '127.0.0.1',
        BYSTACK_METRICS_PORT: String(metricsPort),
        BYSTACK_LOG_LEVEL: this.opts.logLevel ?? this.opts.env?.BYSTACK_LOG_LEVEL ?? 'info',
        ...env,
      },
      grpcPort,
      metricsPort,
      logFile,
      onUnexpectedExit: (code, signal) => {
        if (!this.stopped) this.opts.onServiceExit?.(node, label, code, signal, logFile);
      },
    });
    this.progress(`starting ${node.id}/${label} (gRPC ${proc.address})`);
    try {
      await proc.start();
    } catch (err) {
      // Not listed anywhere yet: its log is the only thing to close.
      await proc.close();
      throw err;
    }
    return proc;
  }
}

function storeDir(node: DevnetNode): string {
  return path.join(node.dataDir, 'store');
}

/** Every service process of a node, main chain and side chains. */
function processesOf(node: DevnetNode): ServiceProcess[] {
  const main = SERVICE_NAMES.map((s) => node.services[s]).filter((p) => p !== undefined);
  return [...main, ...node.sideChains.flatMap((side) => [side.validator, side.mempool, ...side.producers])];
}

/** Stop order: miners and producers, then mempools, then validators. */
function shutdownStages(nodes: readonly DevnetNode[]): ServiceProcess[][] {
  const pick = (main: ServiceName, side: (s: DevnetSideChain) => readonly (ServiceProcess | undefined)[]) =>
    nodes.flatMap((n) => [n.services[main], ...n.sideChains.flatMap(side)]).filter((p) => p !== undefined);
  return [
    pick('miner', (s) => s.producers),
    pick('mempool', (s) => [s.mempool]),
    pick('validator', (s) => [s.validator]),
  ];
}

function serviceEndpoint(p: ServiceProcess | undefined): ServiceEndpoint | undefined {
  return (
    p && {
      grpc: p.address,
      metrics: `http://127.0.0.1:${p.metricsPort}/metrics`,
      pid: p.pid,
      log: p.logFile,
    }
  );
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
