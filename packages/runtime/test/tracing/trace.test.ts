// One trace across gRPC and NATS: the test calls service A over gRPC; A publishes an event (core
// NATS) and a durable fact (JetStream) that service B handles, and asks B over NATS request/reply;
// B answers after calling service C over gRPC. Every span must carry the same trace id and point
// at the right parent.
//
// Tracing must start before @grpc/grpc-js loads, so this file imports nothing that loads it
// statically: grpc-js and the generated proto code are imported after `startTracing`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNats, type TestServer } from '@bystack/testing';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { createNatsBus, type NatsBus, subject } from '../../src/nats/index.ts';
import { isGrpcLoaded, isTracingStarted, startTracing, type Tracing } from '../../src/tracing/index.ts';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let server: TestServer;
let busA: NatsBus;
let busB: NatsBus;
const closers: (() => unknown)[] = [];

before(async () => {
  assert.equal(isGrpcLoaded(), false, 'nothing loaded grpc-js before tracing');
  tracing = await startTracing({ serviceName: 'trace-test', spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  assert.equal(tracing.enabled, true);
  assert.equal(tracing.grpcInstrumented, true);
  assert.equal(isTracingStarted(), true);
  server = await startNats();
  busA = await createNatsBus({ servers: server.url, name: 'service-a' });
  busB = await createNatsBus({ servers: server.url, name: 'service-b' });
});

after(async () => {
  for (const close of closers.reverse()) await close();
  await busA?.close();
  await busB?.close();
  await server?.stop();
  await tracing?.shutdown();
});

test('a gRPC call, NATS hops and a second gRPC call form one trace', async () => {
  const grpc = await import('@grpc/grpc-js');
  const { chainV1 } = await import('@bystack/proto');
  const insecure = grpc.credentials.createInsecure();

  const listen = async (impl: Record<string, unknown>) => {
    const srv = new grpc.Server();
    srv.addService(chainV1.ChainServiceService, impl as never);
    const port = await new Promise<number>((resolve, reject) =>
      srv.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    closers.push(() => srv.forceShutdown());
    return port;
  };
  const getTip = (client: InstanceType<typeof chainV1.ChainServiceClient>, chainId: string) =>
    new Promise<InstanceType<typeof Object> & { tip?: { height: bigint } }>((resolve, reject) =>
      client.getTip({ chain: { chainId } }, (err, res) => (err ? reject(err) : resolve(res))),
    );

  // Service C: answers GetTip over gRPC.
  const portC = await listen({
    getTip: (_call: unknown, cb: (e: null, r: unknown) => void) =>
      cb(null, { tip: { blockId: Buffer.from([0xc]), height: 77n }, irreversible: undefined }),
  });
  const clientC = new chainV1.ChainServiceClient(`127.0.0.1:${portC}`, insecure);
  closers.push(() => clientC.close());

  // Service B: a subscriber, a JetStream consumer, and a NATS responder that calls C.
  const seen = subject('main', 'block', 'seen');
  const committed = subject('main', 'block', 'committed');
  const getTipSubject = subject('main', 'chain', 'get-tip');
  let bSawEvent = false;
  let bSawFact = false;
  busB.subscribe(seen, chainV1.BlockRef, () => {
    bSawEvent = true;
  });
  busB.reply(getTipSubject, chainV1.GetTipRequest, chainV1.GetTipResponse, async (req) => {
    const res = await getTip(clientC, req.chain?.chainId ?? '');
    return res as never;
  });
  const jsB = await busB.jetstream();
  await jsB.declareStream({ name: 'TRACE', subjects: [committed] });
  await jsB.ensureConsumer({ stream: 'TRACE', durable: 'b' });
  jsB.consume({ stream: 'TRACE', durable: 'b' }, chainV1.BlockRef, () => {
    bSawFact = true;
  });
  await busB.flush();

  // Service A: its GetTip publishes an event and a fact, then asks B over NATS.
  const jsA = await busA.jetstream();
  const portA = await listen({
    getTip: (call: { request: { chain?: { chainId: string } } }, cb: (e: Error | null, r?: unknown) => void) => {
      const ref = { blockId: Buffer.from([0xa]), height: 5n };
      busA.publish(seen, chainV1.BlockRef, ref);
      jsA
        .publish(committed, chainV1.BlockRef, ref, { msgId: 'block-a', height: 5n })
        .then(() =>
          busA.request(getTipSubject, chainV1.GetTipRequest, call.request, chainV1.GetTipResponse, { timeoutMs: 5000 }),
        )
        .then(
          (res) => cb(null, res),
          (err: Error) => cb(err),
        );
    },
  });
  const clientA = new chainV1.ChainServiceClient(`127.0.0.1:${portA}`, insecure);
  closers.push(() => clientA.close());

  const tracer = trace.getTracer('trace-test');
  const rootId = await tracer.startActiveSpan('test-root', async (root) => {
    const res = await getTip(clientA, 'main');
    assert.equal(res.tip?.height, 77n);
    root.end();
    return root.spanContext().spanId;
  });

  const expected = 11;
  const deadline = Date.now() + 10_000;
  while ((exporter.getFinishedSpans().length < expected || !bSawEvent || !bSawFact) && Date.now() < deadline) {
    await sleep(20);
  }
  const spans = exporter.getFinishedSpans();
  const describe = (s: ReadableSpan) => `${s.name} kind=${s.kind} parent=${s.parentSpanContext?.spanId ?? '-'}`;
  const one = (name: string, kind: SpanKind): ReadableSpan => {
    const found = spans.filter((s) => s.name === name && s.kind === kind);
    assert.equal(found.length, 1, `one ${name} (kind ${kind}) in:\n${spans.map(describe).join('\n')}`);
    return found[0]!;
  };
  const grpcName = 'grpc.bystack.chain.v1.ChainService/GetTip';
  const traceId = spans.find((s) => s.name === 'test-root')?.spanContext().traceId;
  assert.ok(traceId);
  for (const s of spans) assert.equal(s.spanContext().traceId, traceId, `${describe(s)} is in the same trace`);

  const isChild = (child: ReadableSpan, parent: ReadableSpan) =>
    assert.equal(
      child.parentSpanContext?.spanId,
      parent.spanContext().spanId,
      `${describe(child)} under ${parent.name}`,
    );
  const grpcClients = spans.filter((s) => s.name === grpcName && s.kind === SpanKind.CLIENT);
  const grpcServers = spans.filter((s) => s.name === grpcName && s.kind === SpanKind.SERVER);
  assert.equal(grpcClients.length, 2, spans.map(describe).join('\n'));
  assert.equal(grpcServers.length, 2, spans.map(describe).join('\n'));
  const clientToA = grpcClients.find((s) => s.parentSpanContext?.spanId === rootId)!;
  assert.ok(clientToA, 'the test client span is under the root');
  const serverA = grpcServers.find((s) => s.parentSpanContext?.spanId === clientToA.spanContext().spanId)!;
  assert.ok(serverA, 'A serves the call under the client span');

  const publishSeen = one(`publish ${seen}`, SpanKind.PRODUCER);
  const processSeen = one(`process ${seen}`, SpanKind.CONSUMER);
  const publishFact = one(`publish ${committed}`, SpanKind.PRODUCER);
  const processFact = one(`process ${committed}`, SpanKind.CONSUMER);
  const request = one(`request ${getTipSubject}`, SpanKind.CLIENT);
  const reply = one(`reply ${getTipSubject}`, SpanKind.SERVER);
  isChild(publishSeen, serverA);
  isChild(processSeen, publishSeen);
  isChild(publishFact, serverA);
  isChild(processFact, publishFact);
  isChild(request, serverA);
  isChild(reply, request);
  const clientToC = grpcClients.find((s) => s !== clientToA)!;
  const serverC = grpcServers.find((s) => s !== serverA)!;
  isChild(clientToC, reply);
  isChild(serverC, clientToC);
  assert.equal(spans.length, expected, spans.map(describe).join('\n'));
  assert.equal(processFact.attributes['messaging.message.id'], 'block-a');
});
