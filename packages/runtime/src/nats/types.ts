import type { MessageCodec } from './codec.ts';
import type { Subject, SubjectFilter } from './subject.ts';

/** Something the bus stops before it drains its connection (subscriptions, consumer runs). */
export interface Drainable {
  drain(): Promise<void>;
}

/** The log methods the bus uses; the runtime's `Logger` fits. */
export interface NatsLogger {
  debug(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  info(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  error(msg: string, fields?: Readonly<Record<string, unknown>>): void;
}

/**
 * What the bus takes from the composition root; the runtime's `ModuleContext` fits. When `signal`
 * aborts the bus stops taking messages (subscriptions drain); the shutdown hook it registers
 * finishes in-flight handlers and closes the connection.
 */
export interface NatsModuleContext {
  readonly log?: NatsLogger;
  readonly signal?: AbortSignal;
  /** When given (a service's metrics), every subscription, responder and consumer handler is counted and timed. */
  readonly metrics?: HandlerInstrumenter;
  onShutdown?(name: string, hook: () => Promise<void>): void;
}

/** What the bus needs of a service's metrics: a wrapper that counts and times a handler under a name. */
export interface HandlerInstrumenter {
  instrumentHandler<A extends unknown[], R>(name: string, fn: (...args: A) => R): (...args: A) => Promise<Awaited<R>>;
}

export type NatsReconnectOptions = {
  /** Attempts per server before giving up; -1 retries forever (default), 0 never reconnects. */
  readonly maxAttempts?: number;
  /** Wait between attempts, ms (default 1000). */
  readonly waitMs?: number;
  /** Random extra wait added to each attempt, ms (default 200). */
  readonly jitterMs?: number;
};

export type NatsBusOptions = {
  /** `nats://host:port`, or several for a cluster. */
  readonly servers: string | readonly string[];
  /** Client name the server shows in its monitoring pages (e.g. "mempool"). */
  readonly name?: string;
  readonly reconnect?: NatsReconnectOptions;
  /**
   * Keep trying the first connection under the reconnect policy (a service that starts before
   * its NATS server), rather than failing at once with NATS_CONNECT_FAILED. Default false.
   */
  readonly waitOnFirstConnect?: boolean;
  /** Handshake timeout of each connection attempt, ms (default 5000). */
  readonly connectTimeoutMs?: number;
  /** Default request timeout, ms (default 5000). */
  readonly requestTimeoutMs?: number;
  /**
   * How long `close()` lets subscriptions and consumers finish the messages they hold before it
   * aborts the handlers' signal and closes the connection, ms (default 10000).
   */
  readonly drainTimeoutMs?: number;
};

/** What a handler learns about the message besides its decoded payload. */
export interface BusMessageContext {
  readonly subject: string;
  /** A header's value, or undefined (case-insensitive name). */
  header(name: string): string | undefined;
  /** Aborts when the bus stops waiting for handlers (drain timeout at shutdown). */
  readonly signal: AbortSignal;
}

export type BusMessageHandler<T> = (value: T, ctx: BusMessageContext) => void | Promise<void>;
export type BusRequestHandler<Req, Res> = (value: Req, ctx: BusMessageContext) => Res | Promise<Res>;

export type BusSubscribeOptions = {
  /** Queue group: each message goes to one member of the group (work sharing). */
  readonly queue?: string;
  /** Handlers run at once on this subscription (default 1: in order). */
  readonly concurrency?: number;
};

export type BusPublishOptions = {
  /** Extra headers (trace context is added by the bus when tracing is on). */
  readonly headers?: Readonly<Record<string, string>>;
};

export type BusRequestOptions = BusPublishOptions & {
  /** Overrides the bus's request timeout, ms. */
  readonly timeoutMs?: number;
};

/** A live subscription (or responder); `drain()` stops it after the messages it holds. */
export interface BusSubscription {
  readonly subject: string;
  readonly queue: string | undefined;
  /** Messages handled so far (handler returned or threw). */
  readonly handled: number;
  drain(): Promise<void>;
}

/**
 * Core NATS messaging with protobuf payloads. Subjects come from `subject()`/`subjectFilter()`.
 * `NatsBus` implements it; a service that needs less defines its own narrower interface.
 */
export interface Bus {
  publish<T>(subject: Subject, codec: MessageCodec<T>, value: T, opts?: BusPublishOptions): void;
  subscribe<T>(
    filter: Subject | SubjectFilter,
    codec: MessageCodec<T>,
    handler: BusMessageHandler<T>,
    opts?: BusSubscribeOptions,
  ): BusSubscription;
  request<Req, Res>(
    subject: Subject,
    codec: MessageCodec<Req>,
    value: Req,
    responseCodec: MessageCodec<Res>,
    opts?: BusRequestOptions,
  ): Promise<Res>;
  reply<Req, Res>(
    filter: Subject | SubjectFilter,
    codec: MessageCodec<Req>,
    responseCodec: MessageCodec<Res>,
    handler: BusRequestHandler<Req, Res>,
    opts?: BusSubscribeOptions,
  ): BusSubscription;
  /** Resolves once everything published so far has reached the server. */
  flush(): Promise<void>;
  /** Drains subscriptions and consumers, then the connection. Idempotent. */
  close(): Promise<void>;
}
