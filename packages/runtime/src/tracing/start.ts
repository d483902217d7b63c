// OpenTelemetry for a service process: the Node SDK configured from the standard OTEL_* variables
// (OTLP over http/protobuf by default), gRPC instrumentation, and W3C trace context on NATS.
//
// START-UP ORDER. The gRPC instrumentation patches @grpc/grpc-js as it loads, so `startTracing`
// must run before anything imports grpc-js: the runtime's grpc module, the generated proto code
// (@bystack/proto imports grpc-js), the service's own modules. A service entry point therefore
// imports only the tracing module statically and everything else dynamically after it:
//
//   // services/mempool/src/main.ts
//   import { startTracing } from '@bystack/runtime/tracing';   // loads no grpc-js
//   const tracing = await startTracing({ serviceName: 'mempool' });
//   const { main } = await import('./service.ts');              // grpc-js loads now, instrumented
//   await main({ tracing });                                     // register tracing.shutdown() first, so it runs last
//
// Services import grpc-js as an ES module, which only a module loader hook can patch; this
// registers import-in-the-middle's hook (restricted to @grpc/grpc-js) for that, and only then
// loads the Node SDK (which itself imports grpc-js for its OTLP/gRPC exporters). Called too late,
// `startTracing` still traces NATS but warns, and reports `grpcInstrumented: false`.
//
// OFF. With OTEL_SDK_DISABLED=true, or OTEL_TRACES_EXPORTER=none and no exporter given in code, no
// SDK starts and no hook is registered: the NATS bus then skips all trace work with one boolean test.
import { createRequire, register } from 'node:module';
import { type ProxyTracerProvider, trace } from '@opentelemetry/api';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import type { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import { TracingError, TracingErrorCode } from './errors.ts';
import { setTracingStarted } from './state.ts';

export type TracingOptions = {
  /** `service.name` of every span; OTEL_SERVICE_NAME overrides it. */
  readonly serviceName: string;
  /** Exporter to use instead of the one OTEL_TRACES_EXPORTER names (behind a batch processor). */
  readonly exporter?: SpanExporter;
  /** Span processors used as given (tests: a SimpleSpanProcessor over an InMemorySpanExporter). */
  readonly spanProcessors?: SpanProcessor[];
  /** Instrument @grpc/grpc-js (default true). */
  readonly grpc?: boolean;
  /** Where the too-late warning goes (default console.warn). */
  readonly warn?: (msg: string) => void;
};

export interface Tracing {
  /** False when tracing is off (see the module comment): every method is then a no-op. */
  readonly enabled: boolean;
  /** gRPC calls are traced (grpc-js was not loaded before `startTracing`). */
  readonly grpcInstrumented: boolean;
  /** Exports the spans ended so far. */
  forceFlush(): Promise<void>;
  /** Flushes and stops the SDK; call it last at shutdown. */
  shutdown(): Promise<void>;
}

const off: Tracing = {
  enabled: false,
  grpcInstrumented: false,
  forceFlush: async () => {},
  shutdown: async () => {},
};

let started = false;

/** True when the environment turns tracing off (see the module comment). */
export function tracingDisabledByEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return true;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return exporters[0] === 'none';
}

/** True when @grpc/grpc-js is already loaded in this process (too late to instrument it). */
export function isGrpcLoaded(): boolean {
  const require = createRequire(import.meta.url);
  try {
    return require.cache[require.resolve('@grpc/grpc-js')] !== undefined;
  } catch {
    return false;
  }
}

/** Starts tracing for this process, once; see the module comment for the start-up order. */
export async function startTracing(opts: TracingOptions): Promise<Tracing> {
  if (started)
    throw new TracingError(TracingErrorCode.AlreadyStarted, 'startTracing was already called in this process');
  if (typeof opts.serviceName !== 'string' || opts.serviceName.length === 0) {
    throw new TracingError(TracingErrorCode.InvalidOption, 'serviceName must be a non-empty string', {
      setting: 'serviceName',
    });
  }
  const inCode = opts.exporter !== undefined || opts.spanProcessors !== undefined;
  const sdkDisabled = (process.env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true';
  if (sdkDisabled || (!inCode && tracingDisabledByEnv())) return off;
  started = true;

  const grpc = opts.grpc !== false;
  let grpcInstrumented = false;
  if (grpc) {
    if (isGrpcLoaded()) {
      (opts.warn ?? console.warn)(
        'startTracing: @grpc/grpc-js was loaded before tracing started, so gRPC calls are not traced; ' +
          'start tracing first and import the service dynamically (see runtime/src/tracing/start.ts)',
      );
    } else {
      register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: ['@grpc/grpc-js'] } });
      grpcInstrumented = true;
    }
  }
  // Loaded only now: the SDK imports grpc-js, which must come after the hook.
  const { NodeSDK: Sdk } = await import('@opentelemetry/sdk-node');
  const sdk: NodeSDK = new Sdk({
    // OTEL_SERVICE_NAME, read by the SDK's env detector, wins over the name given in code.
    ...(process.env.OTEL_SERVICE_NAME ? {} : { serviceName: opts.serviceName }),
    instrumentations: grpc ? [new GrpcInstrumentation()] : [],
    // Tracing only: metrics are prom-client's (runtime/metrics), logs are JSON lines (runtime/log).
    metricReaders: [],
    logRecordProcessors: [],
    ...(opts.spanProcessors ? { spanProcessors: opts.spanProcessors } : {}),
    ...(!opts.spanProcessors && opts.exporter ? { traceExporter: opts.exporter } : {}),
  });
  sdk.start();
  setTracingStarted(true);

  return {
    enabled: true,
    grpcInstrumented,
    async forceFlush() {
      const provider = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate() as {
        forceFlush?: () => Promise<void>;
      };
      await provider.forceFlush?.();
    },
    async shutdown() {
      setTracingStarted(false);
      await sdk.shutdown();
    },
  };
}
