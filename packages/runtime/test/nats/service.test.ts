// The bus as a module of a service: built from the service's settings and context, stopped by the
// service's shutdown (subscriptions and consumers drain, then the connection closes).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNats, type TestServer } from '@bystack/testing';
import { ConfigError } from '../../src/config/index.ts';
import { startService } from '../../src/lifecycle/index.ts';
import {
  createNatsBus,
  NatsError,
  NatsErrorCode,
  natsBusOptionsFromConfig,
  natsConfigSchema,
  rawCodec,
  subject,
} from '../../src/nats/index.ts';

let server: TestServer;

before(async () => {
  server = await startNats();
});

after(async () => {
  await server?.stop();
});

test('a service builds the bus from its settings and context, and its stop drains it', async () => {
  const s = subject('main', 'block', 'committed');
  let started = 0;
  let finished = 0;
  const svc = await startService({
    name: 'nats-svc',
    configSchema: natsConfigSchema,
    configSources: { env: { BYSTACK_NATS_URL: server.url, BYSTACK_NATS_DRAIN_TIMEOUT: '5s' }, argv: [] },
    logLevel: 'silent',
    processMetrics: false,
    build: async (ctx) => {
      const bus = await createNatsBus(natsBusOptionsFromConfig(ctx.config, ctx.name), ctx);
      bus.subscribe(s, rawCodec, async () => {
        started++;
        await sleep(100);
        finished++;
      });
      const js = await bus.jetstream();
      await js.declareStream({ name: 'SVC', subjects: [subject('main', 'tx', 'committed')] });
      await js.ensureConsumer({ stream: 'SVC', durable: 'svc' });
      js.consume({ stream: 'SVC', durable: 'svc' }, rawCodec, () => {});
      await bus.flush();
      return { bus };
    },
  });
  const publisher = await createNatsBus({ servers: server.url });
  publisher.publish(s, rawCodec, new Uint8Array([1]));
  await publisher.flush();
  while (started === 0) await sleep(5);
  assert.equal(await svc.stop('test'), 0);
  assert.equal(finished, 1, 'the handler in progress finished before the connection closed');
  assert.equal(svc.modules.bus.isClosed, true);
  await publisher.close();
});

test("a service's bus counts and times every handler in its metrics, by outcome code", async () => {
  const ok = subject('main', 'tx', 'gossip');
  const failing = subject('main', 'block', 'sync');
  const svc = await startService({
    name: 'nats-metrics',
    configSchema: natsConfigSchema,
    configSources: { env: { BYSTACK_NATS_URL: server.url }, argv: [] },
    logLevel: 'silent',
    processMetrics: false,
    build: async (ctx) => {
      const bus = await createNatsBus(natsBusOptionsFromConfig(ctx.config, ctx.name), ctx);
      bus.subscribe(ok, rawCodec, () => {});
      bus.reply(failing, rawCodec, rawCodec, () => {
        throw new NatsError(NatsErrorCode.Unsupported, 'refused');
      });
      await bus.flush();
      return { bus, registry: ctx.metrics.registry };
    },
  });
  const client = await createNatsBus({ servers: server.url });
  for (let i = 0; i < 3; i++) client.publish(ok, rawCodec, new Uint8Array([i]));
  await assert.rejects(client.request(failing, rawCodec, new Uint8Array(), rawCodec));
  await client.flush();
  const registry = svc.modules.registry;
  const counted = async () => (await registry.getSingleMetric('bystack_handler_messages_total')?.get())?.values ?? [];
  while ((await counted()).reduce((n, v) => n + v.value, 0) < 4) await sleep(5);
  const values = await counted();
  const of = (handler: string, code: string) =>
    values.find((v) => v.labels.handler === handler && v.labels.code === code)?.value;
  assert.equal(of(`subscribe ${ok}`, 'OK'), 3);
  assert.equal(of(`reply ${failing}`, NatsErrorCode.Unsupported), 1);
  await client.close();
  await svc.stop('test');
});

test('a bad NATS setting is named', async () => {
  await assert.rejects(
    startService({
      name: 'nats-svc',
      configSchema: natsConfigSchema,
      configSources: { env: { BYSTACK_NATS_URL: 'http://x:1' }, argv: [] },
      logLevel: 'silent',
      processMetrics: false,
      build: () => ({}),
    }),
    (err: unknown) => err instanceof ConfigError && err.setting === 'BYSTACK_NATS_URL',
  );
});
