// Unary gRPC round trips on loopback: the runtime's server wrapper and promise client (typed
// errors, per-call signal, metrics) against bare grpc-js with the same generated service, measured
// in the same run. Sequential calls give latency (p50/p99); 64 calls in flight give throughput.
import { performance } from 'node:perf_hooks';
import { chainV1 } from '@bystack/proto';
import { ratio, report } from '@bystack/testing';
import { credentials, Server, ServerCredentials, type ServiceError } from '@grpc/grpc-js';
import { createGrpcClient } from '../src/grpc/client.ts';
import { createGrpcServer } from '../src/grpc/server.ts';
import { startService } from '../src/lifecycle/service.ts';

const MS = Number(process.env.BENCH_MS ?? 1500);
const CONCURRENCY = 64;
const request: chainV1.GetTipRequest = { chain: { chainId: 'main' } };
const response: chainV1.GetTipResponse = {
  tip: { blockId: Buffer.alloc(32, 1), height: 123_456n },
  irreversible: undefined,
};
const unimplemented = () => {
  throw new Error('not benchmarked');
};

type Call = () => Promise<unknown>;

async function sequential(call: Call): Promise<{ perSec: number; p50: number; p99: number }> {
  for (let i = 0; i < 200; i++) await call();
  const samples: number[] = [];
  const start = performance.now();
  while (performance.now() - start < MS) {
    const t = performance.now();
    await call();
    samples.push(performance.now() - t);
  }
  const elapsed = performance.now() - start;
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { perSec: (samples.length * 1000) / elapsed, p50: at(0.5), p99: at(0.99) };
}

async function concurrent(call: Call): Promise<number> {
  let done = 0;
  const start = performance.now();
  const worker = async () => {
    while (performance.now() - start < MS) {
      await call();
      done++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (done * 1000) / (performance.now() - start);
}

// Baseline: bare grpc-js server and generated callback client.
const bare = new Server();
bare.addService(chainV1.ChainServiceService, {
  getTip: (_call: unknown, cb: (err: null, res: chainV1.GetTipResponse) => void) => cb(null, response),
  getBlock: unimplemented,
  getTxStatus: unimplemented,
  listUtxos: unimplemented,
  watchBlocks: unimplemented,
});
const barePort = await new Promise<number>((resolve, reject) =>
  bare.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
);
const bareClient = new chainV1.ChainServiceClient(`127.0.0.1:${barePort}`, credentials.createInsecure());
const bareCall: Call = () =>
  new Promise((resolve, reject) =>
    bareClient.getTip(request, (err: ServiceError | null, res) => (err ? reject(err) : resolve(res))),
  );

// The runtime's server (health, reflection, metrics, per-call context) and promise client.
const service = await startService({
  name: 'bench',
  configSchema: {},
  configSources: { env: {}, argv: [] },
  logLevel: 'silent',
  processMetrics: false,
  build: async (ctx) => {
    const grpc = createGrpcServer({ host: '127.0.0.1', port: 0 }, ctx);
    grpc.addService(chainV1.ChainServiceService, {
      getTip: () => response,
      submitBlock: unimplemented,
      getBlock: unimplemented,
      getTxStatus: unimplemented,
      listUtxos: unimplemented,
      // biome-ignore lint/correctness/useYield: not benchmarked
      watchBlocks: async function* () {
        unimplemented();
      },
    });
    await grpc.start();
    return { grpc };
  },
});
const client = createGrpcClient(chainV1.ChainServiceService, `127.0.0.1:${service.modules.grpc.port}`, {
  idempotent: ['getTip'],
});
const runtimeCall: Call = () => client.getTip(request);

const baseSeq = await sequential(bareCall);
const ourSeq = await sequential(runtimeCall);
report(
  'grpc unary sequential, bare grpc-js',
  baseSeq.perSec,
  'calls/s',
  `p50 ${baseSeq.p50.toFixed(3)} ms, p99 ${baseSeq.p99.toFixed(3)} ms`,
);
report(
  'grpc unary sequential, runtime',
  ourSeq.perSec,
  'calls/s',
  `p50 ${ourSeq.p50.toFixed(3)} ms, p99 ${ourSeq.p99.toFixed(3)} ms; ${ratio(ourSeq.perSec, baseSeq.perSec)} of bare`,
);
const baseConc = await concurrent(bareCall);
const ourConc = await concurrent(runtimeCall);
report(`grpc unary ${CONCURRENCY} in flight, bare grpc-js`, baseConc, 'calls/s');
report(`grpc unary ${CONCURRENCY} in flight, runtime`, ourConc, 'calls/s', `${ratio(ourConc, baseConc)} of bare`);

client.close();
bareClient.close();
bare.forceShutdown();
await service.stop('bench done');
