import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it, test } from 'node:test';
import { type Context, type ContextManager, context, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { createLogger, isLogLevel, type LogLevel } from '../../src/log/index.ts';

function capture(level: LogLevel = 'debug') {
  const lines: string[] = [];
  const log = createLogger({
    service: 'mempool',
    level,
    sink: (line) => lines.push(line),
    now: () => new Date('2025-01-02T03:04:05.678Z'),
  });
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines, records };
}

/** A minimal AsyncLocalStorage context manager, as the tracing SDK would register. */
class TestContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

describe('createLogger', () => {
  it('writes one JSON line per record with time, level, service, msg and the fields', () => {
    const { log, lines, records } = capture();
    log.info('tx admitted', { chain: 'main', fee: 12 });
    assert.equal(lines.length, 1);
    assert.ok(!lines[0]!.includes('\n'));
    assert.deepEqual(records()[0], {
      time: '2025-01-02T03:04:05.678Z',
      level: 'info',
      service: 'mempool',
      msg: 'tx admitted',
      chain: 'main',
      fee: 12,
    });
  });

  it('drops records below the level; silent drops all', () => {
    const warn = capture('warn');
    warn.log.debug('d');
    warn.log.info('i');
    warn.log.warn('w');
    warn.log.error('e');
    assert.deepEqual(
      warn.records().map((r) => r.level),
      ['warn', 'error'],
    );
    assert.equal(warn.log.isEnabled('info'), false);
    assert.equal(warn.log.isEnabled('error'), true);
    const silent = capture('silent');
    silent.log.error('nothing');
    assert.equal(silent.lines.length, 0);
  });

  it('child loggers bind fields; record fields win over bound ones', () => {
    const { log, records } = capture();
    const child = log.child({ module: 'grpc', chain: 'main' }).child({ method: 'GetTip' });
    child.info('call', { chain: 'side-1' });
    log.info('parent');
    const [a, b] = records();
    assert.equal(a!.module, 'grpc');
    assert.equal(a!.method, 'GetTip');
    assert.equal(a!.chain, 'side-1');
    assert.equal(b!.module, undefined);
    assert.equal(child.level, 'debug');
  });

  it('serialises bigint, bytes, Buffer and errors (with code and cause), and keeps reserved keys', () => {
    const { log, records } = capture();
    const err = Object.assign(new Error('boom', { cause: new Error('root') }), { code: 'STORE_DOWN' });
    log.error('failed', {
      amount: 2n ** 70n,
      id: new Uint8Array([0xde, 0xad]),
      buf: Buffer.from([1, 2]),
      err,
      msg: 'field named msg',
      skipped: undefined,
    });
    const r = records()[0]!;
    assert.equal(r.amount, '1180591620717411303424');
    assert.equal(r.id, 'dead');
    assert.equal(r.buf, '0102');
    const e = r.err as Record<string, unknown>;
    assert.equal(e.message, 'boom');
    assert.equal(e.code, 'STORE_DOWN');
    assert.match(String(e.stack), /boom/);
    assert.deepEqual((e.cause as Record<string, unknown>).message, 'root');
    assert.equal(r.msg, 'failed');
    assert.equal(r.msg_, 'field named msg');
    assert.ok(!('skipped' in r));
  });

  it('keeps the record when a field is circular', () => {
    const { log, records } = capture();
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    log.warn('odd', { loop });
    const r = records()[0]!;
    assert.equal(r.msg, 'odd');
    assert.match(String(r.log_error), /circular/i);
  });

  it('adds trace_id and span_id of the active span', () => {
    const manager = new TestContextManager();
    assert.ok(context.setGlobalContextManager(manager));
    try {
      const { log, records } = capture();
      const spanContext = {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceFlags: TraceFlags.SAMPLED,
      };
      const span = trace.wrapSpanContext(spanContext);
      context.with(trace.setSpan(context.active(), span), () => log.info('inside'));
      log.info('outside');
      const [inside, outside] = records();
      assert.equal(inside!.trace_id, spanContext.traceId);
      assert.equal(inside!.span_id, spanContext.spanId);
      assert.equal(outside!.trace_id, undefined);
    } finally {
      context.disable();
    }
  });

  it('isLogLevel', () => {
    assert.equal(isLogLevel('warn'), true);
    assert.equal(isLogLevel('verbose'), false);
    assert.equal(isLogLevel('constructor'), false);
  });
});

test('a stdout whose reader went away drops the lines instead of failing (EPIPE)', async () => {
  const child = spawn(process.execPath, [new URL('./children/broken-stdout.ts', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  await once(child.stdout, 'data');
  child.stdout.destroy();
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /EPIPE/);
});
