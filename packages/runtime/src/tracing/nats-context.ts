// W3C trace context in NATS message headers, and the spans around NATS sends and handlers.
// Outgoing: a PRODUCER (publish) or CLIENT (request) span, child of the active context, whose
// context is injected as `traceparent`/`tracestate` headers. Incoming: the context extracted from
// the headers is the parent of a CONSUMER (subscriber) or SERVER (responder) span, active while
// the handler runs, so anything the handler sends or calls (NATS, gRPC) joins the same trace.
// With tracing off (no `startTracing`), each function calls straight through.

import { headers as createHeaders, Match, type MsgHdrs } from '@nats-io/transport-node';
import {
  type Attributes,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api';
import { isTracingStarted } from './state.ts';

const TRACER_NAME = '@bystack/runtime';

export const natsHeaderSetter: TextMapSetter<MsgHdrs> = {
  set(carrier, key, value) {
    carrier.set(key, value);
  },
};

export const natsHeaderGetter: TextMapGetter<MsgHdrs | undefined> = {
  keys(carrier) {
    return carrier ? carrier.keys() : [];
  },
  get(carrier, key) {
    if (!carrier?.has(key, Match.IgnoreCase)) return undefined;
    return carrier.get(key, Match.IgnoreCase);
  },
};

export type MessagingOperation = 'publish' | 'request' | 'process' | 'reply';

const spanKinds: Record<MessagingOperation, SpanKind> = {
  publish: SpanKind.PRODUCER,
  request: SpanKind.CLIENT,
  process: SpanKind.CONSUMER,
  reply: SpanKind.SERVER,
};

export type MessagingSpan = {
  readonly operation: MessagingOperation;
  readonly subject: string;
  readonly attributes?: Attributes;
};

function spanOptions(op: MessagingSpan) {
  return {
    kind: spanKinds[op.operation],
    attributes: {
      'messaging.system': 'nats',
      'messaging.operation.type':
        op.operation === 'request' ? 'send' : op.operation === 'reply' ? 'process' : op.operation,
      'messaging.destination.name': op.subject,
      ...op.attributes,
    },
  };
}

function settle<R>(span: Span, run: () => R): R {
  let result: R;
  try {
    result = run();
  } catch (err) {
    fail(span, err);
    span.end();
    throw err;
  }
  if (result instanceof Promise) {
    return result.then(
      (value) => {
        span.end();
        return value;
      },
      (err: unknown) => {
        fail(span, err);
        span.end();
        throw err;
      },
    ) as R;
  }
  span.end();
  return result;
}

function fail(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/**
 * Runs `send` inside a new PRODUCER/CLIENT span and hands it the headers to send, which carry that
 * span's context (`headers` itself is added to, or a new set made when it is undefined).
 */
export function traceOutgoing<R>(
  op: MessagingSpan,
  headers: MsgHdrs | undefined,
  send: (h: MsgHdrs | undefined) => R,
): R {
  if (!isTracingStarted()) return send(headers);
  const tracer = trace.getTracer(TRACER_NAME);
  const span = tracer.startSpan(`${op.operation} ${op.subject}`, spanOptions(op));
  const ctx = trace.setSpan(context.active(), span);
  const carrier = headers ?? createHeaders();
  propagation.inject(ctx, carrier, natsHeaderSetter);
  return settle(span, () => context.with(ctx, () => send(carrier)));
}

/** Runs `handle` inside a CONSUMER/SERVER span whose parent is the context the headers carry. */
export function traceIncoming<R>(op: MessagingSpan, headers: MsgHdrs | undefined, handle: () => R): R {
  if (!isTracingStarted()) return handle();
  const parent = propagation.extract(ROOT_CONTEXT, headers, natsHeaderGetter);
  const tracer = trace.getTracer(TRACER_NAME);
  const span = tracer.startSpan(`${op.operation} ${op.subject}`, spanOptions(op), parent);
  return settle(span, () => context.with(trace.setSpan(parent, span), handle));
}
