// Fault injection against real nats-server processes (the system 2.9 and, when installed, 2.10):
// a consuming process SIGKILLed part way through a few thousand messages, and the server itself
// restarted while a publisher keeps publishing. Neither may lose an acknowledged message, nor make
// a checkpointed consumer handle one twice.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { chainV1 } from '@bystack/proto';
import { startNats, type TestServer } from '@bystack/testing';
import { type ConsumerCheckpoint, createNatsBus, type NatsBus, subject } from '../../src/nats/index.ts';
import { natsBinaries } from './servers.ts';

const fixture = path.join(import.meta.dirname, 'fixtures', 'checkpoint-consumer.ts');

function lineCount(file: string): number {
  if (!existsSync(file)) return 0;
  const text = readFileSync(file, 'utf8');
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

type Exit = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

function startConsumer(env: Record<string, string>): { child: ChildProcess; exited: Promise<Exit> } {
  const child = spawn(process.execPath, [fixture], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exited };
}

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

for (const nats of natsBinaries()) {
  describe(`JetStream faults on ${nats.label}`, () => {
    let server: TestServer;
    let bus: NatsBus;
    let dir: string;

    before(async () => {
      server = await startNats({ binary: nats.binary });
      bus = await createNatsBus({ servers: server.url, reconnect: { waitMs: 50, jitterMs: 20 } });
      dir = mkdtempSync(path.join(tmpdir(), 'bystack-nats-faults-'));
    });

    after(async () => {
      await bus?.close();
      await server?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('a consumer SIGKILLed mid-stream and restarted handles every message exactly once', async (t) => {
      const js = await bus.jetstream();
      const s = subject('crash', 'block', 'committed');
      await js.declareStream({ name: 'CRASH', subjects: [s] });
      await js.ensureConsumer({ stream: 'CRASH', durable: 'validator' });
      const n = 3000;
      for (let start = 0; start < n; start += 500) {
        await Promise.all(
          Array.from({ length: 500 }, (_, i) => {
            const h = start + i;
            return js.publish(
              s,
              chainV1.BlockRef,
              { blockId: Buffer.from([h & 255]), height: BigInt(h) },
              {
                msgId: `blk-${h}`,
                height: BigInt(h),
              },
            );
          }),
        );
      }
      const journal = path.join(dir, 'crash-journal.txt');
      const env = {
        NATS_URL: server.url,
        STREAM: 'CRASH',
        DURABLE: 'validator',
        JOURNAL: journal,
        LAST_SEQ: String(n),
        SLOW_EVERY: '3',
      };
      // Two crashes, at about a third and two thirds of the way.
      for (const at of [n / 3, (2 * n) / 3]) {
        const { child, exited } = startConsumer(env);
        await until(() => lineCount(journal) >= at, `${at} handled`);
        child.kill('SIGKILL');
        const exit = await exited;
        assert.equal(exit.signal, 'SIGKILL', `the consumer was killed mid-stream: ${exit.stderr}`);
        assert.ok(lineCount(journal) < n, 'killed before the end');
      }
      const { exited } = startConsumer(env);
      const exit = await exited;
      assert.equal(exit.code, 0, exit.stderr);
      const stats = JSON.parse(exit.stdout.trim()) as { handled: number; skipped: number; caughtUp: number };
      t.diagnostic(`last run: ${JSON.stringify(stats)}`);
      // The killed process held delivered, unacked messages; its successor must have read them
      // from the stream rather than waited for their redelivery.
      assert.ok(stats.caughtUp > 0, 'the gap left by the killed process was filled from the stream');

      const lines = readFileSync(journal, 'utf8').trimEnd().split('\n');
      const seqs = lines.map((l) => Number(l.split(' ')[0]));
      assert.equal(seqs.length, n, 'each message handled exactly once (no duplicate line)');
      assert.deepEqual(
        seqs,
        Array.from({ length: n }, (_, i) => i + 1),
        'in stream order, none missing',
      );
      for (const l of lines) {
        const [seq, height] = l.split(' ');
        assert.equal(Number(height), Number(seq) - 1);
      }
    });

    test('the server restarted and killed under publishing load keeps every acked message; all are consumed once', async (t) => {
      const js = await bus.jetstream();
      const s = subject('restart', 'block', 'committed');
      await js.declareStream({ name: 'RESTART', subjects: [s], duplicateWindowMs: 120_000 });
      await js.ensureConsumer({ stream: 'RESTART', durable: 'indexer' });

      // The consumer runs through the restarts too.
      const handled = new Map<bigint, number>();
      const checkpoint: ConsumerCheckpoint & { seq: number } = {
        seq: 0,
        async load() {
          return this.seq;
        },
        async save(seq) {
          this.seq = seq;
        },
      };
      const run = js.consume(
        { stream: 'RESTART', durable: 'indexer' },
        chainV1.BlockRef,
        (b) => {
          handled.set(b.height, (handled.get(b.height) ?? 0) + 1);
        },
        { checkpoint },
      );
      const n = 1500;
      const acked = new Set<number>();
      let failures = 0;
      let duplicates = 0;
      const publishOne = async (h: number) => {
        // Retry with the same id until acked: de-duplication makes the retry safe.
        for (;;) {
          try {
            const ack = await js.publish(
              s,
              chainV1.BlockRef,
              { blockId: Buffer.alloc(0), height: BigInt(h) },
              {
                msgId: `blk-${h}`,
                height: BigInt(h),
                timeoutMs: 500,
              },
            );
            if (ack.duplicate) duplicates++;
            acked.add(h);
            return;
          } catch {
            failures++;
            await sleep(20);
          }
        }
      };
      const window = 16;
      let next = 0;
      const publishers = Array.from({ length: window }, async () => {
        while (next < n) await publishOne(next++);
      });
      await until(() => acked.size >= n / 3, 'a third published');
      // A graceful restart (SIGTERM) first.
      await server.process?.restart();
      await until(() => acked.size >= (2 * n) / 3, 'two thirds published', 30_000);
      // Then a crash: SIGKILL, and start again on the same port and data directory.
      await server.process?.kill();
      await server.process?.start();
      await Promise.all(publishers);
      t.diagnostic(`publish failures retried: ${failures}, duplicate acks: ${duplicates}`);

      const info = await js.manager.streams.info('RESTART');
      assert.equal(info.state.messages, n, 'every acked message is stored, none twice');

      await until(() => checkpoint.seq >= info.state.last_seq, 'everything consumed', 30_000);
      await run.stop();
      assert.equal(handled.size, n);
      for (const h of acked) assert.equal(handled.get(BigInt(h)), 1, `height ${h} handled once`);
    });
  });
}
