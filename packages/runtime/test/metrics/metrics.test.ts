import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chainV1 } from '@bystack/proto';
import { status as Status } from '@grpc/grpc-js';
import { Registry } from 'prom-client';
import { createGrpcClient } from '../../src/grpc/client.ts';
import { RpcError } from '../../src/grpc/errors.ts';
import { createGrpcServer } from '../../src/grpc/server.ts';
import { startService } from '../../src/lifecycle/service.ts';
import {
  counter,
  createMetrics,
  createMetricsServer,
  createServiceMetrics,
  errorCodeLabel,
  gauge,
  histogram,
  metricNameOf,
} from '../../src/metrics/index.ts';

type Sample = { name: string; labels: Record<string, string>; value: number };

/** Parses the Prometheus text format (enough of it for these assertions). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `unparsable line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

function value(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('Prometheus endpoint', () => {
  it('exposes gRPC request, error and duration metrics recorded by the server', async () => {
    const service = await startService({
      name: 'metrics-test',
      configSchema: {},
      configSources: { env: {}, argv: [] },
      logLevel: 'silent',
      build: async (ctx) => {
        const endpoint = await createMetricsServer({ host: '127.0.0.1', port: 0 }, ctx);
        const grpc = createGrpcServer({ host: '127.0.0.1', port: 0, reflection: false }, ctx);
        grpc.addService(chainV1.ChainServiceService, {
          getTip: (req) => {
            if (req.chain?.chainId !== 'main')
              throw new RpcError('CHAIN_UNKNOWN', 'no chain', { status: Status.NOT_FOUND });
            return {};
          },
          submitBlock: () => {
            throw new RpcError('UNIMPLEMENTED', 'not in this test');
          },
          getBlock: () => {
            throw new Error('bug');
          },
          getTxStatus: () => ({ status: chainV1.TxStatus.TX_STATUS_PENDING, block: undefined, confirmations: 0 }),
          listUtxos: () => ({ utxos: [] }),
          watchBlocks: async function* () {
            yield { ref: undefined, block: undefined, reorg: false };
          },
        });
        await grpc.start();
        return { endpoint, grpc };
      },
    });
    const { endpoint, grpc } = service.modules;
    const client = createGrpcClient(chainV1.ChainServiceService, `127.0.0.1:${grpc.port}`);
    try {
      for (let i = 0; i < 3; i++) await client.getTip({ chain: { chainId: 'main' } });
      await assert.rejects(client.getTip({ chain: { chainId: 'nope' } }));
      await assert.rejects(client.getBlock({ chain: undefined, selector: undefined }));
      for await (const _ of client.watchBlocks({ chain: undefined, fromHeight: 0n, fromTip: false })) {
        // drain the stream
      }

      const res = await fetch(endpoint.url);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
      const samples = parseExposition(await res.text());
      const getTip = { method: 'bystack.chain.v1.ChainService/GetTip', service: 'metrics-test' };
      const getBlock = { method: 'bystack.chain.v1.ChainService/GetBlock' };
      const watch = { method: 'bystack.chain.v1.ChainService/WatchBlocks' };

      assert.equal(value(samples, 'bystack_grpc_server_requests_total', { ...getTip, code: 'OK' }), 3);
      assert.equal(value(samples, 'bystack_grpc_server_requests_total', { ...getTip, code: 'NOT_FOUND' }), 1);
      assert.equal(value(samples, 'bystack_grpc_server_errors_total', { ...getTip, code: 'CHAIN_UNKNOWN' }), 1);
      assert.equal(value(samples, 'bystack_grpc_server_requests_total', { ...getBlock, code: 'INTERNAL' }), 1);
      assert.equal(value(samples, 'bystack_grpc_server_errors_total', { ...getBlock, code: 'INTERNAL' }), 1);
      assert.equal(value(samples, 'bystack_grpc_server_requests_total', { ...watch, code: 'OK' }), 1);
      assert.equal(value(samples, 'bystack_grpc_server_duration_seconds_count', { ...getTip, code: 'OK' }), 3);
      assert.equal(
        value(samples, 'bystack_grpc_server_duration_seconds_bucket', { ...getTip, code: 'OK', le: '+Inf' }),
        3,
      );
      assert.ok((value(samples, 'bystack_grpc_server_duration_seconds_sum', { ...getTip, code: 'OK' }) ?? -1) >= 0);
      assert.equal(value(samples, 'bystack_grpc_server_in_flight', getTip), 0);
      assert.ok(
        samples.some((s) => s.name === 'bystack_process_cpu_user_seconds_total'),
        'process metrics',
      );

      const missing = await fetch(endpoint.url.replace('/metrics', '/other'));
      assert.equal(missing.status, 404);
      await missing.text();
    } finally {
      client.close();
      assert.equal(await service.stop(), 0);
    }
    await assert.rejects(fetch(endpoint.url), 'the endpoint closes with the service');
  });
});

describe('instrumentHandler', () => {
  it('counts handled messages by outcome and times them', async () => {
    const metrics = createMetrics({ service: 'bus-test', processMetrics: false });
    const handler = metrics.instrumentHandler('tx.gossip', async (n: number) => {
      if (n < 0) throw Object.assign(new Error('bad tx'), { code: 'TX_MALFORMED' });
      if (n === 0) throw new Error('no code');
      return n * 2;
    });
    assert.equal(await handler(21), 42);
    assert.equal(await handler(1), 2);
    await assert.rejects(handler(-1), /bad tx/);
    await assert.rejects(handler(0), /no code/);
    const samples = parseExposition(await metrics.registry.metrics());
    const h = { handler: 'tx.gossip', service: 'bus-test' };
    assert.equal(value(samples, 'bystack_handler_messages_total', { ...h, code: 'OK' }), 2);
    assert.equal(value(samples, 'bystack_handler_messages_total', { ...h, code: 'TX_MALFORMED' }), 1);
    assert.equal(value(samples, 'bystack_handler_messages_total', { ...h, code: 'INTERNAL' }), 1);
    assert.equal(value(samples, 'bystack_handler_duration_seconds_count', { ...h, code: 'OK' }), 2);
    assert.equal(value(samples, 'bystack_handler_in_flight', h), 0);
  });

  it('labels failures by stable code only', () => {
    assert.equal(errorCodeLabel({ code: 'STORE_UNAVAILABLE' }), 'STORE_UNAVAILABLE');
    assert.equal(errorCodeLabel(new Error('x')), 'INTERNAL');
    assert.equal(errorCodeLabel({ code: 'some free text' }), 'INTERNAL');
    assert.equal(errorCodeLabel({ code: 503 }), 'INTERNAL');
    assert.equal(errorCodeLabel(undefined), 'INTERNAL');
  });
});

describe('createServiceMetrics', () => {
  it('declares typed metrics in one place, with derived names', async () => {
    const registry = new Registry();
    const m = createServiceMetrics(registry, {
      txAdmitted: counter({ help: 'Transactions admitted', labels: ['chain'] }),
      poolSize: gauge({ help: 'Pending transactions', labels: ['chain'] }),
      admitSeconds: histogram({ help: 'Admission time', labels: ['chain', 'outcome'], buckets: [0.001, 0.01] }),
      restarts: counter({ help: 'Restarts', name: 'custom_restarts_total' }),
    });
    m.txAdmitted.inc({ chain: 'main' });
    m.txAdmitted.inc({ chain: 'main' }, 2);
    m.poolSize.set({ chain: 'main' }, 17);
    m.admitSeconds.observe({ chain: 'main', outcome: 'ok' }, 0.005);
    m.restarts.inc();
    // Compile-time only: label names are checked.
    // @ts-expect-error no label "chian"
    const typo = () => m.txAdmitted.inc({ chian: 'main' });
    void typo;
    const samples = parseExposition(await registry.metrics());
    assert.equal(value(samples, 'bystack_tx_admitted_total', { chain: 'main' }), 3);
    assert.equal(value(samples, 'bystack_pool_size', { chain: 'main' }), 17);
    assert.equal(value(samples, 'bystack_admit_seconds_bucket', { chain: 'main', outcome: 'ok', le: '0.01' }), 1);
    assert.equal(value(samples, 'custom_restarts_total', {}), 1);
  });

  it('reuses a metric declared twice with the same kind, refuses another kind', () => {
    const registry = new Registry();
    const a = createServiceMetrics(registry, { hits: counter({ help: 'h' }) });
    const b = createServiceMetrics(registry, { hits: counter({ help: 'h' }) });
    assert.equal(a.hits, b.hits);
    assert.throws(
      () => createServiceMetrics(registry, { hits: gauge({ help: 'h', name: 'bystack_hits_total' }) }),
      TypeError,
    );
  });

  it('metricNameOf', () => {
    assert.equal(metricNameOf('txAdmitted', counter({ help: '' })), 'bystack_tx_admitted_total');
    assert.equal(metricNameOf('bytesTotal', counter({ help: '' })), 'bystack_bytes_total');
    assert.equal(metricNameOf('poolSize', gauge({ help: '' }), 'mempool_'), 'mempool_pool_size');
  });
});
