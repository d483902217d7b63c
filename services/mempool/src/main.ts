// Entry point: `node services/mempool/src/main.ts`, configured by BYSTACK_* variables (see config.ts).
// Tracing starts before anything loads grpc-js, so gRPC calls are traced (see runtime tracing/start.ts).
import { startTracing } from '@bystack/runtime/tracing';

const tracing = await startTracing({ serviceName: 'mempool' });
const { runMempool } = await import('./service.ts');
await runMempool({
  exit: (code) => {
    void tracing.shutdown().finally(() => process.exit(code));
  },
});
