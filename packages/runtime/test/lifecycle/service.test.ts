import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config/errors.ts';
import { setting } from '../../src/config/fields.ts';
import { defineConfigSchema } from '../../src/config/load.ts';
import { ExitCode, isLifecycleError, LifecycleErrorCode } from '../../src/lifecycle/errors.ts';
import { runService } from '../../src/lifecycle/run-service.ts';
import { startService } from '../../src/lifecycle/service.ts';
import { ShutdownHooks } from '../../src/lifecycle/shutdown.ts';
import { createLogger } from '../../src/log/logger.ts';

const schema = defineConfigSchema({ chainId: setting.string({ default: 'main' }) });

function sink() {
  const lines: string[] = [];
  return {
    logSink: (l: string) => lines.push(l),
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('startService', () => {
  it('builds with config, log, metrics and signal; stop aborts, then closes in reverse order', async () => {
    const out = sink();
    const order: string[] = [];
    let signalAtClose: AbortSignal | undefined;
    const svc = await startService({
      name: 'svc',
      configSchema: schema,
      configSources: { env: { BYSTACK_CHAIN_ID: 'side-1', BYSTACK_LOG_LEVEL: 'debug' }, argv: [] },
      logSink: out.logSink,
      processMetrics: false,
      build: (ctx) => {
        assert.equal(ctx.name, 'svc');
        assert.equal(ctx.config.chainId, 'side-1');
        assert.equal(ctx.config.logLevel, 'debug');
        assert.equal(ctx.config.shutdownTimeout, 30_000);
        assert.equal(ctx.signal.aborted, false);
        for (const name of ['store', 'bus', 'grpc']) {
          ctx.onShutdown(name, async () => {
            signalAtClose = ctx.signal;
            order.push(name);
          });
        }
        return { ready: true };
      },
    });
    assert.deepEqual(svc.modules, { ready: true });
    const first = svc.stop('test');
    assert.equal(svc.stop('again'), first, 'stop is idempotent');
    assert.equal(await first, 0);
    assert.equal(await svc.stopped, 0);
    assert.deepEqual(order, ['grpc', 'bus', 'store']);
    assert.equal(signalAtClose?.aborted, true, 'modules are told to stop before they are closed');
    assert.ok(isLifecycleError(svc.signal.reason));
    assert.equal(svc.signal.reason.code, LifecycleErrorCode.ServiceStopping);
    const config = out.records().find((r) => r.msg === 'configuration')?.config;
    assert.deepEqual(config, { chainId: 'side-1', logLevel: 'debug', shutdownTimeout: 30_000 });
  });

  it('throws ConfigError before building anything', async () => {
    let built = false;
    await assert.rejects(
      startService({
        name: 'svc',
        configSchema: schema,
        configSources: { env: { BYSTACK_SHUTDOWN_TIMEOUT: 'never' }, argv: [] },
        logLevel: 'silent',
        build: () => {
          built = true;
        },
      }),
      (err: unknown) => err instanceof ConfigError && err.setting === 'BYSTACK_SHUTDOWN_TIMEOUT',
    );
    assert.equal(built, false);
  });

  it('closes what was built when the build fails, and throws BUILD_FAILED', async () => {
    const closed: string[] = [];
    const cause = new Error('no store');
    await assert.rejects(
      startService({
        name: 'svc',
        configSchema: schema,
        configSources: { env: {}, argv: [] },
        logLevel: 'silent',
        processMetrics: false,
        build: async (ctx) => {
          ctx.onShutdown('bus', () => {
            closed.push('bus');
          });
          throw cause;
        },
      }),
      (err: unknown) => isLifecycleError(err) && err.code === LifecycleErrorCode.BuildFailed && err.cause === cause,
    );
    assert.deepEqual(closed, ['bus']);
  });
});

describe('ShutdownHooks', () => {
  it('runs later hooks first, keeps going after a failure, reports a timeout', async () => {
    const out = sink();
    const log = createLogger({ service: 't', sink: out.logSink });
    const hooks = new ShutdownHooks(log);
    const ran: string[] = [];
    hooks.add('a', () => {
      ran.push('a');
    });
    hooks.add('b', () => {
      throw new Error('b broke');
    });
    hooks.add('c', async () => {
      ran.push('c');
    });
    const result = await hooks.runAll(Date.now() + 10_000);
    assert.deepEqual(ran, ['c', 'a']);
    assert.deepEqual(result, { ok: false, failed: ['b'], timedOut: [] });

    hooks.add('first', () => {});
    hooks.add('slow', () => new Promise(() => {}));
    const late = await hooks.runAll(Date.now() + 20);
    assert.deepEqual(late, { ok: false, failed: [], timedOut: ['slow', 'first'] });
    assert.equal(hooks.size, 0);
  });
});

describe('runService', () => {
  it('exits 78 on invalid configuration without building', async () => {
    const out = sink();
    let exitCode: number | undefined;
    const code = await runService({
      name: 'svc',
      configSchema: defineConfigSchema({ natsUrl: setting.url({ protocols: ['nats'] }) }),
      configSources: { env: { BYSTACK_NATS_URL: 'redis://x' }, argv: [] },
      logSink: out.logSink,
      signals: [],
      exit: (c) => {
        exitCode = c;
      },
      build: () => assert.fail('must not build'),
    });
    assert.equal(code, ExitCode.ConfigInvalid);
    assert.equal(exitCode, 78);
    const [record] = out.records();
    assert.equal(record?.level, 'error');
    assert.equal(record?.setting, 'BYSTACK_NATS_URL');
  });
});
