// Tracing off: no SDK, no hook, and the bus sends messages without any trace header.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNats, type TestServer } from '@bystack/testing';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { createNatsBus, type NatsBus, rawCodec, subject } from '../../src/nats/index.ts';
import { isTracingStarted, startTracing, tracingDisabledByEnv } from '../../src/tracing/index.ts';

let server: TestServer;
let bus: NatsBus;

before(async () => {
  server = await startNats({ jetstream: false });
  bus = await createNatsBus({ servers: server.url });
});

after(async () => {
  await bus?.close();
  await server?.stop();
});

test('the environment turns tracing off', () => {
  assert.equal(tracingDisabledByEnv({}), false);
  assert.equal(tracingDisabledByEnv({ OTEL_TRACES_EXPORTER: 'otlp' }), false);
  assert.equal(tracingDisabledByEnv({ OTEL_TRACES_EXPORTER: 'none' }), true);
  assert.equal(tracingDisabledByEnv({ OTEL_TRACES_EXPORTER: ' none , otlp' }), true);
  assert.equal(tracingDisabledByEnv({ OTEL_SDK_DISABLED: 'TRUE' }), true);
  assert.equal(tracingDisabledByEnv({ OTEL_SDK_DISABLED: 'false' }), false);
});

test('startTracing with OTEL_TRACES_EXPORTER=none starts nothing', async () => {
  const saved = { ...process.env };
  try {
    process.env.OTEL_TRACES_EXPORTER = 'none';
    const tracing = await startTracing({ serviceName: 'off' });
    assert.equal(tracing.enabled, false);
    assert.equal(isTracingStarted(), false);
    await tracing.shutdown();
    process.env.OTEL_TRACES_EXPORTER = 'otlp';
    process.env.OTEL_SDK_DISABLED = 'true';
    const disabled = await startTracing({ serviceName: 'off', exporter: new InMemorySpanExporter() });
    assert.equal(disabled.enabled, false, 'OTEL_SDK_DISABLED wins over an exporter given in code');
    assert.equal(isTracingStarted(), false);
  } finally {
    process.env = saved;
  }
});

test('with tracing off, messages carry no headers at all', async () => {
  const s = subject('main', 'tx', 'gossip');
  const seen: (string[] | undefined)[] = [];
  const raw = bus.connection.subscribe(s, {
    callback: (_err, m) => {
      seen.push(m.headers?.keys());
    },
  });
  await bus.flush();
  bus.publish(s, rawCodec, new Uint8Array([1]));
  bus.publish(s, rawCodec, new Uint8Array([2]), { headers: { 'x-one': '1' } });
  await bus.flush();
  for (let i = 0; i < 200 && seen.length < 2; i++) await sleep(5);
  raw.unsubscribe();
  assert.deepEqual(seen, [undefined, ['x-one']]);
});
