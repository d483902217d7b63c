// Producer processes (`node services/bbft/src/main.ts`, one per devnet producer key) and a NATS
// observer of the chain's net.block / net.sig traffic, for the end-to-end tests.
import { setTimeout as sleep } from 'node:timers/promises';
import { type SideChainWiring, sideProducerEnv } from '@bystack/cli';
import { bbftV1, chainV1 } from '@bystack/proto';
import { decodeSideBlock, devnetProducerXPrv, type SideBlock, sideBlockId, xprvToXPub } from '@bystack/protocol';
import { createGrpcClient, createNatsBus, type GrpcClient, type NatsBus, subject } from '@bystack/runtime';
import { type Exit, ServiceProcess } from './service-process.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export type BbftClient = GrpcClient<typeof bbftV1.BbftServiceService>;

/** Which devnet producer key, the node's services it works with, and extra environment (test switches). */
export type ProducerSetup = Parameters<typeof sideProducerEnv>[1] & { readonly env?: Record<string, string> };

/** Polls `check` every `everyMs` until it returns a value (not undefined/false) or `timeoutMs` passes. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    }
    await sleep(everyMs);
  }
}

/** `promise`, or a rejection naming `what` after `timeoutMs`. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One bbft process on the devnet producer key `index`. */
export class ProducerProcess {
  readonly index: number;
  readonly xpub: Uint8Array;
  readonly key: string;
  readonly #process: ServiceProcess;
  #client: BbftClient | undefined;

  /** The producer as the devnet launcher wires it on `node`. */
  constructor(node: SideChainWiring, setup: ProducerSetup) {
    this.index = setup.index;
    this.xpub = xprvToXPub(devnetProducerXPrv(setup.index));
    this.key = hex(this.xpub);
    this.#process = new ServiceProcess('bbft', { ...sideProducerEnv(node, setup), ...setup.env });
  }

  /** The running process's id, or undefined. */
  get pid(): number | undefined {
    return this.#process.pid;
  }

  get running(): boolean {
    return this.#process.running;
  }

  /** The last output of the process (JSON log lines), for failure messages. */
  get output(): string {
    return this.#process.output;
  }

  get client(): BbftClient {
    this.#client ??= createGrpcClient(bbftV1.BbftServiceService, this.#process.address, { deadlineMs: 2_000 });
    return this.#client;
  }

  /** Starts the process (extra env: the test-only switches) and waits until it serves its status. */
  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    await this.#process.start(extraEnv);
    await waitFor(`producer ${this.index} to load its chain`, async () => {
      if (!this.running) throw new Error(`producer ${this.index} exited:\n${this.output.slice(-4000)}`);
      return (await this.client.getStatus({})).tip !== undefined;
    });
  }

  /** Resolves with how the process ended. */
  exited(): Promise<Exit> {
    return this.#process.exited();
  }

  /** SIGTERM (graceful stop), waiting for the exit. */
  async stop(): Promise<void> {
    this.#closeClient();
    await this.#process.stop();
  }

  /** SIGKILL, waiting for the exit. */
  async kill(): Promise<void> {
    this.#closeClient();
    await this.#process.kill();
  }

  #closeClient(): void {
    this.#client?.close();
    this.#client = undefined;
  }

  async status(): Promise<bbftV1.GetStatusResponse> {
    return this.client.getStatus({});
  }
}

export type SeenSignature = {
  readonly blockKey: string;
  readonly height: bigint;
  readonly producer: string;
  readonly at: number;
};
export type SeenBlock = { readonly key: string; readonly block: SideBlock; readonly at: number };

/** Records every block announcement and signature of a chain, in arrival order. */
export class NetObserver {
  readonly signatures: SeenSignature[] = [];
  readonly blocks: SeenBlock[] = [];
  readonly bus: NatsBus;

  private constructor(bus: NatsBus) {
    this.bus = bus;
  }

  static async start(natsUrl: string, chainId: string): Promise<NetObserver> {
    const bus = await createNatsBus({ servers: natsUrl, name: 'bbft-test-observer' });
    const observer = new NetObserver(bus);
    bus.subscribe(subject(chainId, 'net', 'sig'), bbftV1.BlockSignature, (s) => {
      observer.signatures.push({
        blockKey: hex(s.blockId),
        height: s.height,
        producer: hex(s.producerXpub),
        at: Date.now(),
      });
    });
    bus.subscribe(subject(chainId, 'net', 'block'), chainV1.BlockAnnounce, (a) => {
      if (a.block === undefined) return;
      const block = decodeSideBlock(a.block.bytes);
      observer.blocks.push({ key: hex(sideBlockId(block.header)), block, at: Date.now() });
    });
    await bus.flush();
    return observer;
  }

  /** Producers (hex xpub) that signed block `key`. */
  signersOf(key: string): Set<string> {
    return new Set(this.signatures.filter((s) => s.blockKey === key).map((s) => s.producer));
  }

  async close(): Promise<void> {
    await this.bus.close();
  }
}
