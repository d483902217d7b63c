// A mempool service in the test process, on real servers, with a gRPC client to it.
import { mempoolV1 } from '@bystack/proto';
import { createGrpcClient, type GrpcClient, isRpcError, type RpcError, type ServiceHandle } from '@bystack/runtime';
import { type MempoolModules, type MempoolServiceConfig, startMempool } from '../src/index.ts';

export type TestMempool = {
  readonly handle: ServiceHandle<MempoolServiceConfig, MempoolModules>;
  readonly client: GrpcClient<typeof mempoolV1.MempoolServiceService>;
  readonly modules: MempoolModules;
  stop(): Promise<void>;
};

export type TestMempoolOptions = {
  readonly natsUrl: string;
  readonly redisUrl: string;
  readonly nodeId?: string;
  readonly prefix?: string;
  /** More BYSTACK_* settings. */
  readonly env?: Readonly<Record<string, string>>;
};

export async function startTestMempool(opts: TestMempoolOptions): Promise<TestMempool> {
  const handle = await startMempool({
    configSources: {
      env: {
        BYSTACK_NODE_ID: opts.nodeId ?? 'n0',
        BYSTACK_CHAIN: 'main-devnet',
        BYSTACK_NATS_URL: opts.natsUrl,
        BYSTACK_REDIS_URL: opts.redisUrl,
        BYSTACK_REDIS_PREFIX: opts.prefix ?? 'bystack',
        BYSTACK_GRPC_HOST: '127.0.0.1',
        BYSTACK_GRPC_PORT: '0',
        BYSTACK_METRICS_HOST: '127.0.0.1',
        BYSTACK_METRICS_PORT: '0',
        BYSTACK_VERIFIER_WORKERS: '1',
        BYSTACK_GRPC_GRACE: '1s',
        BYSTACK_NATS_DRAIN_TIMEOUT: '1s',
        BYSTACK_SHUTDOWN_TIMEOUT: '10s',
        ...opts.env,
      },
      argv: [],
    },
    logLevel: (process.env.BYSTACK_TEST_LOG as 'debug' | undefined) ?? 'silent',
    processMetrics: false,
  });
  const client = createGrpcClient(mempoolV1.MempoolServiceService, `127.0.0.1:${handle.modules.grpcPort}`, {
    deadlineMs: 10_000,
  });
  return {
    handle,
    client,
    modules: handle.modules,
    async stop() {
      client.close();
      await handle.stop('test over');
    },
  };
}

/** For assert.rejects: an RpcError with this stable code. */
export function rpcCode(code: string): (err: unknown) => boolean {
  return (err) => {
    if (isRpcError(err) && err.code === code) return true;
    throw err;
  };
}

/** Resolves when `check` holds, polling every 10 ms (fails after `ms`). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms = 5_000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export type { RpcError };
