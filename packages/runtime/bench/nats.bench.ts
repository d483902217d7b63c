// NATS bus benchmarks on a nats-server started by the test harness (loopback, JetStream on).
//   baselines: raw nats.js publish and core pub/sub, measured in the same run
//   request/reply: round trips/s and latency percentiles, one in flight and pipelined
//   JetStream: publish-to-consume messages/s (at-least-once and checkpointed)
//   tracing: publish and pub/sub rates with tracing off vs on ("off costs nothing measurable")
// Run: node packages/runtime/bench/nats.bench.ts
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { measure, ratio, report, startNats } from '@bystack/testing';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { type ConsumerCheckpoint, createNatsBus, type MessageCodec, type NatsBus, subject } from '../src/nats/index.ts';
import { startTracing } from '../src/tracing/index.ts';

const MEASURE_MS = Number(process.env.BENCH_MS ?? 1000);

// A block reference as the chain publishes it: a 32-byte id and a height (protobuf, hand-rolled
// here so the bench does not load @grpc/grpc-js through the generated code before tracing starts).
type Ref = { id: Uint8Array; height: number };
const refCodec: MessageCodec<Ref> = {
  encode: (r) => {
    const out = new Uint8Array(2 + 32 + 1 + 5);
    out[0] = 0x0a;
    out[1] = 32;
    out.set(r.id, 2);
    out[34] = 0x10;
    let h = r.height;
    let i = 35;
    while (h >= 0x80) {
      out[i++] = (h & 0x7f) | 0x80;
      h = Math.floor(h / 128);
    }
    out[i++] = h;
    return out.subarray(0, i);
  },
  decode: (b) => {
    let h = 0;
    let mul = 1;
    for (let i = 35; i < b.length; i++) {
      const byte = b[i] ?? 0;
      h += (byte & 0x7f) * mul;
      mul *= 128;
      if (byte < 0x80) break;
    }
    return { id: b.subarray(2, 34), height: h };
  },
};
const ref = (height: number): Ref => ({ id: new Uint8Array(32).fill(height & 255), height });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await sleep(0);
}

/** Messages/s of publishing `batch` messages and flushing, repeated for MEASURE_MS. */
async function publishRate(name: string, publish: () => void, flush: () => Promise<void>, batch = 1000) {
  const m = await measure(
    name,
    async () => {
      for (let i = 0; i < batch; i++) publish();
      await flush();
    },
    MEASURE_MS,
  );
  return m.opsPerSec * batch;
}

/** Messages/s from first publish to last receipt, for batches of `batch`. */
async function pubSubRate(bus: NatsBus, receiver: NatsBus, tag: string, batch = 2000) {
  const s = subject('bench', 'pubsub', tag);
  let received = 0;
  const sub = receiver.subscribe(s, refCodec, () => {
    received++;
  });
  await receiver.flush();
  const r = ref(1);
  const m = await measure(
    tag,
    async () => {
      const target = received + batch;
      for (let i = 0; i < batch; i++) bus.publish(s, refCodec, r);
      await bus.flush();
      await until(() => received >= target);
    },
    MEASURE_MS,
  );
  await sub.drain();
  return m.opsPerSec * batch;
}

/** Round trips/s and latency of `call`, with `inFlight` callers each waiting for its answer. */
async function roundTrips(inFlight: number, call: () => Promise<unknown>) {
  await call();
  const latencies: number[] = [];
  const start = performance.now();
  const worker = async () => {
    while (performance.now() - start < MEASURE_MS) {
      const t0 = performance.now();
      await call();
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsed = performance.now() - start;
  latencies.sort((x, y) => x - y);
  return {
    perSec: (latencies.length * 1000) / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

async function jetStreamRate(bus: NatsBus, stream: string, n: number, checkpointed: boolean) {
  const js = await bus.jetstream();
  const s = subject('bench', 'js', stream.toLowerCase());
  await js.declareStream({ name: stream, subjects: [s], storage: 'file' });
  await js.ensureConsumer({ stream, durable: 'bench' });
  let consumed = 0;
  const checkpoint: ConsumerCheckpoint | undefined = checkpointed
    ? { load: async () => 0, save: async () => {} }
    : undefined;
  const start = performance.now();
  const run = js.consume(
    { stream, durable: 'bench' },
    refCodec,
    () => {
      consumed++;
    },
    { checkpoint, batch: 256 },
  );
  const window = 256;
  let next = 0;
  await Promise.all(
    Array.from({ length: window }, async () => {
      while (next < n) {
        const h = next++;
        await js.publish(s, refCodec, ref(h), { msgId: `b-${h}`, height: BigInt(h) });
      }
    }),
  );
  const published = performance.now();
  await until(() => consumed >= n);
  const elapsed = performance.now() - start;
  await run.stop();
  return { publishPerSec: (n * 1000) / (published - start), endToEndPerSec: (n * 1000) / elapsed };
}

/** Drops spans: what an exporter costs is the collector's business, not the service's. */
const discard: SpanExporter = {
  export: (_spans: ReadableSpan[], done: (r: ExportResult) => void) => done({ code: 0 }),
  shutdown: async () => {},
};

const server = await startNats();
const a = await createNatsBus({ servers: server.url, name: 'bench-a' });
const b = await createNatsBus({ servers: server.url, name: 'bench-b' });
try {
  console.log(`nats-server ${a.connection.info?.version} on loopback; ${MEASURE_MS} ms per figure`);

  // Baselines: the same encoding, with and without the bus around nats.js.
  const one = ref(1);
  const rawSubject = subject('bench', 'raw', 'publish');
  const rawRate = await publishRate(
    'raw',
    () => a.connection.publish(rawSubject, refCodec.encode(one) as Uint8Array),
    () => a.connection.flush(),
  );
  report('core publish, raw nats.js (baseline)', rawRate, 'msg/s');
  const busSubject = subject('bench', 'bus', 'publish');
  const busOff = await publishRate(
    'bus',
    () => a.publish(busSubject, refCodec, one),
    () => a.flush(),
  );
  report('core publish, bus, tracing off', busOff, 'msg/s', `${ratio(busOff, rawRate)} of raw`);
  const pubSubOff = await pubSubRate(a, b, 'off');
  report('core pub/sub end to end, tracing off (baseline)', pubSubOff, 'msg/s');

  // Request/reply: raw nats.js echo as the baseline, then the bus (protobuf both ways, typed errors).
  const r7 = ref(7);
  const rawEcho = subject('bench', 'rpc', 'raw-echo');
  const rawSub = b.connection.subscribe(rawEcho, {
    callback: (_e, m) => {
      m.respond(m.data);
    },
  });
  await b.connection.flush();
  const rawSingle = await roundTrips(1, () => a.connection.request(rawEcho, refCodec.encode(r7) as Uint8Array));
  rawSub.unsubscribe();
  report('request/reply, raw nats.js, 1 in flight (baseline)', rawSingle.perSec, 'rt/s');
  const echo = subject('bench', 'rpc', 'echo');
  const echoSub = b.reply(echo, refCodec, refCodec, (r) => r);
  await b.flush();
  const single = await roundTrips(1, () => a.request(echo, refCodec, r7, refCodec));
  report('request/reply, 1 in flight', single.perSec, 'rt/s', `${ratio(single.perSec, rawSingle.perSec)} of raw`);
  report('request/reply, 1 in flight, p50', single.p50 * 1000, 'us');
  report('request/reply, 1 in flight, p99', single.p99 * 1000, 'us');
  const piped = await roundTrips(64, () => a.request(echo, refCodec, r7, refCodec));
  await echoSub.drain();
  report('request/reply, 64 in flight', piped.perSec, 'rt/s', `${ratio(piped.perSec, single.perSec)} of 1 in flight`);
  report('request/reply, 64 in flight, p50', piped.p50 * 1000, 'us');
  report('request/reply, 64 in flight, p99', piped.p99 * 1000, 'us');

  // JetStream.
  const n = Number(process.env.BENCH_JS_MSGS ?? 20_000);
  await jetStreamRate(a, 'BENCH_WARMUP', 2000, false);
  const atLeastOnce = await jetStreamRate(a, 'BENCH_ALO', n, false);
  report(
    'jetstream publish (256 acks in flight)',
    atLeastOnce.publishPerSec,
    'msg/s',
    `${ratio(atLeastOnce.publishPerSec, pubSubOff)} of core pub/sub`,
  );
  report(
    'jetstream publish-to-consume, at-least-once',
    atLeastOnce.endToEndPerSec,
    'msg/s',
    `${ratio(atLeastOnce.endToEndPerSec, pubSubOff)} of core pub/sub`,
  );
  const exactlyOnce = await jetStreamRate(a, 'BENCH_EO', n, true);
  report(
    'jetstream publish-to-consume, checkpointed',
    exactlyOnce.endToEndPerSec,
    'msg/s',
    `${ratio(exactlyOnce.endToEndPerSec, atLeastOnce.endToEndPerSec)} of at-least-once`,
  );

  // Tracing on (one SDK per process, so it comes last).
  const tracing = await startTracing({ serviceName: 'nats-bench', exporter: discard, grpc: false });
  const busOn = await publishRate(
    'bus-traced',
    () => a.publish(busSubject, refCodec, one),
    () => a.flush(),
  );
  report('core publish, bus, tracing on', busOn, 'msg/s', `${ratio(busOn, busOff)} of tracing off`);
  const pubSubOn = await pubSubRate(a, b, 'on');
  report('core pub/sub end to end, tracing on', pubSubOn, 'msg/s', `${ratio(pubSubOn, pubSubOff)} of tracing off`);
  await tracing.shutdown();
} finally {
  await a.close();
  await b.close();
  await server.stop();
}
