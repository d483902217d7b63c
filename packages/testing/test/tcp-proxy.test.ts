import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { createTcpProxy, type TcpProxy } from '@bystack/testing';

// An echo server behind the proxy.
let echo: Server;
let echoPort: number;
let proxy: TcpProxy;

before(async () => {
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as { port: number }).port;
  proxy = await createTcpProxy({ targetPort: echoPort });
});
after(async () => {
  await proxy.close();
  await new Promise<void>((r) => echo.close(() => r()));
});

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

function roundTrip(s: Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    s.once('data', (d) => resolve(d.toString()));
    s.once('close', () => reject(new Error('closed')));
    s.write(text);
  });
}

function closed(s: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (s.destroyed) resolve();
    else s.once('close', () => resolve());
  });
}

test('relays bytes both ways', async () => {
  const s = await open(proxy.port);
  assert.equal(await roundTrip(s, 'hello'), 'hello');
  assert.equal(proxy.connections, 1);
  s.destroy();
});

test('cut drops live connections and refuses new ones; restore lets them through', async () => {
  const live = await open(proxy.port);
  assert.equal(await roundTrip(live, 'a'), 'a');
  proxy.cut();
  await closed(live);
  assert.equal(proxy.isCut, true);
  const refused = await open(proxy.port);
  await closed(refused);
  proxy.restore();
  const again = await open(proxy.port);
  assert.equal(await roundTrip(again, 'b'), 'b');
  again.destroy();
});
