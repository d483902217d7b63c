import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { startNats, startRedis, type TestServer } from '@bystack/testing';

/** The first bytes a server sends on connect (NATS greets with its INFO line). */
function greeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.once('data', (first) => {
      socket.destroy();
      resolve(first.toString());
    });
  });
}

let nats: TestServer;
let redis: TestServer;
before(async () => {
  [nats, redis] = await Promise.all([startNats(), startRedis()]);
});
after(async () => {
  await Promise.all([nats?.stop(), redis?.stop()]);
});

test('nats-server runs on its own free port with JetStream on', async () => {
  assert.notEqual(nats.port, 4222);
  const info = await greeting(nats.port);
  assert.match(info, /^INFO /);
  assert.match(info, /"jetstream":true/);
});

test('redis-server answers on its own free port', async () => {
  assert.notEqual(redis.port, 6379);
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = connect(redis.port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('error', reject);
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString());
    });
  });
  assert.equal(reply, '+PONG\r\n');
});

test('a killed server refuses connections, and restarts on the same port', async (t) => {
  const proc = nats.process;
  if (!proc) return t.skip('external server: no fault injection');
  await proc.kill();
  await assert.rejects(greeting(nats.port));
  await proc.start();
  assert.match(await greeting(nats.port), /^INFO /);
});

test('maxPayload raises the largest message nats-server accepts (the default is 1 MiB)', async (t) => {
  if (process.env.BYSTACK_TEST_NATS_URL || process.env.BYSTACK_TEST_CONTAINERS === '1') {
    return t.skip('not our server: its settings are its own');
  }
  const big = await startNats({ maxPayload: 8 * 1024 * 1024 });
  try {
    assert.match(await greeting(big.port), /"max_payload":8388608[,}]/);
    assert.match(await greeting(nats.port), /"max_payload":1048576[,}]/);
    assert.match(await greeting(big.port), /"jetstream":true/, 'the other settings still apply');
  } finally {
    await big.stop();
  }
});
