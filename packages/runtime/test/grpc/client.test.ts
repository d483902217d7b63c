import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chainV1 } from '@bystack/proto';
import { freePort } from '@bystack/testing';
import { status as Status } from '@grpc/grpc-js';
import { createGrpcClient } from '../../src/grpc/client.ts';
import { isRpcError, RpcError } from '../../src/grpc/errors.ts';
import { backoffDelay, DEFAULT_RETRY, declareIdempotent, retryPolicy } from '../../src/grpc/retry.ts';
import type { RetryEvent } from '../../src/grpc/types.ts';
import { createMetrics } from '../../src/metrics/service-metrics.ts';
import { type ChainService, chainImpl, startChainService } from './helpers.ts';

const main = { chain: { chainId: 'main' } };
const fast = { initialBackoffMs: 5, maxBackoffMs: 50 };

async function rejection(p: Promise<unknown>): Promise<RpcError> {
  try {
    await p;
  } catch (err) {
    assert.ok(isRpcError(err), `expected RpcError, got ${err}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

/** A ChainService whose getTip and getBlock fail with `status` the first `failures` times. */
async function flakyService(failures: number, status: Status = Status.UNAVAILABLE, port = 0) {
  const calls = { getTip: 0, getBlock: 0 };
  const fail = (method: keyof typeof calls) => {
    calls[method]++;
    if (calls[method] <= failures) throw new RpcError('NOT_READY', `attempt ${calls[method]} fails`, { status });
  };
  const svc = await startChainService(
    chainImpl({
      getTip: () => {
        fail('getTip');
        return { tip: { blockId: Buffer.alloc(32), height: 5n }, irreversible: undefined };
      },
      getBlock: () => {
        fail('getBlock');
        return { block: undefined, ref: undefined };
      },
    }),
    { port },
  );
  return { svc, calls };
}

describe('gRPC client retries', () => {
  it('retries an idempotent method on UNAVAILABLE until it succeeds', async () => {
    const { svc, calls } = await flakyService(2);
    const metrics = createMetrics({ service: 'client-test', processMetrics: false });
    const retried: RetryEvent[] = [];
    const client = createGrpcClient(chainV1.ChainServiceService, svc.address, {
      idempotent: ['getTip'],
      retry: fast,
      metrics,
      onRetry: (e) => retried.push(e),
    });
    try {
      const res = await client.getTip(main);
      assert.equal(res.tip?.height, 5n);
      assert.equal(calls.getTip, 3, 'two failures, then success, counted on the server');
      assert.deepEqual(
        retried.map((e) => [e.attempt, (e.error as RpcError).code]),
        [
          [1, 'NOT_READY'],
          [2, 'NOT_READY'],
        ],
      );
      const counter = await metrics.registry.getSingleMetric('bystack_grpc_client_retries_total')?.get();
      assert.equal(counter?.values[0]?.value, 2);
      assert.deepEqual(counter?.values[0]?.labels, {
        method: 'bystack.chain.v1.ChainService/GetTip',
        code: 'UNAVAILABLE',
      });
    } finally {
      client.close();
      await svc.service.stop();
    }
  });

  it('never retries a method not declared idempotent', async () => {
    const { svc, calls } = await flakyService(1);
    const client = createGrpcClient(chainV1.ChainServiceService, svc.address, { idempotent: ['getTip'], retry: fast });
    try {
      const err = await rejection(client.getBlock(main));
      assert.equal(err.code, 'NOT_READY');
      assert.equal(err.grpcStatus, Status.UNAVAILABLE);
      assert.equal(calls.getBlock, 1);
    } finally {
      client.close();
      await svc.service.stop();
    }
  });

  it('does not retry statuses a repeat cannot fix', async () => {
    const { svc, calls } = await flakyService(1, Status.INVALID_ARGUMENT);
    const client = createGrpcClient(chainV1.ChainServiceService, svc.address, { idempotent: ['getTip'], retry: fast });
    try {
      const err = await rejection(client.getTip(main));
      assert.equal(err.grpcStatus, Status.INVALID_ARGUMENT);
      assert.equal(calls.getTip, 1);
    } finally {
      client.close();
      await svc.service.stop();
    }
  });

  it('gives up after maxAttempts with the last error', async () => {
    const { svc, calls } = await flakyService(100);
    const client = createGrpcClient(chainV1.ChainServiceService, svc.address, {
      idempotent: ['getTip'],
      retry: { ...fast, maxAttempts: 3 },
    });
    try {
      const err = await rejection(client.getTip(main));
      assert.equal(err.message, 'attempt 3 fails');
      assert.equal(calls.getTip, 3);
    } finally {
      client.close();
      await svc.service.stop();
    }
  });

  it('retries an attempt that ran out of its own time, within the call deadline', async () => {
    let calls = 0;
    const svc = await startChainService(
      chainImpl({
        getTip: async (_req, call) => {
          calls++;
          // The first attempt hangs until its deadline passes.
          if (calls === 1)
            await new Promise((resolve) => call.signal.addEventListener('abort', resolve, { once: true }));
          return { tip: { blockId: Buffer.alloc(32), height: 9n }, irreversible: undefined };
        },
      }),
    );
    const client = createGrpcClient(chainV1.ChainServiceService, svc.address, {
      idempotent: ['getTip'],
      retry: fast,
      attemptTimeoutMs: 100,
      deadlineMs: 10_000,
    });
    try {
      assert.equal((await client.getTip(main)).tip?.height, 9n);
      assert.equal(calls, 2);
    } finally {
      client.close();
      await svc.service.stop();
    }
  });

  it('reaches a server that comes up after the first attempt', async () => {
    const port = await freePort();
    let server: { svc: ChainService; calls: { getTip: number } } | undefined;
    let starting: Promise<unknown> | undefined;
    const client = createGrpcClient(chainV1.ChainServiceService, `127.0.0.1:${port}`, {
      idempotent: ['getTip'],
      retry: { maxAttempts: 30, initialBackoffMs: 10, maxBackoffMs: 100 },
      onRetry: (e) => {
        assert.equal((e.error as RpcError).code, 'UNAVAILABLE');
        starting ??= flakyService(0, Status.UNAVAILABLE, port).then((s) => {
          server = s;
        });
      },
    });
    try {
      const res = await client.getTip(main);
      assert.equal(res.tip?.height, 5n);
      assert.ok(server);
      assert.equal(server.calls.getTip, 1);
    } finally {
      client.close();
      await starting;
      await server?.svc.service.stop();
    }
  });

  it('retries the methods declared idempotent for a definition', async () => {
    const { svc, calls } = await flakyService(1);
    // A copy, so the declaration does not leak into the other tests.
    const definition = { ...chainV1.ChainServiceService };
    declareIdempotent(definition, ['getBlock']);
    const client = createGrpcClient(definition, svc.address, { retry: fast });
    try {
      await client.getBlock(main);
      assert.equal(calls.getBlock, 2);
      await rejection(client.getTip(main));
      assert.equal(calls.getTip, 1);
    } finally {
      client.close();
      await svc.service.stop();
    }
  });

  it('stops retrying when the caller aborts', async () => {
    const { svc, calls } = await flakyService(100);
    const controller = new AbortController();
    const client = createGrpcClient(chainV1.ChainServiceService, svc.address, {
      idempotent: ['getTip'],
      retry: { maxAttempts: 100, initialBackoffMs: 10_000, maxBackoffMs: 10_000 },
      onRetry: () => controller.abort(),
    });
    try {
      const err = await rejection(client.getTip(main, { signal: controller.signal }));
      assert.equal(err.code, 'CANCELLED');
      assert.equal(calls.getTip, 1);
    } finally {
      client.close();
      await svc.service.stop();
    }
  });
});

describe('backoff', () => {
  it('grows exponentially, is capped, and jitters within bounds', () => {
    const p = retryPolicy({ initialBackoffMs: 100, maxBackoffMs: 1_000, multiplier: 2, jitter: 0.2 });
    assert.equal(
      backoffDelay(p, 1, () => 0.5),
      100,
    );
    assert.equal(
      backoffDelay(p, 2, () => 0.5),
      200,
    );
    assert.equal(
      backoffDelay(p, 3, () => 0.5),
      400,
    );
    assert.equal(
      backoffDelay(p, 10, () => 0.5),
      1_000,
    );
    assert.equal(
      backoffDelay(p, 1, () => 0),
      80,
    );
    assert.equal(
      backoffDelay(p, 1, () => 1),
      120,
    );
    assert.equal(
      backoffDelay(p, 10, () => 1),
      1_000,
      'jitter never exceeds the cap',
    );
  });

  it('rejects a nonsensical policy', () => {
    assert.throws(() => retryPolicy({ maxAttempts: 0 }), RangeError);
    assert.throws(() => retryPolicy({ jitter: 2 }), RangeError);
    assert.deepEqual(retryPolicy(), DEFAULT_RETRY);
  });
});
