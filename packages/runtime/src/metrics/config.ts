import { setting } from '../config/fields.ts';
import { defineConfigSchema } from '../config/load.ts';

/** Settings of a service's Prometheus endpoint; spread into the service's schema. */
export const metricsConfigSchema = defineConfigSchema({
  metricsHost: setting.string({ default: '0.0.0.0', minLength: 1, doc: 'Interface of the /metrics endpoint' }),
  metricsPort: setting.port({ default: 9464, doc: 'Port of the /metrics endpoint' }),
});
