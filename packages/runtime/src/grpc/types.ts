import type {
  ChannelCredentials,
  ChannelOptions,
  handleBidiStreamingCall,
  handleClientStreamingCall,
  Metadata,
  ServerCredentials,
  ServerOptions,
  status,
} from '@grpc/grpc-js';
import type { Logger } from '../log/types.ts';
import type { ServiceMetrics } from '../metrics/types.ts';

/** One method of a generated service definition (ts-proto `outputServices=grpc-js`). */
export type MethodDef<Req = never, Res = unknown> = {
  readonly path: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  readonly requestSerialize: (value: Req) => Buffer;
  readonly requestDeserialize: (value: Buffer) => Req;
  readonly responseSerialize: (value: Res) => Buffer;
  readonly responseDeserialize: (value: Buffer) => Res;
};

/** A generated service definition, e.g. `chainV1.ChainServiceService`. */
// biome-ignore lint/suspicious/noExplicitAny: any request and response types
export type ServiceDef = { readonly [method: string]: MethodDef<any, any> };

export type RequestOf<M> = M extends { requestDeserialize: (value: Buffer) => infer Req } ? Req : never;
export type ResponseOf<M> = M extends { responseDeserialize: (value: Buffer) => infer Res } ? Res : never;

/** What a handler learns about its call. */
export interface RpcCallContext {
  /** `package.Service/Method`. */
  readonly method: string;
  /**
   * Aborted when the client cancels, the deadline passes, or the server's shutdown grace period
   * runs out; the reason is an RpcError (CANCELLED, DEADLINE_EXCEEDED, UNAVAILABLE).
   */
  readonly signal: AbortSignal;
  /** Epoch milliseconds the client's deadline falls at, or undefined without one. */
  readonly deadline: number | undefined;
  readonly metadata: Metadata;
  readonly peer: string;
  /** The service logger with `method` bound. */
  readonly log: Logger;
}

export type UnaryHandler<Req, Res> = (request: Req, call: RpcCallContext) => Res | Promise<Res>;
/** A server-streaming handler yields the responses; returning ends the stream with OK. */
export type ServerStreamHandler<Req, Res> = (request: Req, call: RpcCallContext) => AsyncIterable<Res>;

/**
 * Handlers for every method of `S`: promise-returning for unary methods, async iterables for
 * server-streaming ones. Client- and bidi-streaming methods take plain grpc-js handlers.
 */
export type ServiceImplementation<S extends ServiceDef> = {
  readonly [K in keyof S]: S[K] extends { requestStream: true; responseStream: true }
    ? handleBidiStreamingCall<RequestOf<S[K]>, ResponseOf<S[K]>>
    : S[K] extends { requestStream: true }
      ? handleClientStreamingCall<RequestOf<S[K]>, ResponseOf<S[K]>>
      : S[K] extends { responseStream: true }
        ? ServerStreamHandler<RequestOf<S[K]>, ResponseOf<S[K]>>
        : UnaryHandler<RequestOf<S[K]>, ResponseOf<S[K]>>;
};

export type GrpcServerOptions = {
  /** Port to listen on; 0 picks a free one. */
  readonly port: number;
  /** Interface (default 0.0.0.0). */
  readonly host?: string;
  /** Longest the in-flight calls may take to finish at shutdown before they are cancelled (default 10 s). */
  readonly graceMs?: number;
  /**
   * Time between reporting NOT_SERVING and refusing new calls (default 0), so load balancers that
   * poll the health service move traffic away first.
   */
  readonly drainDelayMs?: number;
  /**
   * Server reflection from the .proto files (default: the repository's proto/ directory);
   * `false` turns it off.
   */
  readonly reflection?: false | { readonly protoRoot?: string; readonly protoFiles?: readonly string[] };
  readonly credentials?: ServerCredentials;
  readonly serverOptions?: ServerOptions;
};

export type RetryOptions = {
  /** Attempts in all, the first included (default 4). */
  readonly maxAttempts?: number;
  /** Delay before the first retry (default 50 ms); each next one is `multiplier` times longer. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly multiplier?: number;
  /** Each delay is scaled by a random factor in [1 - jitter, 1 + jitter] (default 0.2). */
  readonly jitter?: number;
  /** Statuses worth another attempt (default UNAVAILABLE and DEADLINE_EXCEEDED of one attempt). */
  readonly retryOn?: readonly status[];
};

export type RetryEvent = {
  readonly method: string;
  /** The attempt that failed (1 = the first). */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: Error;
};

export type GrpcClientOptions<S extends ServiceDef> = {
  /** Default: insecure (in-cluster traffic; TLS terminates at the mesh or the ingress). */
  readonly credentials?: ChannelCredentials;
  /**
   * Methods safe to repeat; only these are retried. Added to those declared with `declareIdempotent`.
   */
  readonly idempotent?: readonly (keyof S & string)[];
  readonly retry?: RetryOptions;
  /** Deadline of a unary call, all attempts included (default 30 s); streams have none unless given per call. */
  readonly deadlineMs?: number;
  /** Deadline of one attempt of an idempotent call (default: the whole deadline). */
  readonly attemptTimeoutMs?: number;
  readonly channelOptions?: ChannelOptions;
  /** Counts retries in `bystack_grpc_client_retries_total`. */
  readonly metrics?: ServiceMetrics;
  /** Retries are logged at debug level. */
  readonly log?: Logger;
  readonly onRetry?: (event: RetryEvent) => void;
};

export type CallOptions = {
  /** Overrides the client's deadline for this call. */
  readonly deadlineMs?: number;
  /** Cancels the call (and any retry wait): the call fails with CANCELLED. */
  readonly signal?: AbortSignal;
  readonly metadata?: Metadata;
};

/** Promise-returning unary methods and async-iterable server streams of `S`, plus `close`. */
export type GrpcClient<S extends ServiceDef> = {
  readonly [K in keyof S as S[K] extends { requestStream: true } ? never : K]: S[K] extends { responseStream: true }
    ? (request: RequestOf<S[K]>, options?: CallOptions) => AsyncIterable<ResponseOf<S[K]>>
    : (request: RequestOf<S[K]>, options?: CallOptions) => Promise<ResponseOf<S[K]>>;
} & {
  /** Closes the channel; calls in flight fail with CANCELLED or UNAVAILABLE. */
  close(): void;
};
