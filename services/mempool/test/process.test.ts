// The entry point as a process: `node services/mempool/src/main.ts` configured by BYSTACK_* serves
// gRPC and /metrics, stops cleanly on SIGTERM (exit 0), and names a bad setting (exit 78).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mempoolV1 } from '@bystack/proto';
import { createGrpcClient } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
let nats: TestServer;
let redis: TestServer;

before(async () => {
  [nats, redis] = await Promise.all([startNats(), startRedis()]);
});

after(async () => {
  await Promise.all([nats?.stop(), redis?.stop()]);
});

type LogLine = { msg: string; [field: string]: unknown };

function run(env: Record<string, string>): { child: ChildProcess; lines: AsyncIterator<LogLine> } {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, OTEL_SDK_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const rl = createInterface({ input: child.stdout! });
  async function* parse() {
    for await (const line of rl) yield JSON.parse(line) as LogLine;
  }
  return { child, lines: parse() };
}

async function until(lines: AsyncIterator<LogLine>, msg: string): Promise<LogLine> {
  for (;;) {
    const next = await lines.next();
    if (next.done) throw new Error(`the process ended before logging "${msg}"`);
    if (next.value.msg === msg) return next.value;
  }
}

test('the mempool process serves, and stops with exit code 0 on SIGTERM', async () => {
  const { child, lines } = run({
    BYSTACK_NODE_ID: 'p0',
    BYSTACK_NATS_URL: nats.url,
    BYSTACK_REDIS_URL: redis.url,
    BYSTACK_GRPC_HOST: '127.0.0.1',
    BYSTACK_GRPC_PORT: '0',
    BYSTACK_METRICS_HOST: '127.0.0.1',
    BYSTACK_METRICS_PORT: '0',
    BYSTACK_VERIFIER_WORKERS: '1',
  });
  const exited = once(child, 'exit');
  try {
    const serving = await until(lines, 'mempool serving');
    const client = createGrpcClient(mempoolV1.MempoolServiceService, `127.0.0.1:${serving.grpc_port}`);
    const info = await client.getPoolInfo({ chain: { chainId: 'main' } });
    assert.equal(info.txCount, 0);
    assert.equal(info.minFeeRate, 300n);
    client.close();
    const metrics = await fetch(String(serving.metrics));
    assert.match(await metrics.text(), /bystack_mempool_pool_txs|bystack_grpc_server/);
  } finally {
    child.kill('SIGTERM');
  }
  const [code] = await exited;
  assert.equal(code, 0);
});

test('a bad setting is named and the process exits with 78', async () => {
  const { child, lines } = run({ BYSTACK_MIN_FEE_RATE: '-3' });
  const exited = once(child, 'exit');
  const first = await lines.next();
  assert.equal(first.done, false);
  assert.equal(first.value.setting, 'BYSTACK_MIN_FEE_RATE');
  assert.match(first.value.msg, /BYSTACK_MIN_FEE_RATE/);
  const [code] = await exited;
  assert.equal(code, 78);
});
