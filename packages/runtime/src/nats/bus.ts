// The NATS bus: one connection per service, protobuf payloads, typed subjects, queue groups,
// request/reply with typed remote errors, W3C trace context in headers, and an ordered shutdown:
// stop taking messages, let handlers finish what they hold (bounded by `drainTimeoutMs`, after
// which their signal aborts), then drain the connection so every publish reaches the server.
import {
  ClosedConnectionError,
  connect,
  headers as createHeaders,
  DrainingConnectionError,
  type Msg,
  type NatsConnection,
  NoRespondersError,
  RequestError,
  type Subscription,
  TimeoutError,
} from '@nats-io/transport-node';
import { traceIncoming, traceOutgoing } from '../tracing/nats-context.ts';
import { decodePayload, encodePayload, type MessageCodec } from './codec.ts';
import { NatsError, NatsErrorCode } from './errors.ts';
import { BusHeader, readHeader, toHeaders } from './headers.ts';
import { JetStreamBus } from './jetstream.ts';
import { intOption, invalidOption, nameOption } from './options.ts';
import type { Subject, SubjectFilter } from './subject.ts';
import type {
  Bus,
  BusMessageContext,
  BusMessageHandler,
  BusPublishOptions,
  BusRequestHandler,
  BusRequestOptions,
  BusSubscribeOptions,
  BusSubscription,
  Drainable,
  HandlerInstrumenter,
  NatsBusOptions,
  NatsLogger,
  NatsModuleContext,
} from './types.ts';

const silentLogger: NatsLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Connects and returns a bus; NATS_CONNECT_FAILED when the server cannot be reached. */
export async function createNatsBus(opts: NatsBusOptions, ctx: NatsModuleContext = {}): Promise<NatsBus> {
  const servers = typeof opts.servers === 'string' ? [opts.servers] : [...opts.servers];
  if (servers.length === 0 || servers.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw invalidOption('servers', 'one or more server URLs', JSON.stringify(opts.servers));
  }
  const maxAttempts = intOption('reconnect.maxAttempts', opts.reconnect?.maxAttempts, -1, -1);
  const waitMs = intOption('reconnect.waitMs', opts.reconnect?.waitMs, 1000, 0);
  const jitterMs = intOption('reconnect.jitterMs', opts.reconnect?.jitterMs, 200, 0);
  const timeout = intOption('connectTimeoutMs', opts.connectTimeoutMs, 5000, 1);
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      name: opts.name,
      reconnect: maxAttempts !== 0,
      maxReconnectAttempts: maxAttempts,
      reconnectTimeWait: waitMs,
      reconnectJitter: jitterMs,
      waitOnFirstConnect: opts.waitOnFirstConnect ?? false,
      timeout,
    });
  } catch (cause) {
    throw new NatsError(NatsErrorCode.ConnectFailed, `cannot connect to ${servers.join(', ')}`, { servers }, { cause });
  }
  return new NatsBus(nc, opts, ctx);
}

export class NatsBus implements Bus {
  /** The underlying connection, for what the bus does not wrap (use sparingly). */
  readonly connection: NatsConnection;
  private readonly log: NatsLogger;
  private readonly requestTimeoutMs: number;
  private readonly drainTimeoutMs: number;
  /** The handlers' signal: aborts when the drain deadline passes or the bus is closed. */
  private readonly handlerAbort = new AbortController();
  private readonly drainables = new Set<Drainable>();
  private draining: Promise<boolean> | undefined;
  private closing: Promise<void> | undefined;
  private js: Promise<JetStreamBus> | undefined;
  private readonly metrics: HandlerInstrumenter | undefined;

  constructor(nc: NatsConnection, opts: Omit<NatsBusOptions, 'servers'>, ctx: NatsModuleContext = {}) {
    this.connection = nc;
    this.log = ctx.log ?? silentLogger;
    this.metrics = ctx.metrics;
    this.requestTimeoutMs = intOption('requestTimeoutMs', opts.requestTimeoutMs, 5000, 1);
    this.drainTimeoutMs = intOption('drainTimeoutMs', opts.drainTimeoutMs, 10_000, 0);
    void this.watchStatus();
    if (ctx.signal) {
      if (ctx.signal.aborted) void this.stopTaking();
      else ctx.signal.addEventListener('abort', () => void this.stopTaking(), { once: true });
    }
    ctx.onShutdown?.('nats', () => this.close());
  }

  /** The handler as given, or counted and timed under `name` when the bus has a service's metrics. */
  private instrument<A extends unknown[], R>(
    name: string,
    fn: (...args: A) => R,
  ): (...args: A) => R | Promise<Awaited<R>> {
    return this.metrics ? this.metrics.instrumentHandler(name, fn) : fn;
  }

  /** Aborts when handlers must give up: the drain deadline passed, or the bus closed. */
  get signal(): AbortSignal {
    return this.handlerAbort.signal;
  }

  get isClosed(): boolean {
    return this.connection.isClosed();
  }

  /** Settles when the connection closes: with the error, if it died (reconnect attempts exhausted). */
  async closed(): Promise<Error | undefined> {
    return (await this.connection.closed()) ?? undefined;
  }

  publish<T>(subject: Subject, codec: MessageCodec<T>, value: T, opts?: BusPublishOptions): void {
    this.assertConnected();
    const data = encodePayload(codec, value, subject);
    traceOutgoing({ operation: 'publish', subject }, toHeaders(opts?.headers), (headers) => {
      this.connection.publish(subject, data, headers ? { headers } : undefined);
    });
  }

  subscribe<T>(
    filter: Subject | SubjectFilter,
    codec: MessageCodec<T>,
    handler: BusMessageHandler<T>,
    opts: BusSubscribeOptions = {},
  ): BusSubscription {
    const queue = opts.queue === undefined ? undefined : nameOption('queue', opts.queue);
    const attributes = queue ? { 'messaging.consumer.group.name': queue } : undefined;
    const handle = this.instrument(`subscribe ${filter}`, handler);
    return this.run(filter, opts, async (m) => {
      await traceIncoming({ operation: 'process', subject: m.subject, attributes }, m.headers, async () => {
        const value = decodePayload(codec, m.data, m.subject);
        await handle(value, this.contextOf(m));
      });
    });
  }

  async request<Req, Res>(
    subject: Subject,
    codec: MessageCodec<Req>,
    value: Req,
    responseCodec: MessageCodec<Res>,
    opts: BusRequestOptions = {},
  ): Promise<Res> {
    this.assertConnected();
    const data = encodePayload(codec, value, subject);
    const timeout = intOption('timeoutMs', opts.timeoutMs, this.requestTimeoutMs, 1);
    const reply = await traceOutgoing({ operation: 'request', subject }, toHeaders(opts.headers), (headers) =>
      this.connection.request(subject, data, headers ? { timeout, headers } : { timeout }).catch((err: unknown) => {
        throw requestError(err, subject, timeout);
      }),
    );
    const remoteCode = readHeader(reply.headers, BusHeader.ErrorCode);
    if (remoteCode !== undefined) {
      const remoteMessage = readHeader(reply.headers, BusHeader.ErrorMessage) ?? '';
      throw new NatsError(NatsErrorCode.RemoteError, `${subject} failed with ${remoteCode}: ${remoteMessage}`, {
        subject,
        remoteCode,
        remoteMessage,
      });
    }
    return decodePayload(responseCodec, reply.data, subject);
  }

  reply<Req, Res>(
    filter: Subject | SubjectFilter,
    codec: MessageCodec<Req>,
    responseCodec: MessageCodec<Res>,
    handler: BusRequestHandler<Req, Res>,
    opts: BusSubscribeOptions = {},
  ): BusSubscription {
    const queue = opts.queue === undefined ? undefined : nameOption('queue', opts.queue);
    const attributes = queue ? { 'messaging.consumer.group.name': queue } : undefined;
    const handle = this.instrument(`reply ${filter}`, handler);
    return this.run(filter, opts, async (m) => {
      if (!m.reply) throw new NatsError(NatsErrorCode.RequestFailed, `request on ${m.subject} has no reply subject`);
      try {
        await traceIncoming({ operation: 'reply', subject: m.subject, attributes }, m.headers, async () => {
          try {
            const request = decodePayload(codec, m.data, m.subject);
            const response = await handle(request, this.contextOf(m));
            m.respond(encodePayload(responseCodec, response, m.subject));
          } catch (err) {
            m.respond(new Uint8Array(0), { headers: errorHeaders(err) });
            throw err;
          }
        });
      } catch (err) {
        // The requester got the error; here it is only worth a warning.
        this.log.warn('nats request answered with an error', {
          subject: m.subject,
          code: errorCode(err),
          error: errorMessage(err),
        });
      }
    });
  }

  async flush(): Promise<void> {
    this.assertConnected();
    await this.connection.flush();
  }

  /** JetStream on this connection (created once; NATS_UNSUPPORTED when the server has none). */
  jetstream(): Promise<JetStreamBus> {
    this.js ??= JetStreamBus.create(this.connection, {
      log: this.log,
      metrics: this.metrics,
      signal: this.handlerAbort.signal,
      track: (d) => this.track(d),
    }).catch((err: unknown) => {
      this.js = undefined;
      throw err;
    });
    return this.js;
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /** Registers something `close()` must drain first; returns its unregistration. */
  private track(d: Drainable): () => void {
    if (this.draining) throw new NatsError(NatsErrorCode.Closed, 'the bus is shutting down');
    this.drainables.add(d);
    return () => this.drainables.delete(d);
  }

  private stopTaking(): Promise<boolean> {
    this.draining ??= (async () => {
      const all = Promise.allSettled([...this.drainables].map((d) => d.drain()));
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), this.drainTimeoutMs);
      });
      const inTime = await Promise.race([all.then(() => true as const), deadline]);
      clearTimeout(timer);
      if (!inTime) {
        this.log.warn('nats handlers still busy at the drain deadline; aborting them', {
          drainTimeoutMs: this.drainTimeoutMs,
        });
        this.handlerAbort.abort(new NatsError(NatsErrorCode.Closed, 'drain deadline passed'));
      }
      return inTime;
    })();
    return this.draining;
  }

  private async shutdown(): Promise<void> {
    await this.stopTaking();
    const nc = this.connection;
    if (!nc.isClosed() && !nc.isDraining()) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(this.drainTimeoutMs, 1000));
      });
      await Promise.race([nc.drain().catch(() => undefined), deadline]);
      clearTimeout(timer);
    }
    if (!nc.isClosed()) await nc.close();
    this.handlerAbort.abort(new NatsError(NatsErrorCode.Closed, 'bus closed'));
  }

  private run(
    filter: Subject | SubjectFilter,
    opts: BusSubscribeOptions,
    dispatch: (m: Msg) => Promise<void>,
  ): BusSubscription {
    if (this.draining) throw new NatsError(NatsErrorCode.Closed, 'the bus is shutting down');
    this.assertConnected();
    const concurrency = intOption('concurrency', opts.concurrency, 1, 1);
    const sub = this.connection.subscribe(filter, opts.queue ? { queue: opts.queue } : undefined);
    const runner = new SubscriptionRunner(sub, opts.queue, concurrency, dispatch, this.log);
    const untrack = this.track(runner);
    void runner.done.finally(untrack);
    return runner;
  }

  private contextOf(m: Msg): BusMessageContext {
    const signal = this.handlerAbort.signal;
    return { subject: m.subject, signal, header: (name) => readHeader(m.headers, name) };
  }

  private assertConnected(): void {
    if (this.connection.isClosed() || this.connection.isDraining()) {
      throw new NatsError(NatsErrorCode.Closed, 'the NATS connection is closed');
    }
  }

  private async watchStatus(): Promise<void> {
    for await (const s of this.connection.status()) {
      switch (s.type) {
        case 'disconnect':
          this.log.warn('nats disconnected', { server: s.server });
          break;
        case 'reconnecting':
          this.log.debug('nats reconnecting');
          break;
        case 'reconnect':
          this.log.info('nats reconnected', { server: s.server });
          break;
        case 'error':
          this.log.error('nats error', { error: s.error.message });
          break;
        case 'slowConsumer':
          this.log.warn('nats slow consumer', { sub: s.sub.getSubject(), pending: s.pending });
          break;
        default:
          break;
      }
    }
    const err = await this.connection.closed();
    if (err && !this.closing) this.log.error('nats connection closed', { error: err.message });
  }
}

/** Runs one subscription's handlers, in order (concurrency 1) or up to `concurrency` at once. */
class SubscriptionRunner implements BusSubscription, Drainable {
  readonly subject: string;
  readonly queue: string | undefined;
  readonly done: Promise<void>;
  private count = 0;
  private readonly sub: Subscription;

  constructor(
    sub: Subscription,
    queue: string | undefined,
    concurrency: number,
    dispatch: (m: Msg) => Promise<void>,
    log: NatsLogger,
  ) {
    this.sub = sub;
    this.subject = sub.getSubject();
    this.queue = queue;
    const handle = async (m: Msg) => {
      try {
        await dispatch(m);
      } catch (err) {
        log.error('nats handler failed', { subject: m.subject, error: errorMessage(err), code: errorCode(err) });
      } finally {
        this.count++;
      }
    };
    this.done = concurrency === 1 ? this.inOrder(handle) : this.concurrently(handle, concurrency);
  }

  get handled(): number {
    return this.count;
  }

  async drain(): Promise<void> {
    if (!this.sub.isClosed() && !this.sub.isDraining()) await this.sub.drain().catch(() => undefined);
    await this.done;
  }

  private async inOrder(handle: (m: Msg) => Promise<void>): Promise<void> {
    for await (const m of this.sub) await handle(m);
  }

  private async concurrently(handle: (m: Msg) => Promise<void>, concurrency: number): Promise<void> {
    const inflight = new Set<Promise<void>>();
    for await (const m of this.sub) {
      while (inflight.size >= concurrency) await Promise.race(inflight);
      const p: Promise<void> = handle(m).finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await Promise.all(inflight);
  }
}

function requestError(err: unknown, subject: string, timeoutMs: number): NatsError {
  if (err instanceof NatsError) return err;
  const cause = err instanceof RequestError && err.cause ? err.cause : err;
  if ((err instanceof RequestError && err.isNoResponders()) || cause instanceof NoRespondersError) {
    return new NatsError(NatsErrorCode.NoResponders, `no responder on ${subject}`, { subject }, { cause: err });
  }
  if (err instanceof TimeoutError || cause instanceof TimeoutError) {
    return new NatsError(
      NatsErrorCode.Timeout,
      `no reply on ${subject} within ${timeoutMs} ms`,
      { subject, timeoutMs },
      {
        cause: err,
      },
    );
  }
  if (cause instanceof ClosedConnectionError || cause instanceof DrainingConnectionError) {
    return new NatsError(
      NatsErrorCode.Closed,
      `connection closed during a request on ${subject}`,
      { subject },
      { cause: err },
    );
  }
  return new NatsError(
    NatsErrorCode.RequestFailed,
    `request on ${subject} failed: ${errorMessage(err)}`,
    { subject },
    {
      cause: err,
    },
  );
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length > 0 ? code : 'INTERNAL';
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Header values cannot hold line breaks; long messages are cut. */
function errorHeaders(err: unknown) {
  const h = createHeaders();
  h.set(BusHeader.ErrorCode, errorCode(err).replace(/[\r\n]/g, ' '));
  h.set(
    BusHeader.ErrorMessage,
    errorMessage(err)
      .replace(/[\r\n]+/g, ' ')
      .slice(0, 1024),
  );
  return h;
}
