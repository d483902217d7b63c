export { metricsConfigSchema } from './config.ts';
export { counter, createServiceMetrics, DEFAULT_METRIC_PREFIX, gauge, histogram, metricNameOf } from './define.ts';
export {
  errorCodeLabel,
  instrumentHandler,
  LATENCY_BUCKETS,
  type RuntimeMetrics,
  runtimeMetricDefs,
  runtimeMetricsOf,
} from './runtime-metrics.ts';
export { createMetricsServer, type MetricsServer, type MetricsServerOptions } from './server.ts';
export { createMetrics, type ServiceMetricsOptions } from './service-metrics.ts';
export type {
  CounterDef,
  GaugeDef,
  HistogramDef,
  InstrumentedHandler,
  MetricDef,
  MetricDefs,
  MetricsOf,
  ServiceMetrics,
} from './types.ts';
