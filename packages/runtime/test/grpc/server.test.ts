import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { chainV1 } from '@bystack/proto';
import { credentials, Metadata, type ServiceError, status as Status } from '@grpc/grpc-js';
import { createGrpcClient } from '../../src/grpc/client.ts';
import { ERROR_CODE_KEY, ERROR_DETAIL_KEY, isRpcError, RpcError } from '../../src/grpc/errors.ts';
import type { RpcCallContext } from '../../src/grpc/types.ts';
import { chainImpl, check, healthClient, reflectionClient, startChainService, until } from './helpers.ts';

const CHAIN_SERVICE = 'bystack.chain.v1.ChainService';
const main = { chain: { chainId: 'main' } };

async function rejection(p: Promise<unknown>): Promise<RpcError> {
  try {
    await p;
  } catch (err) {
    assert.ok(isRpcError(err), `expected RpcError, got ${err}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

describe('gRPC server', () => {
  it('answers health checks SERVING, then NOT_SERVING to watchers at shutdown', async () => {
    const svc = await startChainService(chainImpl());
    const health = healthClient(svc.address);
    try {
      assert.equal(await check(health, ''), 'SERVING');
      assert.equal(await check(health, CHAIN_SERVICE), 'SERVING');
      await assert.rejects(check(health, 'no.such.Service'), (err: ServiceError) => err.code === Status.NOT_FOUND);

      const watch = health.watch({ service: CHAIN_SERVICE });
      const seen: string[] = [];
      watch.on('data', (r: { status: string }) => seen.push(r.status));
      const ended = new Promise<void>((resolve) => {
        watch.on('end', resolve);
        watch.on('error', () => resolve());
      });
      await until(() => seen.length === 1, 'first health status');
      assert.equal(await svc.service.stop('test'), 0);
      await ended;
      assert.deepEqual(seen, ['SERVING', 'NOT_SERVING']);
    } finally {
      health.close();
      await svc.service.stop();
    }
  });

  it('lists the services through server reflection', async () => {
    const svc = await startChainService(chainImpl());
    const reflection = reflectionClient(svc.address);
    try {
      const stream = reflection.serverReflectionInfo();
      stream.write({ list_services: '' } as never);
      const [listed] = (await once(stream, 'data')) as [{ list_services_response: { service: { name: string }[] } }];
      const names = listed.list_services_response.service.map((s) => s.name).sort();
      assert.deepEqual(names, [CHAIN_SERVICE, 'grpc.health.v1.Health']);

      stream.write({ file_containing_symbol: CHAIN_SERVICE } as never);
      const [file] = (await once(stream, 'data')) as [
        { file_descriptor_response: { file_descriptor_proto: Uint8Array[] } },
      ];
      const protos = file.file_descriptor_response.file_descriptor_proto;
      assert.ok(protos.length > 0);
      assert.ok(Buffer.concat(protos).includes('GetTip'), 'the descriptor describes the methods');
      stream.end();
    } finally {
      reflection.close();
      await svc.service.stop();
    }
  });

  it('sends a typed error as its status with the stable code in trailing metadata', async () => {
    const svc = await startChainService(
      chainImpl({
        getTip: (req) => {
          throw new RpcError('CHAIN_UNKNOWN', `no chain ${req.chain?.chainId}`, {
            status: Status.NOT_FOUND,
            fields: { chain: req.chain?.chainId ?? '' },
          });
        },
      }),
    );
    const raw = new chainV1.ChainServiceClient(svc.address, credentials.createInsecure());
    const client = createGrpcClient(chainV1.ChainServiceService, svc.address);
    try {
      // On the wire, as any gRPC client sees it.
      const wire = await new Promise<ServiceError>((resolve) =>
        raw.getTip({ chain: { chainId: 'side-9' } }, (err) => resolve(err!)),
      );
      assert.equal(wire.code, Status.NOT_FOUND);
      assert.equal(wire.details, 'no chain side-9');
      assert.deepEqual(wire.metadata.get(ERROR_CODE_KEY), ['CHAIN_UNKNOWN']);
      const detail = wire.metadata.get(ERROR_DETAIL_KEY)[0];
      assert.ok(detail instanceof Uint8Array);

      // Through our client, back to a typed error.
      const err = await rejection(client.getTip({ chain: { chainId: 'side-9' } }));
      assert.equal(err.code, 'CHAIN_UNKNOWN');
      assert.equal(err.grpcStatus, Status.NOT_FOUND);
      assert.equal(err.message, 'no chain side-9');
      assert.deepEqual(err.fields, { chain: 'side-9' });
    } finally {
      raw.close();
      client.close();
      await svc.service.stop();
    }
  });

  it('turns an unknown exception into INTERNAL without leaking it, and logs it', async () => {
    const svc = await startChainService(
      chainImpl({
        getTip: () => {
          throw new TypeError('secret database password in here');
        },
      }),
    );
    const raw = new chainV1.ChainServiceClient(svc.address, credentials.createInsecure());
    const client = createGrpcClient(chainV1.ChainServiceService, svc.address);
    try {
      const wire = await new Promise<ServiceError>((resolve) => raw.getTip(main, (err) => resolve(err!)));
      assert.equal(wire.code, Status.INTERNAL);
      assert.equal(wire.details, 'internal error');
      assert.deepEqual(wire.metadata.get(ERROR_CODE_KEY), ['INTERNAL']);
      const onWire = JSON.stringify(wire.metadata.toJSON()) + wire.details;
      assert.ok(!onWire.includes('secret') && !onWire.includes('TypeError'), 'nothing of the exception is sent');

      const err = await rejection(client.getTip(main));
      assert.equal(err.code, 'INTERNAL');
      assert.equal(err.grpcStatus, Status.INTERNAL);

      const logged = svc.records().find((r) => r.msg === 'handler failed');
      assert.ok(logged, 'the server logs the failure');
      assert.equal(logged.method, `${CHAIN_SERVICE}/GetTip`);
      assert.match(String((logged.err as { stack: string }).stack), /secret database password/);
    } finally {
      raw.close();
      client.close();
      await svc.service.stop();
    }
  });

  it('passes the deadline to the handler and aborts its signal when it passes', async () => {
    let seen: RpcCallContext | undefined;
    let reason: unknown;
    const svc = await startChainService(
      chainImpl({
        getTip: async (_req, call) => {
          seen = call;
          await new Promise((resolve) => call.signal.addEventListener('abort', resolve, { once: true }));
          reason = call.signal.reason;
          throw call.signal.reason;
        },
      }),
    );
    const client = createGrpcClient(chainV1.ChainServiceService, svc.address);
    try {
      const before = Date.now();
      const err = await rejection(client.getTip(main, { deadlineMs: 200 }));
      assert.equal(err.code, 'DEADLINE_EXCEEDED');
      assert.equal(err.grpcStatus, Status.DEADLINE_EXCEEDED);
      await until(() => reason !== undefined, 'the handler to see the abort');
      assert.ok(isRpcError(reason));
      assert.equal(reason.code, 'DEADLINE_EXCEEDED');
      assert.ok(seen?.deadline !== undefined && seen.deadline >= before, 'the handler knows the deadline');
      assert.equal(seen?.method, `${CHAIN_SERVICE}/GetTip`);
    } finally {
      client.close();
      await svc.service.stop();
    }
  });

  it('aborts the handler signal when the client cancels', async () => {
    let reason: unknown;
    let started = false;
    const svc = await startChainService(
      chainImpl({
        getTip: async (_req, call) => {
          started = true;
          await new Promise((resolve) => call.signal.addEventListener('abort', resolve, { once: true }));
          reason = call.signal.reason;
          return {};
        },
      }),
    );
    const client = createGrpcClient(chainV1.ChainServiceService, svc.address);
    try {
      const controller = new AbortController();
      const call = client.getTip(main, { signal: controller.signal });
      await until(() => started, 'the call to arrive');
      controller.abort();
      const err = await rejection(call);
      assert.equal(err.code, 'CANCELLED');
      await until(() => reason !== undefined, 'the handler to see the cancellation');
      assert.equal((reason as RpcError).code, 'CANCELLED');
    } finally {
      client.close();
      await svc.service.stop();
    }
  });

  it('streams responses, and sends a typed error after partial output', async () => {
    const ref = (height: bigint) => ({ ref: { blockId: Buffer.alloc(32), height }, block: undefined, reorg: false });
    const svc = await startChainService(
      chainImpl({
        watchBlocks: async function* (req) {
          for (let h = req.fromHeight + 1n; h <= req.fromHeight + 3n; h++) yield ref(h);
          if (req.fromTip)
            throw new RpcError('REORG_TOO_DEEP', 'cannot follow', { status: Status.FAILED_PRECONDITION });
        },
      }),
    );
    const client = createGrpcClient(chainV1.ChainServiceService, svc.address);
    try {
      const heights: bigint[] = [];
      for await (const r of client.watchBlocks({ chain: undefined, fromHeight: 10n, fromTip: false })) {
        heights.push(r.ref!.height);
      }
      assert.deepEqual(heights, [11n, 12n, 13n]);

      const partial: bigint[] = [];
      const err = await rejection(
        (async () => {
          for await (const r of client.watchBlocks({ chain: undefined, fromHeight: 0n, fromTip: true })) {
            partial.push(r.ref!.height);
          }
        })(),
      );
      assert.deepEqual(partial, [1n, 2n, 3n]);
      assert.equal(err.code, 'REORG_TOO_DEEP');
      assert.equal(err.grpcStatus, Status.FAILED_PRECONDITION);
    } finally {
      client.close();
      await svc.service.stop();
    }
  });

  it('lets in-flight calls finish at shutdown, ends streams with UNAVAILABLE, refuses new calls', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let unaryStarted = false;
    const svc = await startChainService(
      chainImpl({
        getTip: async () => {
          unaryStarted = true;
          await released;
          return { tip: { blockId: Buffer.alloc(32), height: 7n }, irreversible: undefined };
        },
        watchBlocks: async function* (_req, call) {
          yield { ref: undefined, block: undefined, reorg: false };
          // A live feed: only the shutdown ends it.
          await new Promise((resolve) => call.signal.addEventListener('abort', resolve, { once: true }));
        },
      }),
    );
    const client = createGrpcClient(chainV1.ChainServiceService, svc.address);
    try {
      const inFlight = client.getTip(main);
      const stream = client.watchBlocks({ chain: undefined, fromHeight: 0n, fromTip: true })[Symbol.asyncIterator]();
      assert.equal((await stream.next()).done, false);
      await until(() => unaryStarted, 'the unary call to arrive');

      const stopped = svc.service.stop('test');
      const streamErr = await rejection(stream.next());
      assert.equal(streamErr.code, 'UNAVAILABLE');
      await until(() => svc.records().some((r) => r.msg === 'gRPC server draining'), 'the drain to start');
      release();
      assert.equal((await inFlight).tip?.height, 7n, 'the in-flight call completes');
      assert.equal(await stopped, 0);

      const refused = await rejection(client.getTip(main, { deadlineMs: 2_000 }));
      assert.equal(refused.code, 'UNAVAILABLE');
    } finally {
      client.close();
      await svc.service.stop();
    }
  });

  it('cancels the calls still running when the grace period is over', async () => {
    let started = false;
    const svc = await startChainService(
      chainImpl({
        getTip: async (_req, call) => {
          started = true;
          await new Promise((resolve) => call.signal.addEventListener('abort', resolve, { once: true }));
          throw call.signal.reason;
        },
      }),
      { graceMs: 50 },
    );
    const client = createGrpcClient(chainV1.ChainServiceService, svc.address);
    try {
      const call = client.getTip(main);
      await until(() => started, 'the call to arrive');
      assert.equal(await svc.service.stop('test'), 0);
      const err = await rejection(call);
      assert.ok(['UNAVAILABLE', 'CANCELLED'].includes(err.code), err.code);
      assert.ok(svc.records().some((r) => r.msg === 'shutdown grace period over, cancelling calls'));
    } finally {
      client.close();
    }
  });

  it('passes request metadata to the handler', async () => {
    let got: string | undefined;
    const svc = await startChainService(
      chainImpl({
        getTip: (_req, call) => {
          got = String(call.metadata.get('x-tenant')[0]);
          return {};
        },
      }),
    );
    const client = createGrpcClient(chainV1.ChainServiceService, svc.address);
    try {
      const metadata = new Metadata();
      metadata.set('x-tenant', 'acme');
      await client.getTip(main, { metadata });
      assert.equal(got, 'acme');
    } finally {
      client.close();
      await svc.service.stop();
    }
  });
});
