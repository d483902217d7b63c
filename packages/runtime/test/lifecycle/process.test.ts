// The lifecycle as operators see it: a real service process, real signals, its exit code and logs.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chainV1 } from '@bystack/proto';
import { createGrpcClient } from '../../src/grpc/client.ts';

const fixture = fileURLToPath(new URL('./fixtures/chain-service.ts', import.meta.url));

type LogRecord = Record<string, unknown> & { msg: string };

type Running = {
  readonly child: ChildProcess;
  readonly records: LogRecord[];
  /** Resolves with the first record (already written or to come) matching `pred`. */
  waitFor(pred: (r: LogRecord) => boolean, what: string): Promise<LogRecord>;
  readonly exitCode: Promise<number | null>;
};

function startFixture(env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [fixture], {
    env: {
      PATH: process.env.PATH ?? '',
      BYSTACK_GRPC_HOST: '127.0.0.1',
      BYSTACK_GRPC_PORT: '0',
      BYSTACK_SHUTDOWN_TIMEOUT: '20s',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const records: LogRecord[] = [];
  const events = new EventEmitter();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const record = JSON.parse(line) as LogRecord;
    records.push(record);
    events.emit('record', record);
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exitCode = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (pred: (r: LogRecord) => boolean, what: string) =>
    new Promise<LogRecord>((resolve, reject) => {
      const found = records.find(pred);
      if (found) return resolve(found);
      const onRecord = (r: LogRecord) => {
        if (!pred(r)) return;
        events.off('record', onRecord);
        resolve(r);
      };
      events.on('record', onRecord);
      void exitCode.then(() => {
        events.off('record', onRecord);
        reject(
          new Error(
            `exited before ${what}; stderr: ${stderr}; logs:\n${records.map((r) => JSON.stringify(r)).join('\n')}`,
          ),
        );
      });
    });
  return { child, records, waitFor, exitCode };
}

const listening = (r: LogRecord) => r.msg === 'gRPC server listening';
/** Messages, with the module named for the shutdown steps ("closing bus"). */
const msgs = (records: LogRecord[]) => records.map((r) => (/^clos/.test(r.msg) ? `${r.msg} ${r.module}` : r.msg));

describe('service process lifecycle', () => {
  it('on SIGTERM finishes the in-flight call, closes in reverse build order, exits 0', async () => {
    const svc = startFixture();
    const { port } = (await svc.waitFor(listening, 'listening')) as LogRecord & { port: number };
    const client = createGrpcClient(chainV1.ChainServiceService, `127.0.0.1:${port}`);
    try {
      const call = client.getTip({ chain: { chainId: 'main' } });
      await svc.waitFor((r) => r.msg === 'request started', 'the request to start');
      svc.child.kill('SIGTERM');
      const res = await call;
      assert.equal(res.tip?.height, 7n, 'the in-flight request completed');
      assert.equal(await svc.exitCode, 0);
    } finally {
      client.close();
    }
    const log = msgs(svc.records);
    const at = (m: string) => {
      const i = log.indexOf(m);
      assert.ok(i >= 0, `missing log "${m}" in ${JSON.stringify(log)}`);
      return i;
    };
    assert.ok(at('shutting down') < at('bus draining subscriptions'), 'the abort reaches the modules');
    assert.ok(at('bus draining subscriptions') < at('request finished'));
    assert.ok(at('request finished') < at('closed grpc-server'), 'the server waits for its call');
    assert.deepEqual(
      log.filter((m) => m.startsWith('clos')),
      ['closing grpc-server', 'closed grpc-server', 'closing bus', 'closed bus', 'closing store', 'closed store'],
    );
    const stopped = svc.records.at(-1)!;
    assert.equal(stopped.msg, 'stopped');
    assert.equal(stopped.code, 0);
    assert.equal(svc.records.find((r) => r.msg === 'shutting down')?.reason, 'SIGTERM');
    for (const r of svc.records) assert.equal(r.service, 'fixture-chain');
  });

  it('exits 1 when a module does not close within the shutdown timeout', async () => {
    const svc = startFixture({ BYSTACK_HANG_ON_CLOSE: 'true', BYSTACK_SHUTDOWN_TIMEOUT: '300ms' });
    await svc.waitFor(listening, 'listening');
    svc.child.kill('SIGTERM');
    assert.equal(await svc.exitCode, 1);
    const timedOut = svc.records.find((r) => r.msg === 'shutdown timed out');
    assert.ok(timedOut);
    assert.equal(timedOut.module, 'store');
    assert.deepEqual(timedOut.not_closed, ['store']);
  });

  it('exits 1 when a module fails to close, and still closes the others (SIGINT)', async () => {
    const svc = startFixture({ BYSTACK_FAIL_ON_CLOSE: 'true' });
    await svc.waitFor(listening, 'listening');
    svc.child.kill('SIGINT');
    assert.equal(await svc.exitCode, 1);
    const log = msgs(svc.records);
    assert.ok(log.includes('close failed bus'));
    assert.ok(log.includes('closed store'), 'the store closes after the bus failed');
    const failed = svc.records.find((r) => r.msg === 'close failed');
    assert.match(String((failed?.err as { message?: string } | undefined)?.message), /bus close failed/);
  });

  it('exits 1 when the build fails, after closing what was built', async () => {
    const svc = startFixture({ BYSTACK_FAIL_BUILD: 'true' });
    assert.equal(await svc.exitCode, 1);
    const log = msgs(svc.records);
    assert.ok(log.includes('build failed'));
    assert.deepEqual(
      log.filter((m) => m.startsWith('closed')),
      ['closed bus', 'closed store'],
    );
  });

  it('exits 78 naming the setting when the configuration is invalid', async () => {
    const svc = startFixture({ BYSTACK_GRPC_PORT: 'fifty' });
    assert.equal(await svc.exitCode, 78);
    const err = svc.records.find((r) => r.level === 'error');
    assert.ok(err);
    assert.equal(err.code, 'CONFIG_INVALID');
    assert.equal(err.setting, 'BYSTACK_GRPC_PORT');
    assert.match(err.msg, /BYSTACK_GRPC_PORT .*expected a port number/);
  });

  it('exits 1 after an uncaught exception, once the modules are closed', async () => {
    const svc = startFixture({ BYSTACK_CRASH_AFTER_START: 'true' });
    assert.equal(await svc.exitCode, 1);
    const log = msgs(svc.records);
    assert.ok(log.indexOf('uncaught exception') < log.indexOf('shutting down'));
    assert.deepEqual(
      log.filter((m) => m.startsWith('closed')),
      ['closed grpc-server', 'closed bus', 'closed store'],
    );
    const crash = svc.records.find((r) => r.msg === 'uncaught exception');
    assert.match(String((crash?.err as { message?: string } | undefined)?.message), /unexpected crash/);
  });

  it('exits 1 at once on a second signal during shutdown', async () => {
    const svc = startFixture({ BYSTACK_HANG_ON_CLOSE: 'true' });
    await svc.waitFor(listening, 'listening');
    svc.child.kill('SIGTERM');
    await svc.waitFor((r) => r.msg === 'closing' && r.module === 'store', 'the hanging close');
    svc.child.kill('SIGTERM');
    assert.equal(await svc.exitCode, 1);
    assert.ok(svc.records.some((r) => r.msg === 'second signal during shutdown, exiting now'));
  });
});
