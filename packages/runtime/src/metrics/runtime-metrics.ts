// Metrics the runtime records by itself: every gRPC method served, every gRPC client retry, and
// every message handler wrapped with `instrumentHandler`.
import type { Registry } from 'prom-client';
import { counter, createServiceMetrics, gauge, histogram } from './define.ts';
import type { InstrumentedHandler, MetricsOf } from './types.ts';

/** Seconds; from sub-millisecond cache hits to slow block validations. */
export const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

export const runtimeMetricDefs = {
  grpcServerRequests: counter({
    name: 'bystack_grpc_server_requests_total',
    help: 'gRPC calls handled, by method (package.Service/Method) and gRPC status code name',
    labels: ['method', 'code'],
  }),
  grpcServerErrors: counter({
    name: 'bystack_grpc_server_errors_total',
    help: 'gRPC calls that failed, by method and stable error code (bystack-error-code)',
    labels: ['method', 'code'],
  }),
  grpcServerDuration: histogram({
    name: 'bystack_grpc_server_duration_seconds',
    help: 'gRPC call handling time, by method and gRPC status code name',
    labels: ['method', 'code'],
    buckets: LATENCY_BUCKETS,
  }),
  grpcServerInFlight: gauge({
    name: 'bystack_grpc_server_in_flight',
    help: 'gRPC calls being handled, by method',
    labels: ['method'],
  }),
  grpcClientRetries: counter({
    name: 'bystack_grpc_client_retries_total',
    help: 'Retried gRPC client attempts of idempotent methods, by method and the gRPC status that caused them',
    labels: ['method', 'code'],
  }),
  handlerMessages: counter({
    name: 'bystack_handler_messages_total',
    help: 'Messages handled, by handler and outcome (OK or the stable error code)',
    labels: ['handler', 'code'],
  }),
  handlerDuration: histogram({
    name: 'bystack_handler_duration_seconds',
    help: 'Message handling time, by handler and outcome',
    labels: ['handler', 'code'],
    buckets: LATENCY_BUCKETS,
  }),
  handlerInFlight: gauge({
    name: 'bystack_handler_in_flight',
    help: 'Messages being handled, by handler',
    labels: ['handler'],
  }),
} as const;

export type RuntimeMetrics = MetricsOf<typeof runtimeMetricDefs>;

const byRegistry = new WeakMap<Registry, RuntimeMetrics>();

/** The runtime's metric handles in `registry` (registered on first use). */
export function runtimeMetricsOf(registry: Registry): RuntimeMetrics {
  let m = byRegistry.get(registry);
  if (!m) {
    m = createServiceMetrics(registry, runtimeMetricDefs);
    byRegistry.set(registry, m);
  }
  return m;
}

const stableCode = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * The label for a failure: the error's stable string code (typed runtime and service errors all
 * carry one), else INTERNAL. Anything else would let arbitrary text explode label cardinality.
 */
export function errorCodeLabel(err: unknown): string {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && stableCode.test(code) ? code : 'INTERNAL';
}

/** Wraps `fn`: counts each call by outcome, times it, tracks in-flight calls; errors are rethrown. */
export function instrumentHandler<A extends unknown[], R>(
  metrics: RuntimeMetrics,
  name: string,
  fn: (...args: A) => R,
): InstrumentedHandler<A, R> {
  const inFlight = metrics.handlerInFlight.labels({ handler: name });
  return async (...args: A): Promise<Awaited<R>> => {
    const start = process.hrtime.bigint();
    inFlight.inc();
    let code = 'OK';
    try {
      return (await fn(...args)) as Awaited<R>;
    } catch (err) {
      code = errorCodeLabel(err);
      throw err;
    } finally {
      inFlight.dec();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      metrics.handlerMessages.inc({ handler: name, code });
      metrics.handlerDuration.observe({ handler: name, code }, seconds);
    }
  };
}
