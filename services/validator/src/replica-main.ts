// A validator replica process (PSWV stage 1 across replicas): `node services/validator/src/replica-main.ts`,
// configured by BYSTACK_* variables (see replica-service.ts).
import { startTracing } from '@bystack/runtime/tracing';

const tracing = await startTracing({ serviceName: 'validator-replica' });
const { runService } = await import('@bystack/runtime');
const { buildReplica, replicaConfigSchema } = await import('./replica-service.ts');

await runService({
  name: 'validator-replica',
  configSchema: replicaConfigSchema,
  build: async (ctx) => {
    ctx.onShutdown('tracing', () => tracing.shutdown());
    return buildReplica(ctx);
  },
});
