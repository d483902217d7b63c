// Core NATS through the bus against a real nats-server: protobuf payloads both ways, typed
// subjects, request/reply with typed remote errors, queue groups, reconnect policy and drain.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { chainV1, commonV1 } from '@bystack/proto';
import { startNats, type TestServer } from '@bystack/testing';
import {
  createNatsBus,
  isNatsError,
  type NatsBus,
  NatsErrorCode,
  parseSubject,
  rawCodec,
  subject,
  subjectFilter,
} from '../../src/nats/index.ts';

async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('subject helpers', () => {
  test('build bystack.<chain>.<kind>.<event> and parse it back', () => {
    const s = subject('side-1', 'block', 'committed');
    assert.equal(s, 'bystack.side-1.block.committed');
    assert.deepEqual(parseSubject(s), { chain: 'side-1', kind: 'block', event: 'committed' });
    assert.equal(subjectFilter('*', 'block', '>'), 'bystack.*.block.>');
  });

  const bad: [string, string, string, string][] = [
    ['main.x', 'block', 'committed', 'contains a dot'],
    ['main', 'bl*ck', 'committed', 'contains a wildcard'],
    ['main', 'block', '>', 'contains a wildcard'],
    ['main', 'block', 'com mitted', 'contains white space'],
    ['', 'block', 'committed', 'is empty'],
    ['main', 'blöck', 'committed', 'contains a character outside'],
    ['x'.repeat(65), 'block', 'committed', 'longer than 64'],
  ];
  for (const [chain, kind, event, problem] of bad) {
    test(`rejects ${JSON.stringify([chain, kind, event])} (${problem})`, () => {
      assert.throws(
        () => subject(chain, kind, event),
        (err: unknown) => isNatsError(err, NatsErrorCode.InvalidSubject) && err.message.includes(problem),
      );
    });
  }

  test('filters accept wildcards only as whole tokens', () => {
    assert.throws(
      () => subjectFilter('ma*', 'block', '>'),
      (err: unknown) => isNatsError(err, NatsErrorCode.InvalidSubject),
    );
    assert.throws(
      () => subjectFilter('main', '>', 'x'),
      (err: unknown) => isNatsError(err, NatsErrorCode.InvalidSubject),
    );
    assert.throws(
      () => parseSubject('bystack.main.block'),
      (err: unknown) => isNatsError(err, NatsErrorCode.InvalidSubject),
    );
  });
});

describe('NatsBus on nats-server', () => {
  let server: TestServer;
  let a: NatsBus;
  let b: NatsBus;

  before(async () => {
    server = await startNats({ jetstream: false });
    a = await createNatsBus({ servers: server.url, name: 'a' });
    b = await createNatsBus({ servers: server.url, name: 'b' });
  });

  after(async () => {
    await a?.close();
    await b?.close();
    await server?.stop();
  });

  test('publish/subscribe carries protobuf messages across connections', async () => {
    const s = subject('main', 'block', 'tip');
    const got: chainV1.BlockRef[] = [];
    const sub = b.subscribe(subjectFilter('main', 'block', '*'), chainV1.BlockRef, (ref, ctx) => {
      assert.equal(ctx.subject, s);
      assert.equal(ctx.header('x-test'), 'yes');
      got.push(ref);
    });
    await b.flush();
    for (let h = 1n; h <= 3n; h++) {
      a.publish(
        s,
        chainV1.BlockRef,
        { blockId: Buffer.from([Number(h), 0xaa]), height: h },
        { headers: { 'x-test': 'yes' } },
      );
    }
    await eventually(() => got.length === 3, 'three blocks');
    assert.deepEqual(
      got.map((r) => r.height),
      [1n, 2n, 3n],
    );
    assert.deepEqual([...(got[2]?.blockId ?? [])], [3, 0xaa]);
    await sub.drain();
  });

  test('request/reply with protobuf request and response', async () => {
    const s = subject('main', 'chain', 'get-tip');
    const sub = b.reply(s, chainV1.GetTipRequest, chainV1.GetTipResponse, (req) => ({
      tip: { blockId: Buffer.from(req.chain?.chainId ?? ''), height: 42n },
      irreversible: undefined,
    }));
    await b.flush();
    const res = await a.request(s, chainV1.GetTipRequest, { chain: { chainId: 'main' } }, chainV1.GetTipResponse);
    assert.equal(res.tip?.height, 42n);
    assert.equal(new TextDecoder().decode(res.tip?.blockId), 'main');
    await sub.drain();
  });

  test('a failing responder surfaces as NATS_REMOTE_ERROR with its code', async () => {
    const s = subject('main', 'chain', 'failing');
    const sub = b.reply(s, commonV1.ChainRef, commonV1.ChainRef, () => {
      throw Object.assign(new Error('chain side-9 unknown\nsecond line'), { code: 'CHAIN_UNKNOWN' });
    });
    await b.flush();
    await assert.rejects(
      a.request(s, commonV1.ChainRef, { chainId: 'side-9' }, commonV1.ChainRef),
      (err: unknown) =>
        isNatsError(err, NatsErrorCode.RemoteError) &&
        err.detail?.remoteCode === 'CHAIN_UNKNOWN' &&
        err.detail?.remoteMessage === 'chain side-9 unknown second line',
    );
    await sub.drain();
  });

  test('no responder and timeout are typed', async () => {
    await assert.rejects(
      a.request(subject('main', 'chain', 'nobody'), rawCodec, new Uint8Array(0), rawCodec),
      (err: unknown) => isNatsError(err, NatsErrorCode.NoResponders),
    );
    const s = subject('main', 'chain', 'slow');
    const sub = b.reply(s, rawCodec, rawCodec, async (v, ctx) => {
      await sleep(150, undefined, { signal: ctx.signal }).catch(() => undefined);
      return v;
    });
    await b.flush();
    await assert.rejects(a.request(s, rawCodec, new Uint8Array(0), rawCodec, { timeoutMs: 50 }), (err: unknown) =>
      isNatsError(err, NatsErrorCode.Timeout),
    );
    await sub.drain();
  });

  test('an undecodable payload is dropped and the subscription goes on', async () => {
    const s = subject('main', 'tx', 'gossip');
    const got: chainV1.RawTx[] = [];
    const sub = b.subscribe(s, chainV1.RawTx, (tx) => {
      got.push(tx);
    });
    await b.flush();
    a.publish(s, rawCodec, new Uint8Array([0xff, 0xff, 0xff]));
    a.publish(s, chainV1.RawTx, { bytes: Buffer.from([1, 2, 3]) });
    await eventually(() => sub.handled === 2, 'two messages handled');
    assert.equal(got.length, 1);
    assert.deepEqual([...(got[0]?.bytes ?? [])], [1, 2, 3]);
    await sub.drain();
  });

  test('a queue group splits the work between two subscribers, each message once', async () => {
    const s = subject('main', 'block', 'validate');
    const seen = new Map<string, number>();
    const byMember = [0, 0];
    const member = (i: number) => async (ref: chainV1.BlockRef) => {
      byMember[i] = (byMember[i] ?? 0) + 1;
      const key = String(ref.height);
      seen.set(key, (seen.get(key) ?? 0) + 1);
      await sleep(1);
    };
    const s1 = b.subscribe(s, chainV1.BlockRef, member(0), { queue: 'validators' });
    const s2 = a.subscribe(s, chainV1.BlockRef, member(1), { queue: 'validators' });
    await a.flush();
    await b.flush();
    const n = 200;
    for (let h = 0; h < n; h++) a.publish(s, chainV1.BlockRef, { blockId: Buffer.alloc(0), height: BigInt(h) });
    await eventually(() => (byMember[0] ?? 0) + (byMember[1] ?? 0) === n, 'all messages');
    assert.equal(seen.size, n);
    assert.ok(
      [...seen.values()].every((c) => c === 1),
      'each message handled once',
    );
    assert.ok((byMember[0] ?? 0) > 0 && (byMember[1] ?? 0) > 0, `both members worked: ${byMember.join('/')}`);
    await s1.drain();
    await s2.drain();
  });

  test('close() lets a running handler finish, then refuses new work', async () => {
    const bus = await createNatsBus({ servers: server.url, drainTimeoutMs: 5000 });
    const s = subject('main', 'block', 'slow');
    let finished = 0;
    let aborted = false;
    bus.subscribe(s, rawCodec, async (_v, ctx) => {
      await sleep(200);
      aborted ||= ctx.signal.aborted;
      finished++;
    });
    await bus.flush();
    for (let i = 0; i < 3; i++) a.publish(s, rawCodec, new Uint8Array([i]));
    await a.flush();
    await eventually(() => bus.connection.stats().inMsgs >= 3, 'messages received');
    await bus.close();
    assert.equal(finished, 3, 'messages received before close were handled');
    assert.equal(aborted, false);
    assert.equal(bus.isClosed, true);
    assert.throws(
      () => bus.publish(s, rawCodec, new Uint8Array(0)),
      (err: unknown) => isNatsError(err, NatsErrorCode.Closed),
    );
    await bus.close();
  });

  test('a handler still busy at the drain deadline sees its signal abort', async () => {
    const bus = await createNatsBus({ servers: server.url, drainTimeoutMs: 100 });
    const s = subject('main', 'block', 'stuck');
    let started = false;
    let sawAbort = false;
    bus.subscribe(s, rawCodec, async (_v, ctx) => {
      started = true;
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
      sawAbort = true;
    });
    await bus.flush();
    a.publish(s, rawCodec, new Uint8Array(0));
    await eventually(() => started, 'handler started');
    await bus.close();
    assert.equal(sawAbort, true);
  });

  test('bad options name the setting', async () => {
    await assert.rejects(
      createNatsBus({ servers: server.url, reconnect: { maxAttempts: -2 } }),
      (err: unknown) =>
        isNatsError(err, NatsErrorCode.InvalidOption) && err.detail?.setting === 'reconnect.maxAttempts',
    );
    await assert.rejects(createNatsBus({ servers: [] }), (err: unknown) =>
      isNatsError(err, NatsErrorCode.InvalidOption),
    );
    assert.throws(
      () => a.subscribe(subject('main', 'x', 'y'), rawCodec, () => {}, { queue: 'bad queue' }),
      (err: unknown) => isNatsError(err, NatsErrorCode.InvalidOption) && err.detail?.setting === 'queue',
    );
  });
});

describe('NatsBus connection policy', () => {
  test('connecting to nothing fails with NATS_CONNECT_FAILED', async () => {
    const { freePort } = await import('@bystack/testing');
    const port = await freePort();
    await assert.rejects(
      createNatsBus({ servers: `nats://127.0.0.1:${port}`, connectTimeoutMs: 1000 }),
      (err: unknown) => isNatsError(err, NatsErrorCode.ConnectFailed),
    );
  });

  test('reconnects after a server restart and keeps its subscriptions', async () => {
    const server = await startNats({ jetstream: false });
    const bus = await createNatsBus({ servers: server.url, reconnect: { maxAttempts: -1, waitMs: 50, jitterMs: 10 } });
    try {
      const s = subject('main', 'vote', 'cast');
      const got: number[] = [];
      bus.subscribe(s, rawCodec, (v) => {
        got.push(v[0] ?? -1);
      });
      await bus.flush();
      await server.process?.restart();
      const deadline = Date.now() + 10_000;
      while (got.length === 0) {
        if (Date.now() > deadline) throw new Error('no message after reconnect');
        try {
          bus.publish(s, rawCodec, new Uint8Array([7]));
          await bus.flush();
        } catch {}
        await sleep(50);
      }
      assert.equal(got[0], 7);
    } finally {
      await bus.close();
      await server.stop();
    }
  });

  test('with bounded attempts the connection closes once the server stays away', async () => {
    const server = await startNats({ jetstream: false });
    const bus = await createNatsBus({ servers: server.url, reconnect: { maxAttempts: 2, waitMs: 50, jitterMs: 0 } });
    await server.process?.kill();
    const err = await bus.closed();
    assert.equal(bus.isClosed, true);
    assert.ok(err === undefined || err instanceof Error);
    await bus.close();
    await server.stop();
  });
});
