// Typed RPC errors: a handler throws an RpcError (or a subclass with its own code table); the
// server turns it into a gRPC status with the stable code in the trailing metadata; the client
// turns that back into an RpcError with the same code. Anything else a handler throws becomes
// INTERNAL, with the details logged on the server and nothing of them sent to the caller.

import { commonV1 } from '@bystack/proto';
import { Metadata, type ServiceError, status as Status } from '@grpc/grpc-js';

/** Trailing metadata key carrying the stable error code. */
export const ERROR_CODE_KEY = 'bystack-error-code';
/** Trailing metadata key carrying a `bystack.common.v1.ErrorDetail` (code, message, fields). */
export const ERROR_DETAIL_KEY = 'bystack-error-detail-bin';

/**
 * Generic codes, one per gRPC status. Services declare their own tables of specific codes
 * (`TX_FEE_TOO_LOW`, ...) and pick a status for each.
 */
export const RpcErrorCode = {
  Cancelled: 'CANCELLED',
  Unknown: 'UNKNOWN',
  InvalidArgument: 'INVALID_ARGUMENT',
  DeadlineExceeded: 'DEADLINE_EXCEEDED',
  NotFound: 'NOT_FOUND',
  AlreadyExists: 'ALREADY_EXISTS',
  PermissionDenied: 'PERMISSION_DENIED',
  ResourceExhausted: 'RESOURCE_EXHAUSTED',
  FailedPrecondition: 'FAILED_PRECONDITION',
  Aborted: 'ABORTED',
  OutOfRange: 'OUT_OF_RANGE',
  Unimplemented: 'UNIMPLEMENTED',
  Internal: 'INTERNAL',
  Unavailable: 'UNAVAILABLE',
  DataLoss: 'DATA_LOSS',
  Unauthenticated: 'UNAUTHENTICATED',
} as const;
export type RpcErrorCode = (typeof RpcErrorCode)[keyof typeof RpcErrorCode];

/** `Status.NOT_FOUND` -> `'NOT_FOUND'` (the label used in metrics and for codeless errors). */
export function statusName(code: Status): string {
  return Status[code] ?? 'UNKNOWN';
}

/** The status a generic code stands for; UNKNOWN for service-specific codes. */
export function statusOfCode(code: string): Status {
  const s = (Status as unknown as Record<string, Status | undefined>)[code];
  return typeof s === 'number' ? s : Status.UNKNOWN;
}

export type RpcErrorOptions = {
  /** gRPC status sent (default: the status named by a generic code, else UNKNOWN). */
  readonly status?: Status;
  /** Machine-readable facts for the caller (the offending field, a limit); sent in ErrorDetail. */
  readonly fields?: Readonly<Record<string, string>>;
  readonly cause?: unknown;
};

/**
 * A failure a caller may branch on: `code` is a stable string, `grpcStatus` the transport status.
 * Subclass per service with a code table and the status of each code:
 *
 *   export const MempoolErrorCode = { FeeTooLow: 'TX_FEE_TOO_LOW', PoolFull: 'POOL_FULL' } as const;
 *   const statusOf = { TX_FEE_TOO_LOW: Status.INVALID_ARGUMENT, POOL_FULL: Status.RESOURCE_EXHAUSTED };
 *   export class MempoolError extends RpcError<MempoolErrorCode> {
 *     constructor(code: MempoolErrorCode, message: string, fields?: Record<string, string>) {
 *       super(code, message, { status: statusOf[code], fields });
 *     }
 *   }
 */
export class RpcError<C extends string = string> extends Error {
  readonly code: C;
  readonly grpcStatus: Status;
  readonly fields: Readonly<Record<string, string>>;

  constructor(code: C, message: string, options: RpcErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RpcError';
    this.code = code;
    this.grpcStatus = options.status ?? statusOfCode(code);
    this.fields = options.fields ?? {};
  }
}

/** True for RpcError and subclasses, also from another copy of this module (duck-typed). */
export function isRpcError(err: unknown): err is RpcError {
  if (err instanceof RpcError) return true;
  const e = err as { code?: unknown; grpcStatus?: unknown; fields?: unknown } | null;
  return (
    err instanceof Error &&
    typeof e?.code === 'string' &&
    typeof e.grpcStatus === 'number' &&
    typeof e.fields === 'object'
  );
}

/** What the server sends for an error: status code, details and trailing metadata. */
export type WireStatus = { code: Status; details: string; metadata: Metadata };

export function rpcErrorToStatus(err: RpcError): WireStatus {
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_KEY, err.code);
  const detail = commonV1.ErrorDetail.encode({ code: err.code, message: err.message, fields: { ...err.fields } });
  metadata.set(ERROR_DETAIL_KEY, Buffer.from(detail.finish()));
  return { code: err.grpcStatus, details: err.message, metadata };
}

/** The typed error for a failed client call: the server's stable code, else the status name. */
export function rpcErrorFromServiceError(err: Pick<ServiceError, 'code' | 'details' | 'metadata'>): RpcError {
  const code = firstString(err.metadata?.get(ERROR_CODE_KEY)) ?? statusName(err.code);
  let fields: Record<string, string> = {};
  const detail = err.metadata?.get(ERROR_DETAIL_KEY)[0];
  if (detail instanceof Uint8Array) {
    try {
      fields = commonV1.ErrorDetail.decode(detail).fields;
    } catch {
      // A malformed detail loses only the fields; code and message still arrive.
    }
  }
  return new RpcError(code, err.details || statusName(err.code), { status: err.code, fields, cause: err });
}

function firstString(values: readonly unknown[] | undefined): string | undefined {
  const v = values?.[0];
  return typeof v === 'string' && v !== '' ? v : undefined;
}
