// The bbft process, one per producer key: `node services/bbft/src/main.ts`, configured by BYSTACK_*
// variables (see config.ts).
import { runService } from '@bystack/runtime';
import { bbftConfigSchema } from './config.ts';
import { buildBbft } from './service.ts';

await runService({ name: 'bbft', configSchema: bbftConfigSchema, build: buildBbft });
