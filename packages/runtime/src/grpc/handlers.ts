// Adapts promise/async-iterable handlers to grpc-js: per-call AbortSignal (client cancel, deadline,
// forced shutdown), typed errors to statuses, and the request/error/duration/in-flight metrics.
import { once } from 'node:events';
import {
  type handleServerStreamingCall,
  type handleUnaryCall,
  type Metadata,
  type ServerWritableStream,
  status as Status,
} from '@grpc/grpc-js';
import type { Logger } from '../log/types.ts';
import type { RuntimeMetrics } from '../metrics/runtime-metrics.ts';
import { isRpcError, RpcError, RpcErrorCode, rpcErrorToStatus, statusName } from './errors.ts';
import type { RpcCallContext, ServerStreamHandler, UnaryHandler } from './types.ts';

/** What the handlers need from their server. */
export interface CallHost {
  readonly log: Logger;
  readonly metrics: RuntimeMetrics;
  /** Registers a call so a forced shutdown can abort it; returns the unregister function. */
  track(controller: AbortController, streaming: boolean): () => void;
}

/** `/pkg.Service/Method` -> `pkg.Service/Method`. */
export function methodLabel(path: string): string {
  return path.startsWith('/') ? path.slice(1) : path;
}

/** The part of a grpc-js server call (unary or streaming) a handler context is made from. */
type SurfaceCall = {
  readonly metadata: Metadata;
  getDeadline(): Date | number;
  getPeer(): string;
  once(event: 'cancelled', listener: () => void): unknown;
  off(event: 'cancelled', listener: () => void): unknown;
};

type OpenCall = {
  readonly ctx: RpcCallContext;
  readonly signal: AbortSignal;
  /** Records the outcome (undefined = OK) and releases the call's timer and listeners. */
  finish(failure: RpcError | undefined): void;
};

function openCall(call: SurfaceCall, method: string, host: CallHost, streaming: boolean): OpenCall {
  const controller = new AbortController();
  const rawDeadline = call.getDeadline();
  const deadlineMs = rawDeadline instanceof Date ? rawDeadline.getTime() : rawDeadline;
  const deadline = Number.isFinite(deadlineMs) ? deadlineMs : undefined;
  const deadlineExceeded = () =>
    controller.abort(
      new RpcError(RpcErrorCode.DeadlineExceeded, 'deadline exceeded', { status: Status.DEADLINE_EXCEEDED }),
    );
  const timer = deadline === undefined ? undefined : setTimeout(deadlineExceeded, Math.max(0, deadline - Date.now()));
  const onCancelled = () => {
    // grpc-js may report its own deadline expiry as a cancellation: name it by the clock.
    if (deadline !== undefined && Date.now() >= deadline - 1) deadlineExceeded();
    else
      controller.abort(new RpcError(RpcErrorCode.Cancelled, 'cancelled by the client', { status: Status.CANCELLED }));
  };
  call.once('cancelled', onCancelled);
  const untrack = host.track(controller, streaming);
  const inFlight = host.metrics.grpcServerInFlight.labels({ method });
  inFlight.inc();
  const started = process.hrtime.bigint();
  let log: Logger | undefined;
  const ctx: RpcCallContext = {
    method,
    signal: controller.signal,
    deadline,
    metadata: call.metadata,
    peer: call.getPeer(),
    get log() {
      log ??= host.log.child({ method });
      return log;
    },
  };
  return {
    ctx,
    signal: controller.signal,
    finish(failure) {
      clearTimeout(timer);
      call.off('cancelled', onCancelled);
      untrack();
      inFlight.dec();
      const code = statusName(failure ? failure.grpcStatus : Status.OK);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      host.metrics.grpcServerRequests.inc({ method, code });
      host.metrics.grpcServerDuration.observe({ method, code }, seconds);
      if (failure) host.metrics.grpcServerErrors.inc({ method, code: failure.code });
    },
  };
}

/**
 * The typed error a failure is sent as: the handler's RpcError; else, when the call was aborted, the
 * abort reason (the handler gave up because of it); else INTERNAL, logged here and never sent.
 */
function failureOf(err: unknown, open: OpenCall, host: CallHost): RpcError {
  if (isRpcError(err)) return err;
  if (open.signal.aborted && isRpcError(open.signal.reason)) return open.signal.reason;
  host.log.error('handler failed', { method: open.ctx.method, err });
  return new RpcError(RpcErrorCode.Internal, 'internal error', { status: Status.INTERNAL });
}

/** Abort reasons after which the response cannot reach the client any more. */
function clientGone(signal: AbortSignal): RpcError | undefined {
  const reason = signal.aborted ? signal.reason : undefined;
  return isRpcError(reason) &&
    (reason.grpcStatus === Status.DEADLINE_EXCEEDED || reason.grpcStatus === Status.CANCELLED)
    ? reason
    : undefined;
}

export function wrapUnary<Req, Res>(
  path: string,
  handler: UnaryHandler<Req, Res>,
  host: CallHost,
): handleUnaryCall<Req, Res> {
  const method = methodLabel(path);
  return (call, callback) => {
    const open = openCall(call, method, host, false);
    let result: Promise<Res>;
    try {
      result = Promise.resolve(handler(call.request, open.ctx));
    } catch (err) {
      result = Promise.reject(err);
    }
    result.then(
      (response) => {
        open.finish(clientGone(open.signal));
        callback(null, response);
      },
      (err: unknown) => {
        const failure = failureOf(err, open, host);
        open.finish(failure);
        callback(rpcErrorToStatus(failure));
      },
    );
  };
}

const aborted = Symbol('aborted');

export function wrapServerStream<Req, Res>(
  path: string,
  handler: ServerStreamHandler<Req, Res>,
  host: CallHost,
): handleServerStreamingCall<Req, Res> {
  const method = methodLabel(path);
  return (call) => {
    const open = openCall(call, method, host, true);
    streamResponses(call, handler, open).then(
      () => {
        open.finish(undefined);
        call.end();
      },
      (err: unknown) => {
        const failure = failureOf(err, open, host);
        open.finish(failure);
        call.emit('error', rpcErrorToStatus(failure));
      },
    );
  };
}

async function streamResponses<Req, Res>(
  call: ServerWritableStream<Req, Res>,
  handler: ServerStreamHandler<Req, Res>,
  open: OpenCall,
): Promise<void> {
  const { signal } = open;
  const iterator = handler(call.request, open.ctx)[Symbol.asyncIterator]();
  const abort = new Promise<typeof aborted>((resolve) => {
    if (signal.aborted) resolve(aborted);
    else signal.addEventListener('abort', () => resolve(aborted), { once: true });
  });
  for (;;) {
    const next = iterator.next();
    // The handler may reject later, after the abort already ended the stream.
    next.catch(() => {});
    const step = await Promise.race([next, abort]);
    if (step === aborted) {
      iterator.return?.()?.catch(() => {});
      throw signal.reason;
    }
    if (step.done) return;
    if (!call.write(step.value)) {
      try {
        await once(call, 'drain', { signal });
      } catch {
        throw signal.reason;
      }
    }
  }
}
