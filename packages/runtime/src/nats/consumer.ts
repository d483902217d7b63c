// Durable pull consumers: created idempotently, consumed with explicit acks (at-least-once), and,
// given a checkpoint, handled in stream order with no loss and no duplicate handling across
// crashes of the consuming process.
//
// Why the checkpoint and not the consumer's ack state alone: an ack is sent after the handler, so a
// crash between the two redelivers a handled message; and the messages a dead process held are
// redelivered only after the ack wait, while the server already sends the next ones to its
// successor, so the successor sees a gap. With a checkpoint (the last handled stream sequence,
// kept by the handler's own store) the run:
//   - acks and skips any delivery at or below the checkpoint (redeliveries of handled messages);
//   - when a delivery is beyond the next expected message, reads the missing ones straight from
//     the stream (`next_by_subj` from checkpoint + 1) and handles them first, so order holds and
//     nothing waits for the ack wait to expire;
//   - retries a failing handler in place (a block cannot be skipped), telling the server it is
//     still working on the message.
// The checkpoint is saved after the handler and before the ack. For exactly-once handling, the
// handler's effect and the checkpoint must become durable together (one transaction, one write):
// stage the effect in the handler and commit it with the sequence in `save`.

import { setTimeout as sleep } from 'node:timers/promises';
import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerInfo,
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiCodes,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  ReplayPolicy,
} from '@nats-io/jetstream';
import { type MsgHdrs, nanos } from '@nats-io/transport-node';
import { traceIncoming } from '../tracing/nats-context.ts';
import { decodePayload, type MessageCodec } from './codec.ts';
import { NatsError, NatsErrorCode } from './errors.ts';
import { BusHeader, parseHeight, readHeader } from './headers.ts';
import { nextStoredMessage, sequenceForHeight } from './height-index.ts';
import { intOption, invalidOption, nameOption } from './options.ts';
import { isApiError, streamError } from './streams.ts';
import type { Subject, SubjectFilter } from './subject.ts';
import type { BusMessageContext, Drainable, HandlerInstrumenter, NatsLogger } from './types.ts';

/**
 * The handled-marker of one consumer, kept by the consumer's owner (a file, a store row). Exactly
 * one process may run against one checkpoint at a time.
 */
export interface ConsumerCheckpoint {
  /** Stream sequence of the last message whose handling is durable; 0 when none was. */
  load(): Promise<number>;
  /**
   * Records `seq` as handled. Called once per message after its handler resolved and before its
   * ack; commit the handler's staged effect here to make both durable at once.
   */
  save(seq: number): Promise<void>;
}

/** Where a consumer starts when it is created (an existing durable resumes where it was). */
export type ConsumerStart =
  | { readonly from: 'all' }
  | { readonly from: 'new' }
  | { readonly from: 'seq'; readonly seq: number }
  | { readonly from: 'height'; readonly height: bigint };

export type DurableConsumerSpec = {
  readonly stream: string;
  /** Durable name: the consumer's identity across restarts ([A-Za-z0-9_-]). */
  readonly durable: string;
  /** Only messages on these subjects (default: the whole stream). */
  readonly filterSubject?: Subject | SubjectFilter;
  /** Applies when the consumer is created (default `all`). */
  readonly start?: ConsumerStart;
  /** Redelivery after this long without an ack, ms (default 30000). */
  readonly ackWaitMs?: number;
  /** Deliveries awaiting their ack at most (default 1024; keep above the consume batch). */
  readonly maxAckPending?: number;
  /** Deliveries of one message at most (default -1: unlimited). */
  readonly maxDeliver?: number;
};

export type DeclaredConsumer = {
  readonly stream: string;
  readonly durable: string;
  readonly action: 'created' | 'updated' | 'unchanged';
  /** First stream sequence this consumer can deliver (its start), 1 for `all`. */
  readonly startSeq: number;
  /** Stream sequence below which everything is acked. */
  readonly ackFloor: number;
  /** Messages not yet delivered. */
  readonly pending: number;
};

export type ConsumerRef = { readonly stream: string; readonly durable: string };

export interface StreamMessageContext extends BusMessageContext {
  /** Stream sequence. */
  readonly seq: number;
  readonly height: bigint | undefined;
  readonly msgId: string | undefined;
  /** Delivered before (to this process or to a crashed one), or read again from the stream. */
  readonly redelivered: boolean;
}

export type StreamHandler<T> = (value: T, ctx: StreamMessageContext) => void | Promise<void>;

export type StreamConsumeOptions = {
  /** In-order, exactly-once handling against this checkpoint; without it, at-least-once. */
  readonly checkpoint?: ConsumerCheckpoint;
  /** Messages pulled per request (default 256). */
  readonly batch?: number;
  /** Wait before retrying a failed handler, ms (default 500; grows to 10x on repeated failures). */
  readonly retryDelayMs?: number;
  /** Acks without handling the messages below this height (a replay that starts past the tip). */
  readonly minHeight?: bigint;
};

export interface ConsumerRun {
  /** Settles when the run stops: resolves after `stop()`, rejects on a fatal error (logged too). */
  readonly done: Promise<void>;
  readonly handled: number;
  /** Deliveries acked without handling (already handled, below `minHeight`). */
  readonly skipped: number;
  /** Messages read from the stream to fill a gap (see the module comment). */
  readonly caughtUp: number;
  /** Undecodable messages (or bad height headers), acked/terminated so they do not block. */
  readonly poisoned: number;
  /** Stream sequence of the last message handled or skipped in order (checkpoint mode). */
  readonly lastSeq: number;
  /** Stops pulling, lets the handler in progress finish, leaves the rest for redelivery. */
  stop(): Promise<void>;
}

export type ConsumerHost = {
  readonly log: NatsLogger;
  /** Counts and times handlers when the bus has a service's metrics. */
  readonly metrics?: HandlerInstrumenter | undefined;
  /** The handlers' signal (aborts at the bus's drain deadline). */
  readonly signal: AbortSignal;
  track(d: Drainable): () => void;
};

/** The first sequence a consumer may deliver; undefined for policies checkpoints cannot follow. */
function startSeqOf(config: ConsumerConfig): number | undefined {
  if (config.deliver_policy === DeliverPolicy.All) return 1;
  if (config.deliver_policy === DeliverPolicy.StartSequence) return config.opt_start_seq ?? 1;
  return undefined;
}

function consumerError(ref: ConsumerRef, action: string, err: unknown): NatsError {
  if (err instanceof NatsError) return err;
  if (isApiError(err, JetStreamApiCodes.StreamNotFound)) return streamError(ref.stream, action, err);
  const message = err instanceof Error ? err.message : String(err);
  return new NatsError(
    NatsErrorCode.ConsumerFailed,
    `cannot ${action} consumer ${ref.stream}/${ref.durable}: ${message}`,
    {
      ...ref,
    },
    { cause: err },
  );
}

function declaredConsumer(ci: ConsumerInfo, action: DeclaredConsumer['action']): DeclaredConsumer {
  return {
    stream: ci.stream_name,
    durable: ci.name,
    action,
    startSeq: startSeqOf(ci.config) ?? ci.delivered.stream_seq + 1,
    ackFloor: ci.ack_floor.stream_seq,
    pending: ci.num_pending,
  };
}

async function startSequence(jsm: JetStreamManager, spec: DurableConsumerSpec): Promise<number | undefined> {
  const start = spec.start ?? { from: 'all' };
  switch (start.from) {
    case 'all':
      return undefined;
    case 'seq':
      return intOption('start.seq', start.seq, 1, 1);
    case 'height':
      return sequenceForHeight(jsm, spec.stream, start.height, spec.filterSubject ?? '>');
    case 'new':
      try {
        return (await jsm.streams.info(spec.stream)).state.last_seq + 1;
      } catch (err) {
        throw streamError(spec.stream, 'read', err);
      }
    default:
      throw invalidOption('start.from', '"all", "new", "seq" or "height"', JSON.stringify(start));
  }
}

/** Creates the durable pull consumer, or updates an existing one's ack settings. */
export async function ensureConsumer(jsm: JetStreamManager, spec: DurableConsumerSpec): Promise<DeclaredConsumer> {
  const ref = { stream: nameOption('stream', spec.stream), durable: nameOption('durable', spec.durable) };
  const settings = {
    ack_wait: nanos(intOption('ackWaitMs', spec.ackWaitMs, 30_000, 1)),
    max_ack_pending: intOption('maxAckPending', spec.maxAckPending, 1024, 1),
    max_deliver: intOption('maxDeliver', spec.maxDeliver, -1, -1),
  };
  let current: ConsumerInfo | undefined;
  try {
    current = await jsm.consumers.info(ref.stream, ref.durable);
  } catch (err) {
    if (!isApiError(err, JetStreamApiCodes.ConsumerNotFound)) throw consumerError(ref, 'read', err);
  }
  if (!current) {
    const startSeq = await startSequence(jsm, spec);
    const config: Partial<ConsumerConfig> = {
      durable_name: ref.durable,
      ack_policy: AckPolicy.Explicit,
      replay_policy: ReplayPolicy.Instant,
      deliver_policy: startSeq === undefined ? DeliverPolicy.All : DeliverPolicy.StartSequence,
      ...(startSeq === undefined ? {} : { opt_start_seq: startSeq }),
      ...(spec.filterSubject ? { filter_subject: spec.filterSubject } : {}),
      ...settings,
    };
    try {
      return declaredConsumer(await jsm.consumers.add(ref.stream, config), 'created');
    } catch (err) {
      throw consumerError(ref, 'create', err);
    }
  }
  if ((current.config.filter_subject || undefined) !== (spec.filterSubject || undefined)) {
    throw new NatsError(
      NatsErrorCode.ConsumerFailed,
      `consumer ${ref.stream}/${ref.durable} exists with filter ${current.config.filter_subject ?? '(none)'}`,
      { ...ref, filterSubject: current.config.filter_subject },
    );
  }
  const changed = (Object.keys(settings) as (keyof typeof settings)[]).filter((k) => current.config[k] !== settings[k]);
  if (changed.length === 0) return declaredConsumer(current, 'unchanged');
  try {
    return declaredConsumer(await jsm.consumers.update(ref.stream, ref.durable, settings), 'updated');
  } catch (err) {
    throw consumerError(ref, 'update', err);
  }
}

/** One message to handle, from a consumer delivery or read from the stream to fill a gap. */
type Delivery = {
  readonly seq: number;
  readonly subject: string;
  readonly headers: MsgHdrs | undefined;
  readonly data: Uint8Array;
  readonly redelivered: boolean;
  /** Extends the ack wait (consumer deliveries only). */
  readonly working?: () => void;
};

function deliveryOf(m: JsMsg): Delivery {
  return {
    seq: m.seq,
    subject: m.subject,
    headers: m.headers,
    data: m.data,
    redelivered: m.redelivered,
    working: () => m.working(),
  };
}

export class JetStreamConsumerRun<T> implements ConsumerRun, Drainable {
  readonly done: Promise<void>;
  handled = 0;
  skipped = 0;
  caughtUp = 0;
  poisoned = 0;
  lastSeq = 0;
  private readonly js: JetStreamClient;
  private readonly jsm: JetStreamManager;
  private readonly ref: ConsumerRef;
  private readonly codec: MessageCodec<T>;
  private readonly handler: StreamHandler<T>;
  private readonly checkpoint: ConsumerCheckpoint | undefined;
  private readonly batch: number;
  private readonly retryDelayMs: number;
  private readonly minHeight: bigint | undefined;
  private readonly host: ConsumerHost;
  private readonly stopping = new AbortController();
  private messages: ConsumerMessages | undefined;
  private filter = '>';

  constructor(
    js: JetStreamClient,
    jsm: JetStreamManager,
    ref: ConsumerRef,
    codec: MessageCodec<T>,
    handler: StreamHandler<T>,
    opts: StreamConsumeOptions,
    host: ConsumerHost,
  ) {
    this.js = js;
    this.jsm = jsm;
    this.ref = { stream: nameOption('stream', ref.stream), durable: nameOption('durable', ref.durable) };
    this.codec = codec;
    this.handler = host.metrics ? host.metrics.instrumentHandler(`jetstream ${this.ref.durable}`, handler) : handler;
    this.checkpoint = opts.checkpoint;
    this.batch = intOption('batch', opts.batch, 256, 1);
    this.retryDelayMs = intOption('retryDelayMs', opts.retryDelayMs, 500, 0);
    this.minHeight = opts.minHeight;
    this.host = host;
    const untrack = host.track(this);
    this.done = this.run().finally(untrack);
    this.done.catch((err: unknown) => {
      host.log.error('jetstream consumer stopped on an error', {
        ...this.ref,
        error: err instanceof Error ? err.message : String(err),
      });
    });
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.messages?.close().catch(() => undefined);
    await this.done.catch(() => undefined);
  }

  drain(): Promise<void> {
    return this.stop();
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async run(): Promise<void> {
    let consumer: Awaited<ReturnType<JetStreamClient['consumers']['get']>>;
    let info: ConsumerInfo;
    try {
      consumer = await this.js.consumers.get(this.ref.stream, this.ref.durable);
      info = await consumer.info(true);
    } catch (err) {
      throw consumerError(this.ref, 'open', err);
    }
    const filters = info.config.filter_subjects ?? [];
    this.filter = info.config.filter_subject || filters[0] || '>';
    if (this.checkpoint && filters.length > 1) {
      throw new NatsError(
        NatsErrorCode.Unsupported,
        `consumer ${this.ref.stream}/${this.ref.durable} has several filter subjects; a checkpoint needs one`,
        { ...this.ref, filters },
      );
    }
    if (this.checkpoint) {
      const startSeq = startSeqOf(info.config);
      if (startSeq === undefined) {
        throw new NatsError(
          NatsErrorCode.Unsupported,
          `consumer ${this.ref.stream}/${this.ref.durable} delivers by policy ${info.config.deliver_policy}; a checkpoint needs "all" or "by_start_sequence"`,
          { ...this.ref },
        );
      }
      this.lastSeq = Math.max(await this.checkpoint.load(), startSeq - 1);
    }
    if (this.stopped) return;
    this.messages = await consumer.consume({ max_messages: this.batch });
    if (this.stopped) {
      await this.messages.close();
      return;
    }
    for await (const m of this.messages) {
      // Stopping: what is still buffered goes back to the server for immediate redelivery.
      if (this.stopped) {
        m.nak();
        continue;
      }
      if (this.checkpoint) await this.inOrder(m);
      else await this.atLeastOnce(m);
    }
  }

  private async atLeastOnce(m: JsMsg): Promise<void> {
    const d = deliveryOf(m);
    const parsed = this.parse(d);
    if (parsed === 'poison') {
      m.term('undecodable');
      return;
    }
    if (parsed === 'below') {
      m.ack();
      return;
    }
    try {
      await this.invoke(d, parsed);
      this.handled++;
      m.ack();
    } catch (err) {
      this.host.log.warn('jetstream handler failed; redelivering later', { ...this.failure(d, err) });
      m.nak(this.retryDelayMs);
    }
  }

  private async inOrder(m: JsMsg): Promise<void> {
    if (m.seq <= this.lastSeq) {
      m.ack();
      this.skipped++;
      return;
    }
    if (m.seq > this.lastSeq + 1 && !(await this.catchUp(m.seq))) return;
    if (await this.handleInOrder(deliveryOf(m))) m.ack();
  }

  /** Handles, from the stream, the messages between the checkpoint and `until` (exclusive). */
  private async catchUp(until: number): Promise<boolean> {
    for (let failures = 0; ; ) {
      if (this.stopped) return false;
      let next: Awaited<ReturnType<typeof nextStoredMessage>>;
      try {
        next = await nextStoredMessage(this.jsm, this.ref.stream, this.lastSeq + 1, this.filter);
      } catch (err) {
        // A server restarting or a connection lost: read again once it is back.
        failures++;
        this.host.log.warn('jetstream gap read failed; retrying', {
          ...this.ref,
          seq: this.lastSeq + 1,
          error: String(err),
        });
        await sleep(this.retryDelayMs * Math.min(failures, 10), undefined, { signal: this.stopping.signal }).catch(
          () => undefined,
        );
        continue;
      }
      failures = 0;
      if (!next || next.seq >= until) return true;
      const d: Delivery = {
        seq: next.seq,
        subject: next.subject,
        headers: next.header,
        data: next.data,
        redelivered: true,
      };
      if (!(await this.handleInOrder(d))) return false;
      this.caughtUp++;
    }
  }

  /** Handles one message and saves the checkpoint, retrying until it succeeds or the run stops. */
  private async handleInOrder(d: Delivery): Promise<boolean> {
    const checkpoint = this.checkpoint!;
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) return false;
      try {
        const parsed = this.parse(d);
        if (parsed === 'below') {
          this.lastSeq = d.seq;
          return true;
        }
        if (parsed !== 'poison') await this.invoke(d, parsed);
        await checkpoint.save(d.seq);
        this.lastSeq = d.seq;
        if (parsed !== 'poison') this.handled++;
        return true;
      } catch (err) {
        this.host.log.warn('jetstream handler failed; retrying', { ...this.failure(d, err), attempt });
        d.working?.();
        await sleep(this.retryDelayMs * Math.min(attempt, 10), undefined, { signal: this.stopping.signal }).catch(
          () => undefined,
        );
      }
    }
  }

  /** Decoded payload and context; 'poison' when undecodable, 'below' under `minHeight`. */
  private parse(d: Delivery): { value: T; ctx: StreamMessageContext } | 'poison' | 'below' {
    let height: bigint | undefined;
    let value: T;
    try {
      height = parseHeight(d.headers);
      value = decodePayload(this.codec, d.data, d.subject);
    } catch (err) {
      this.poisoned++;
      this.host.log.error('jetstream message cannot be decoded; skipping it', { ...this.failure(d, err) });
      return 'poison';
    }
    if (this.minHeight !== undefined && height !== undefined && height < this.minHeight) {
      this.skipped++;
      return 'below';
    }
    const ctx: StreamMessageContext = {
      subject: d.subject,
      seq: d.seq,
      height,
      msgId: readHeader(d.headers, BusHeader.MsgId),
      redelivered: d.redelivered,
      signal: this.host.signal,
      header: (name) => readHeader(d.headers, name),
    };
    return { value, ctx };
  }

  private invoke(d: Delivery, parsed: { value: T; ctx: StreamMessageContext }): Promise<void> {
    const attributes = {
      'messaging.consumer.group.name': this.ref.durable,
      'messaging.message.id': parsed.ctx.msgId ?? '',
    };
    return traceIncoming({ operation: 'process', subject: d.subject, attributes }, d.headers, async () => {
      await this.handler(parsed.value, parsed.ctx);
    });
  }

  private failure(d: Delivery, err: unknown) {
    return {
      ...this.ref,
      seq: d.seq,
      subject: d.subject,
      error: err instanceof Error ? err.message : String(err),
      code: (err as { code?: unknown } | null)?.code,
    };
  }
}
