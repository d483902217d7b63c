// JetStream on the bus's connection: durable, replayable facts (blocks, committed events, peg
// requests). Publishing names each fact with a message id (a block id), so a publisher that
// retries after a timeout or a restart cannot store it twice within the stream's duplicate window.
import {
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import {
  ClosedConnectionError,
  DrainingConnectionError,
  type NatsConnection,
  NoRespondersError,
  RequestError,
  TimeoutError,
} from '@nats-io/transport-node';
import { traceOutgoing } from '../tracing/nats-context.ts';
import { encodePayload, type MessageCodec } from './codec.ts';
import {
  type ConsumerHost,
  type ConsumerRef,
  type ConsumerRun,
  type DeclaredConsumer,
  type DurableConsumerSpec,
  ensureConsumer,
  JetStreamConsumerRun,
  type StreamConsumeOptions,
  type StreamHandler,
} from './consumer.ts';
import { NatsError, NatsErrorCode } from './errors.ts';
import { BusHeader, formatHeight, toHeaders } from './headers.ts';
import { sequenceForHeight } from './height-index.ts';
import { intOption, invalidOption, nameOption } from './options.ts';
import { type DeclaredStream, declareStream, type StreamSpec } from './streams.ts';
import type { Subject, SubjectFilter } from './subject.ts';
import type { BusPublishOptions } from './types.ts';

export type DurablePublishOptions = BusPublishOptions & {
  /** De-duplication id (`Nats-Msg-Id`), e.g. the block id in hex: required, a fact has an identity. */
  readonly msgId: string;
  /** Height of the fact (`Bystack-Height`), which replay-from-height searches. */
  readonly height?: bigint;
  /** Wait for the stream's ack, ms (default 5000). */
  readonly timeoutMs?: number;
};

export type PublishAck = {
  readonly stream: string;
  readonly seq: number;
  /** True when the stream already had this message id (nothing was stored). */
  readonly duplicate: boolean;
};

const MSG_ID = /^[\x21-\x7e]{1,256}$/;

export class JetStreamBus {
  readonly client: JetStreamClient;
  readonly manager: JetStreamManager;
  private readonly host: ConsumerHost;

  /** NATS_UNSUPPORTED when the server has no JetStream. */
  static async create(nc: NatsConnection, host: ConsumerHost): Promise<JetStreamBus> {
    let jsm: JetStreamManager;
    try {
      jsm = await jetstreamManager(nc);
    } catch (cause) {
      throw new NatsError(NatsErrorCode.Unsupported, 'JetStream is not available on this server', {}, { cause });
    }
    return new JetStreamBus(jetstream(nc), jsm, host);
  }

  constructor(client: JetStreamClient, manager: JetStreamManager, host: ConsumerHost) {
    this.client = client;
    this.manager = manager;
    this.host = host;
  }

  declareStream(spec: StreamSpec): Promise<DeclaredStream> {
    return declareStream(this.manager, spec);
  }

  /** Stores a fact; resolves once the stream acked it (or found its id already stored). */
  async publish<T>(
    subject: Subject,
    codec: MessageCodec<T>,
    value: T,
    opts: DurablePublishOptions,
  ): Promise<PublishAck> {
    if (typeof opts.msgId !== 'string' || !MSG_ID.test(opts.msgId)) {
      throw invalidOption('msgId', '1 to 256 visible ASCII characters', JSON.stringify(opts.msgId));
    }
    const timeout = intOption('timeoutMs', opts.timeoutMs, 5000, 1);
    const data = encodePayload(codec, value, subject);
    const extra =
      opts.height === undefined ? opts.headers : { ...opts.headers, [BusHeader.Height]: formatHeight(opts.height) };
    const attributes = { 'messaging.message.id': opts.msgId };
    return traceOutgoing({ operation: 'publish', subject, attributes }, toHeaders(extra), async (headers) => {
      try {
        const ack = await this.client.publish(subject, data, {
          msgID: opts.msgId,
          timeout,
          ...(headers ? { headers } : {}),
        });
        return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
      } catch (err) {
        throw publishError(err, subject, timeout);
      }
    });
  }

  ensureConsumer(spec: DurableConsumerSpec): Promise<DeclaredConsumer> {
    return ensureConsumer(this.manager, spec);
  }

  /** Starts handling the durable consumer's messages; see `StreamConsumeOptions.checkpoint`. */
  consume<T>(
    ref: ConsumerRef,
    codec: MessageCodec<T>,
    handler: StreamHandler<T>,
    opts: StreamConsumeOptions = {},
  ): ConsumerRun {
    return new JetStreamConsumerRun(this.client, this.manager, ref, codec, handler, opts, this.host);
  }

  /** First sequence at or above `height` (see height-index.ts); last + 1 when none is yet. */
  sequenceForHeight(stream: string, height: bigint, filter?: Subject | SubjectFilter): Promise<number> {
    return sequenceForHeight(this.manager, nameOption('stream', stream), height, filter);
  }
}

function publishError(err: unknown, subject: string, timeoutMs: number): NatsError {
  if (err instanceof NatsError) return err;
  const cause = err instanceof Error ? err.cause : undefined;
  if ((err instanceof RequestError && err.isNoResponders()) || cause instanceof NoRespondersError) {
    return new NatsError(NatsErrorCode.PublishFailed, `no stream answered for ${subject}`, { subject }, { cause: err });
  }
  if (err instanceof TimeoutError || cause instanceof TimeoutError) {
    return new NatsError(
      NatsErrorCode.Timeout,
      `no ack for ${subject} within ${timeoutMs} ms`,
      { subject, timeoutMs },
      {
        cause: err,
      },
    );
  }
  if (
    err instanceof ClosedConnectionError ||
    err instanceof DrainingConnectionError ||
    cause instanceof ClosedConnectionError ||
    cause instanceof DrainingConnectionError
  ) {
    return new NatsError(
      NatsErrorCode.Closed,
      `connection closed while publishing to ${subject}`,
      { subject },
      {
        cause: err,
      },
    );
  }
  const apiCode = err instanceof JetStreamApiError ? err.code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  return new NatsError(
    NatsErrorCode.PublishFailed,
    `${subject} was not stored: ${message}`,
    { subject, apiCode },
    {
      cause: err,
    },
  );
}
