// The validator process: `node services/validator/src/main.ts`, configured by BYSTACK_* variables
// (see config.ts). Tracing starts before anything loads grpc-js, so gRPC calls are traced too.
import { startTracing } from '@bystack/runtime/tracing';

const tracing = await startTracing({ serviceName: 'validator' });
const { runService } = await import('@bystack/runtime');
const { validatorConfigSchema } = await import('./config.ts');
const { buildValidator } = await import('./service.ts');

await runService({
  name: 'validator',
  configSchema: validatorConfigSchema,
  build: async (ctx) => {
    ctx.onShutdown('tracing', () => tracing.shutdown());
    return buildValidator(ctx);
  },
});
