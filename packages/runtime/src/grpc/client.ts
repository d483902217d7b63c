// A typed promise client over grpc-js for a generated service definition:
//   const chain = createGrpcClient(chainV1.ChainServiceService, 'validator:50051', { idempotent: ['getTip'] });
//   const tip = await chain.getTip({ chain: { chainId: 'main' } }, { deadlineMs: 2000 });
// A failed call rejects with an RpcError carrying the server's stable code. Only methods declared
// idempotent are retried, with backoff, on UNAVAILABLE / an attempt's DEADLINE_EXCEEDED.
import { setTimeout as sleep } from 'node:timers/promises';
import { type ChannelOptions, Client, credentials, Metadata, type ServiceError, status as Status } from '@grpc/grpc-js';
import { runtimeMetricsOf } from '../metrics/runtime-metrics.ts';
import { RpcError, RpcErrorCode, rpcErrorFromServiceError, statusName } from './errors.ts';
import { methodLabel } from './handlers.ts';
import { backoffDelay, declaredIdempotent, retryPolicy } from './retry.ts';
import type { CallOptions, GrpcClient, GrpcClientOptions, MethodDef, ServiceDef } from './types.ts';

export const DEFAULT_DEADLINE_MS = 30_000;

/** Reconnect quickly after a peer restarts (grpc-js waits 1 s, then longer, by default). */
const defaultChannelOptions: ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 5_000,
};

export function createGrpcClient<S extends ServiceDef>(
  definition: S,
  address: string,
  opts: GrpcClientOptions<S> = {},
): GrpcClient<S> {
  const client = new Client(address, opts.credentials ?? credentials.createInsecure(), {
    ...defaultChannelOptions,
    ...opts.channelOptions,
  });
  const idempotent = new Set<string>([...declaredIdempotent(definition), ...(opts.idempotent ?? [])]);
  const policy = retryPolicy(opts.retry);
  const retries = opts.metrics ? runtimeMetricsOf(opts.metrics.registry).grpcClientRetries : undefined;
  const out: Record<string, unknown> = { close: () => client.close() };

  for (const [name, method] of Object.entries(definition)) {
    if (method.requestStream) continue;
    const label = methodLabel(method.path);
    if (method.responseStream) {
      out[name] = (request: unknown, call: CallOptions = {}) => serverStream(client, method, request, call);
      continue;
    }
    const canRetry = idempotent.has(name);
    out[name] = async (request: unknown, call: CallOptions = {}) => {
      const deadline = Date.now() + (call.deadlineMs ?? opts.deadlineMs ?? DEFAULT_DEADLINE_MS);
      for (let attempt = 1; ; attempt++) {
        const attemptDeadline =
          canRetry && opts.attemptTimeoutMs ? Math.min(deadline, Date.now() + opts.attemptTimeoutMs) : deadline;
        try {
          return await unaryOnce(client, method, request, attemptDeadline, call);
        } catch (err) {
          const error = err as RpcError;
          if (!canRetry || attempt >= policy.maxAttempts || call.signal?.aborted) throw error;
          if (!policy.retryOn.includes(error.grpcStatus)) throw error;
          const delayMs = backoffDelay(policy, attempt);
          if (Date.now() + delayMs >= deadline) throw error;
          retries?.inc({ method: label, code: statusName(error.grpcStatus) });
          opts.log?.debug('retrying gRPC call', { method: label, attempt, delay_ms: delayMs, code: error.code });
          opts.onRetry?.({ method: label, attempt, delayMs, error });
          try {
            await sleep(delayMs, undefined, { signal: call.signal });
          } catch {
            throw cancelled();
          }
        }
      }
    };
  }
  return out as GrpcClient<S>;
}

function cancelled(): RpcError {
  return new RpcError(RpcErrorCode.Cancelled, 'cancelled by the caller', { status: Status.CANCELLED });
}

function unaryOnce(
  client: Client,
  method: MethodDef<unknown, unknown>,
  request: unknown,
  deadline: number,
  call: CallOptions,
): Promise<unknown> {
  const { signal } = call;
  if (signal?.aborted) return Promise.reject(cancelled());
  return new Promise((resolve, reject) => {
    const onAbort = () => pending.cancel();
    const pending = client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      call.metadata ?? new Metadata(),
      { deadline },
      (err: ServiceError | null, response?: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(rpcErrorFromServiceError(err));
        else resolve(response);
      },
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function* serverStream(
  client: Client,
  method: MethodDef<unknown, unknown>,
  request: unknown,
  call: CallOptions,
): AsyncGenerator<unknown> {
  const { signal } = call;
  if (signal?.aborted) throw cancelled();
  const stream = client.makeServerStreamRequest(
    method.path,
    method.requestSerialize,
    method.responseDeserialize,
    request,
    call.metadata ?? new Metadata(),
    call.deadlineMs === undefined ? {} : { deadline: Date.now() + call.deadlineMs },
  );
  const onAbort = () => stream.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const message of stream) yield message;
  } catch (err) {
    throw isServiceError(err) ? rpcErrorFromServiceError(err) : err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // The consumer may stop early: tell the server.
    stream.cancel();
  }
}

function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'number' && 'metadata' in err;
}
