// Typed errors of the NATS bus. Callers branch on `err.code` (a stable string), never on text.

export const NatsErrorCode = {
  /** A subject token is empty, holds a dot, a wildcard, white space or another forbidden character. */
  InvalidSubject: 'NATS_INVALID_SUBJECT',
  /** A bus option is out of range; `detail.setting` names it. */
  InvalidOption: 'NATS_INVALID_OPTION',
  /** The first connection could not be made. */
  ConnectFailed: 'NATS_CONNECT_FAILED',
  /** The bus is closed or closing; no new work is taken. */
  Closed: 'NATS_CLOSED',
  /** A value could not be encoded by its codec. */
  EncodeFailed: 'NATS_ENCODE_FAILED',
  /** A payload could not be decoded by its codec. */
  DecodeFailed: 'NATS_DECODE_FAILED',
  /** A request found nobody subscribed to its subject. */
  NoResponders: 'NATS_NO_RESPONDERS',
  /** A request or a JetStream publish got no answer in time. */
  Timeout: 'NATS_TIMEOUT',
  /** The responder's handler failed; `detail.remoteCode` is its code. */
  RemoteError: 'NATS_REMOTE_ERROR',
  /** A request failed for another reason (connection lost, permissions). */
  RequestFailed: 'NATS_REQUEST_FAILED',
  /** JetStream did not store a message (no stream for the subject, limits, wrong expectation). */
  PublishFailed: 'NATS_PUBLISH_FAILED',
  /** A stream exists with a configuration that cannot be changed to the declared one. */
  StreamConflict: 'NATS_STREAM_CONFLICT',
  /** The named stream does not exist. */
  StreamNotFound: 'NATS_STREAM_NOT_FOUND',
  /** A JetStream API call failed for another reason (timeout, server error). */
  JetStreamFailed: 'NATS_JETSTREAM_FAILED',
  /** A consumer could not be created, updated or read. */
  ConsumerFailed: 'NATS_CONSUMER_FAILED',
  /** A stored message carries a `Bystack-Height` header that is not a decimal uint64. */
  InvalidHeight: 'NATS_INVALID_HEIGHT',
  /** JetStream is not enabled on the server, or the server lacks a needed feature. */
  Unsupported: 'NATS_UNSUPPORTED',
} as const;
export type NatsErrorCode = (typeof NatsErrorCode)[keyof typeof NatsErrorCode];

export class NatsError extends Error {
  readonly code: NatsErrorCode;
  readonly detail: Readonly<Record<string, unknown>> | undefined;

  constructor(code: NatsErrorCode, message: string, detail?: Record<string, unknown>, options?: ErrorOptions) {
    super(`${code}: ${message}`, options);
    this.name = 'NatsError';
    this.code = code;
    this.detail = detail;
  }
}

export function isNatsError(err: unknown, code?: NatsErrorCode): err is NatsError {
  return err instanceof NatsError && (code === undefined || err.code === code);
}
