// Runs the miner service in this process (startService with an explicit environment), with a
// gRPC client of its MinerService and the log records it wrote.
import { minerV1 } from '@bystack/proto';
import { createGrpcClient, type GrpcClient, type ServiceHandle, startService } from '@bystack/runtime';
import { type MinerConfig, minerConfigSchema } from '../../src/config.ts';
import { buildMiner, type MinerModules } from '../../src/service.ts';
import type { LogRecord } from './log.ts';

export type RunningMiner = {
  readonly service: ServiceHandle<MinerConfig, MinerModules>;
  readonly client: GrpcClient<typeof minerV1.MinerServiceService>;
  readonly records: LogRecord[];
  /** Resolves once `pred` holds, checked every 20 ms. */
  until(pred: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
};

export async function startMiner(env: Record<string, string>): Promise<RunningMiner> {
  const records: LogRecord[] = [];
  const service = await startService({
    name: 'miner',
    configSchema: minerConfigSchema,
    configSources: {
      env: {
        BYSTACK_GRPC_HOST: '127.0.0.1',
        BYSTACK_GRPC_PORT: '0',
        BYSTACK_METRICS_HOST: '127.0.0.1',
        BYSTACK_METRICS_PORT: '0',
        BYSTACK_SHUTDOWN_TIMEOUT: '10s',
        ...env,
      },
      argv: [],
    },
    logSink: (line) => records.push(JSON.parse(line) as LogRecord),
    logLevel: 'debug',
    processMetrics: false,
    build: buildMiner,
  });
  const client = createGrpcClient(minerV1.MinerServiceService, `127.0.0.1:${service.modules.grpcPort}`, {
    deadlineMs: 20_000,
  });
  return {
    service,
    client,
    records,
    async until(pred, what, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pred()) {
        if (Date.now() > deadline) {
          throw new Error(`timed out waiting for ${what}; log:\n${records.map((r) => JSON.stringify(r)).join('\n')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      client.close();
      await service.stop();
    },
  };
}
