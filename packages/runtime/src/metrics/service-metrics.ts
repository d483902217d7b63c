import { collectDefaultMetrics, Registry } from 'prom-client';
import { createServiceMetrics } from './define.ts';
import { instrumentHandler, runtimeMetricsOf } from './runtime-metrics.ts';
import type { ServiceMetrics } from './types.ts';

export type ServiceMetricsOptions = {
  /** Added as the `service` label to every metric. */
  readonly service: string;
  /** Node process metrics (CPU, memory, event-loop lag, GC), prefixed `bystack_` (default true). */
  readonly processMetrics?: boolean;
};

/** A fresh registry for one service process, with the runtime's metrics registered in it. */
export function createMetrics(opts: ServiceMetricsOptions): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: opts.service });
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'bystack_' });
  const runtime = runtimeMetricsOf(registry);
  return {
    registry,
    define: (defs) => createServiceMetrics(registry, defs),
    instrumentHandler: (name, fn) => instrumentHandler(runtime, name, fn),
  };
}
