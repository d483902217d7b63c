// JetStream through the bus against real nats-server processes (the system 2.9 and, when
// installed, 2.10): idempotent stream declaration, de-duplication by message id, replay from a
// height, durable consumers that resume after their last ack.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { chainV1 } from '@bystack/proto';
import { startNats, type TestServer } from '@bystack/testing';
import {
  type ConsumerCheckpoint,
  createNatsBus,
  isNatsError,
  type JetStreamBus,
  type NatsBus,
  NatsErrorCode,
  subject,
  subjectFilter,
} from '../../src/nats/index.ts';
import { natsBinaries } from './servers.ts';

async function eventually(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const ref = (height: number | bigint): chainV1.BlockRef => ({
  blockId: Buffer.from([Number(BigInt(height) % 256n)]),
  height: BigInt(height),
});

function memoryCheckpoint(): ConsumerCheckpoint & { seq: number } {
  return {
    seq: 0,
    async load() {
      return this.seq;
    },
    async save(seq) {
      this.seq = seq;
    },
  };
}

for (const nats of natsBinaries()) {
  describe(`JetStream on ${nats.label}`, () => {
    let server: TestServer;
    let bus: NatsBus;
    let js: JetStreamBus;

    before(async () => {
      server = await startNats({ binary: nats.binary });
      bus = await createNatsBus({ servers: server.url, name: 'jetstream-test' });
      js = await bus.jetstream();
    });

    after(async () => {
      await bus?.close();
      await server?.stop();
    });

    test('declareStream creates, finds unchanged, then updates a changed limit', async () => {
      const spec = { name: 'DECLARE', subjects: [subjectFilter('main', 'block', '>')], duplicateWindowMs: 60_000 };
      assert.equal((await js.declareStream(spec)).action, 'created');
      assert.equal((await js.declareStream(spec)).action, 'unchanged');
      assert.equal((await js.declareStream({ ...spec, maxMsgs: 1000 })).action, 'updated');
      assert.equal((await js.declareStream({ ...spec, maxMsgs: 1000 })).action, 'unchanged');
      await assert.rejects(js.declareStream({ ...spec, maxMsgs: 1000, storage: 'memory' }), (err: unknown) =>
        isNatsError(err, NatsErrorCode.StreamConflict),
      );
      await assert.rejects(js.declareStream({ ...spec, name: 'bad.name' }), (err: unknown) =>
        isNatsError(err, NatsErrorCode.InvalidOption),
      );
    });

    test('a repeated message id is dropped within the duplicate window', async () => {
      const s = subject('dedupe', 'block', 'committed');
      await js.declareStream({ name: 'DEDUPE', subjects: [s], duplicateWindowMs: 60_000 });
      const first = await js.publish(s, chainV1.BlockRef, ref(1), { msgId: 'block-aa', height: 1n });
      const again = await js.publish(s, chainV1.BlockRef, ref(1), { msgId: 'block-aa', height: 1n });
      const otherPayload = await js.publish(s, chainV1.BlockRef, ref(9), { msgId: 'block-aa', height: 9n });
      const next = await js.publish(s, chainV1.BlockRef, ref(2), { msgId: 'block-bb', height: 2n });
      assert.equal(first.duplicate, false);
      assert.equal(again.duplicate, true);
      assert.equal(again.seq, first.seq);
      assert.equal(otherPayload.duplicate, true);
      assert.equal(next.seq, first.seq + 1);
      const info = await js.manager.streams.info('DEDUPE');
      assert.equal(info.state.messages, 2);
      await assert.rejects(js.publish(s, chainV1.BlockRef, ref(3), { msgId: 'has space' }), (err: unknown) =>
        isNatsError(err, NatsErrorCode.InvalidOption),
      );
      await assert.rejects(
        js.publish(subject('nostream', 'block', 'x'), chainV1.BlockRef, ref(3), { msgId: 'x', timeoutMs: 1000 }),
        (err: unknown) => isNatsError(err, NatsErrorCode.PublishFailed),
      );
    });

    test('replay from a height finds the first message at or above it', async () => {
      const blocks = subject('replay', 'block', 'committed');
      const votes = subject('replay', 'vote', 'committed');
      await js.declareStream({ name: 'REPLAY', subjects: [subjectFilter('replay', '*', 'committed')] });
      // Even heights 0..98 for blocks, interleaved with votes whose heights run on their own.
      for (let h = 0; h < 100; h += 2) {
        await js.publish(blocks, chainV1.BlockRef, ref(h), { msgId: `b-${h}`, height: BigInt(h) });
        await js.publish(votes, chainV1.BlockRef, ref(h / 2), { msgId: `v-${h}`, height: BigInt(h / 2) });
      }
      const heightAt = async (seq: number) => {
        const m = await js.manager.streams.getMessage('REPLAY', { seq });
        return chainV1.BlockRef.decode(m!.data).height;
      };
      assert.equal(await heightAt(await js.sequenceForHeight('REPLAY', 0n, blocks)), 0n);
      assert.equal(await heightAt(await js.sequenceForHeight('REPLAY', 50n, blocks)), 50n);
      assert.equal(await heightAt(await js.sequenceForHeight('REPLAY', 51n, blocks)), 52n);
      assert.equal(await heightAt(await js.sequenceForHeight('REPLAY', 98n, blocks)), 98n);
      assert.equal(await heightAt(await js.sequenceForHeight('REPLAY', 30n, votes)), 30n);
      const end = (await js.manager.streams.info('REPLAY')).state.last_seq + 1;
      assert.equal(await js.sequenceForHeight('REPLAY', 99n, blocks), end);

      // A consumer created to start at height 51 delivers 52, 54, ... 98 and nothing else.
      await js.ensureConsumer({
        stream: 'REPLAY',
        durable: 'from-51',
        filterSubject: blocks,
        start: { from: 'height', height: 51n },
      });
      const got: bigint[] = [];
      const run = js.consume({ stream: 'REPLAY', durable: 'from-51' }, chainV1.BlockRef, (b, ctx) => {
        assert.equal(ctx.height, b.height);
        got.push(b.height);
      });
      await eventually(() => got.length === 24, 'heights 52..98');
      await run.stop();
      assert.deepEqual(
        got,
        Array.from({ length: 24 }, (_, i) => BigInt(52 + 2 * i)),
      );

      // Starting past the tip: the consumer waits for the height and skips what is below it.
      await js.ensureConsumer({
        stream: 'REPLAY',
        durable: 'from-105',
        filterSubject: blocks,
        start: { from: 'height', height: 105n },
      });
      const later: bigint[] = [];
      const run2 = js.consume(
        { stream: 'REPLAY', durable: 'from-105' },
        chainV1.BlockRef,
        (b) => {
          later.push(b.height);
        },
        { minHeight: 105n, checkpoint: memoryCheckpoint() },
      );
      for (let h = 100; h <= 110; h++)
        await js.publish(blocks, chainV1.BlockRef, ref(h), { msgId: `b-${h}`, height: BigInt(h) });
      await eventually(() => later.length === 6, 'heights 105..110');
      await run2.stop();
      assert.deepEqual(later, [105n, 106n, 107n, 108n, 109n, 110n]);
      assert.equal(run2.skipped, 5);
    });

    test('a durable consumer resumes after its last ack, losing nothing', async () => {
      const s = subject('resume', 'block', 'committed');
      await js.declareStream({ name: 'RESUME', subjects: [s] });
      await js.ensureConsumer({ stream: 'RESUME', durable: 'worker' });
      assert.equal((await js.ensureConsumer({ stream: 'RESUME', durable: 'worker' })).action, 'unchanged');
      // Messages in flight when a run stops come back after the ack wait: keep it short here.
      assert.equal(
        (await js.ensureConsumer({ stream: 'RESUME', durable: 'worker', ackWaitMs: 1000 })).action,
        'updated',
      );
      const n = 300;
      await Promise.all(
        Array.from({ length: n }, (_, h) =>
          js.publish(s, chainV1.BlockRef, ref(h), { msgId: `r-${h}`, height: BigInt(h) }),
        ),
      );
      const counts = new Map<bigint, number>();
      const handle = (b: chainV1.BlockRef) => {
        counts.set(b.height, (counts.get(b.height) ?? 0) + 1);
      };
      const first = js.consume({ stream: 'RESUME', durable: 'worker' }, chainV1.BlockRef, handle, { batch: 16 });
      await eventually(() => first.handled >= 100, 'a first part');
      await first.stop();
      // A new process: a new connection, the same durable.
      const bus2 = await createNatsBus({ servers: server.url });
      try {
        const second = (await bus2.jetstream()).consume(
          { stream: 'RESUME', durable: 'worker' },
          chainV1.BlockRef,
          handle,
        );
        await eventually(() => counts.size === n, 'every height');
        await second.stop();
        const info = await js.manager.consumers.info('RESUME', 'worker');
        assert.equal(info.num_pending, 0);
        assert.ok(second.handled <= n - first.handled + 16, 'the second run resumed, it did not start over');
      } finally {
        await bus2.close();
      }
    });

    test('a failing handler is retried in place and order is kept (checkpoint mode)', async () => {
      const s = subject('retry', 'block', 'committed');
      await js.declareStream({ name: 'RETRY', subjects: [s] });
      await js.ensureConsumer({ stream: 'RETRY', durable: 'flaky' });
      for (let h = 0; h < 20; h++)
        await js.publish(s, chainV1.BlockRef, ref(h), { msgId: `t-${h}`, height: BigInt(h) });
      const got: bigint[] = [];
      let failures = 0;
      const checkpoint = memoryCheckpoint();
      const run = js.consume(
        { stream: 'RETRY', durable: 'flaky' },
        chainV1.BlockRef,
        (b) => {
          if (b.height === 7n && failures < 3) {
            failures++;
            throw new Error('store unavailable');
          }
          got.push(b.height);
        },
        { checkpoint, retryDelayMs: 5 },
      );
      await eventually(() => got.length === 20, 'all 20 heights');
      await run.stop();
      assert.equal(failures, 3);
      assert.deepEqual(
        got,
        Array.from({ length: 20 }, (_, h) => BigInt(h)),
      );
      assert.equal(checkpoint.seq, 20);
    });

    test('consuming a missing consumer ends the run with NATS_CONSUMER_FAILED', async () => {
      await js.declareStream({ name: 'NOCONSUMER', subjects: [subject('nc', 'block', 'x')] });
      const run = js.consume({ stream: 'NOCONSUMER', durable: 'missing' }, chainV1.BlockRef, () => {});
      await assert.rejects(run.done, (err: unknown) => isNatsError(err, NatsErrorCode.ConsumerFailed));
    });
  });
}
