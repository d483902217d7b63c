// Tracing started after @grpc/grpc-js was loaded: it says so, gRPC is not instrumented, and NATS
// is still traced.
import '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNats, type TestServer } from '@bystack/testing';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { createNatsBus, type NatsBus, rawCodec, subject } from '../../src/nats/index.ts';
import { isGrpcLoaded, isTracingError, startTracing, type Tracing, TracingErrorCode } from '../../src/tracing/index.ts';

const exporter = new InMemorySpanExporter();
const warnings: string[] = [];
let tracing: Tracing;
let server: TestServer;
let bus: NatsBus;

before(async () => {
  assert.equal(isGrpcLoaded(), true);
  tracing = await startTracing({
    serviceName: 'late',
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
    warn: (msg) => warnings.push(msg),
  });
  server = await startNats({ jetstream: false });
  bus = await createNatsBus({ servers: server.url });
});

after(async () => {
  await bus?.close();
  await server?.stop();
  await tracing?.shutdown();
});

test('a late start warns and leaves gRPC uninstrumented', async () => {
  assert.equal(tracing.enabled, true);
  assert.equal(tracing.grpcInstrumented, false);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? '', /grpc-js was loaded before tracing started/);
  await assert.rejects(startTracing({ serviceName: 'again' }), (err: unknown) =>
    isTracingError(err, TracingErrorCode.AlreadyStarted),
  );
});

test('NATS publish and handling still form a producer/consumer pair', async () => {
  const s = subject('main', 'vote', 'cast');
  let traceparent: string | undefined;
  bus.subscribe(s, rawCodec, (_v, ctx) => {
    traceparent = ctx.header('traceparent');
  });
  await bus.flush();
  bus.publish(s, rawCodec, new Uint8Array([1]));
  for (let i = 0; i < 200 && exporter.getFinishedSpans().length < 2; i++) await sleep(5);
  const [producer, consumer] = [SpanKind.PRODUCER, SpanKind.CONSUMER].map((k) =>
    exporter.getFinishedSpans().find((sp) => sp.kind === k),
  );
  assert.ok(producer && consumer);
  assert.equal(consumer.parentSpanContext?.spanId, producer.spanContext().spanId);
  assert.equal(consumer.spanContext().traceId, producer.spanContext().traceId);
  assert.equal(traceparent, `00-${producer.spanContext().traceId}-${producer.spanContext().spanId}-01`);
});
