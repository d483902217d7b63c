// Shared by the gRPC tests: a ChainService on 127.0.0.1:0 inside a real service scope, and clients
// for the health and reflection services built from their own .proto files.
import { createRequire } from 'node:module';
import path from 'node:path';
import { chainV1 } from '@bystack/proto';
import { type Client, credentials, loadPackageDefinition, makeGenericClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { service as healthServiceDefinition } from 'grpc-health-check';
import { RpcError } from '../../src/grpc/errors.ts';
import { createGrpcServer, type GrpcServer } from '../../src/grpc/server.ts';
import type { GrpcServerOptions, ServiceImplementation } from '../../src/grpc/types.ts';
import { startService } from '../../src/lifecycle/service.ts';
import type { ServiceHandle } from '../../src/lifecycle/types.ts';

export type ChainImpl = ServiceImplementation<typeof chainV1.ChainServiceService>;

const unimplemented = () => {
  throw new RpcError('UNIMPLEMENTED', 'not in this test');
};

export function chainImpl(overrides: Partial<ChainImpl> = {}): ChainImpl {
  return {
    getTip: () => ({ tip: { blockId: Buffer.alloc(32, 1), height: 42n }, irreversible: undefined }),
    submitBlock: unimplemented,
    getBlock: unimplemented,
    getTxStatus: unimplemented,
    listUtxos: unimplemented,
    // biome-ignore lint/correctness/useYield: a stream that fails at once
    watchBlocks: async function* () {
      unimplemented();
    },
    ...overrides,
  };
}

export type ChainService = {
  readonly service: ServiceHandle<unknown, { grpc: GrpcServer }>;
  readonly grpc: GrpcServer;
  readonly address: string;
  /** Every log record the service wrote. */
  readonly records: () => Record<string, unknown>[];
};

export async function startChainService(
  impl: ChainImpl,
  opts: Partial<GrpcServerOptions> = {},
  name = 'test-chain',
): Promise<ChainService> {
  const lines: string[] = [];
  const service = await startService({
    name,
    configSchema: {},
    configSources: { env: { BYSTACK_SHUTDOWN_TIMEOUT: '10s' }, argv: [] },
    logSink: (line) => lines.push(line),
    logLevel: 'debug',
    processMetrics: false,
    build: async (ctx) => {
      const grpc = createGrpcServer({ host: '127.0.0.1', port: 0, graceMs: 5_000, ...opts }, ctx);
      grpc.addService(chainV1.ChainServiceService, impl);
      await grpc.start();
      return { grpc };
    },
  });
  return {
    service,
    grpc: service.modules.grpc,
    address: `127.0.0.1:${service.modules.grpc.port}`,
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

export type HealthResponse = { status: string };

export interface HealthClient extends Client {
  check(req: { service: string }, cb: (err: Error | null, res: HealthResponse) => void): void;
  watch(req: { service: string }): NodeJS.ReadableStream & { cancel(): void };
}

export function healthClient(address: string): HealthClient {
  const Ctor = makeGenericClientConstructor(healthServiceDefinition as never, 'Health');
  return new Ctor(address, credentials.createInsecure()) as unknown as HealthClient;
}

export function check(client: HealthClient, service: string): Promise<string> {
  return new Promise((resolve, reject) =>
    client.check({ service }, (err, res) => (err ? reject(err) : resolve(res.status))),
  );
}

/** A client of grpc.reflection.v1.ServerReflection, from the .proto shipped with @grpc/reflection. */
export function reflectionClient(address: string): Client & {
  serverReflectionInfo(): NodeJS.ReadWriteStream & { end(): void };
} {
  const require = createRequire(import.meta.url);
  const protoDir = path.join(path.dirname(require.resolve('@grpc/reflection')), '../proto');
  const definition = loadSync('grpc/reflection/v1/reflection.proto', { includeDirs: [protoDir], keepCase: true });
  const pkg = loadPackageDefinition(definition) as unknown as {
    grpc: { reflection: { v1: { ServerReflection: new (address: string, creds: unknown) => never } } };
  };
  return new pkg.grpc.reflection.v1.ServerReflection(address, credentials.createInsecure());
}

/** Resolves when `fn` returns true, checking on every log record or tick (no fixed sleeps). */
export async function until(fn: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
