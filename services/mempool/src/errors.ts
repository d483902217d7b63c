// Typed rejections of the mempool. A rejected transaction carries one stable code: the protocol's
// own DecodeError / ValidationError code where one applies (TRUNCATED, BAD_SIGNATURE, DOUBLE_SPEND,
// UNKNOWN_INPUT, IMMATURE_COINBASE, INSUFFICIENT_GAS...), else one of the pool's codes below. The
// gRPC status says whether the transaction itself is bad (INVALID_ARGUMENT), conflicts with the
// chain or the pool as they are now (FAILED_PRECONDITION), is already pending (ALREADY_EXISTS), or
// does not fit (RESOURCE_EXHAUSTED).
import { DecodeErrorCode, ProtocolError, SignatureVerifierError, ValidationErrorCode } from '@bystack/protocol';
import { isStoreError, RpcError, RpcErrorCode, statusOfCode } from '@bystack/runtime';

/** The pool's own codes (the protocol's codes pass through unchanged). */
export const MempoolErrorCode = {
  /** Fee per gas unit below the configured minimum (`minFeeRate`, neu per gas). */
  FEE_TOO_LOW: 'FEE_TOO_LOW',
  /** The pool is full and the transaction pays no more per gas than the cheapest one it holds. */
  POOL_FULL: 'POOL_FULL',
  /** A transaction with the same id is already pending. */
  DUPLICATE_TX: 'DUPLICATE_TX',
  /** The time range (a maximum block height) is below the next block's height. */
  TX_EXPIRED: 'TX_EXPIRED',
  /** The request names a chain this mempool does not serve. */
  UNKNOWN_CHAIN: 'UNKNOWN_CHAIN',
  /** More transactions in one SubmitTxBatch than `maxBatchTxs`, or more ids in one query than it takes. */
  BATCH_TOO_LARGE: 'BATCH_TOO_LARGE',
  /** An output id that is not 32 bytes. */
  BAD_OUTPUT_ID: 'BAD_OUTPUT_ID',
  /** ReapTxs' `on_block` names no block: an id that is not 32 bytes, or a parent not one height below. */
  BAD_ON_BLOCK: 'BAD_ON_BLOCK',
  /** The UTXO hot tier or the signature verifier cannot be reached: try again. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** A fault of the mempool itself (logged); the transaction was not admitted. */
  INTERNAL: 'INTERNAL',
} as const;
export type MempoolErrorCode = (typeof MempoolErrorCode)[keyof typeof MempoolErrorCode];

/** Every code a rejection may carry. */
export type RejectCode = MempoolErrorCode | ValidationErrorCode | DecodeErrorCode;

/** Protocol codes found against state (the chain's UTXOs or the pool's pending spends). */
const STATEFUL: ReadonlySet<string> = new Set<string>([
  ValidationErrorCode.UNKNOWN_INPUT,
  ValidationErrorCode.DOUBLE_SPEND,
  ValidationErrorCode.IMMATURE_COINBASE,
]);

/** The gRPC status (by its generic code name) of each pool code. */
const statusOfPoolCode: Record<MempoolErrorCode, RpcErrorCode> = {
  FEE_TOO_LOW: RpcErrorCode.InvalidArgument,
  POOL_FULL: RpcErrorCode.ResourceExhausted,
  DUPLICATE_TX: RpcErrorCode.AlreadyExists,
  TX_EXPIRED: RpcErrorCode.FailedPrecondition,
  UNKNOWN_CHAIN: RpcErrorCode.NotFound,
  BATCH_TOO_LARGE: RpcErrorCode.InvalidArgument,
  BAD_OUTPUT_ID: RpcErrorCode.InvalidArgument,
  BAD_ON_BLOCK: RpcErrorCode.InvalidArgument,
  UNAVAILABLE: RpcErrorCode.Unavailable,
  INTERNAL: RpcErrorCode.Internal,
};

/** The gRPC status a rejection code is sent with (a grpc-js `status` number). */
export function statusOfRejectCode(code: RejectCode): number {
  if (Object.hasOwn(statusOfPoolCode, code)) return statusOfCode(statusOfPoolCode[code as MempoolErrorCode]);
  return statusOfCode(STATEFUL.has(code) ? RpcErrorCode.FailedPrecondition : RpcErrorCode.InvalidArgument);
}

export class MempoolError extends RpcError<RejectCode> {
  constructor(code: RejectCode, message: string, fields: Record<string, string> = {}, cause?: unknown) {
    super(code, message, { status: statusOfRejectCode(code), fields, cause });
    this.name = 'MempoolError';
  }
}

export function isMempoolError(err: unknown): err is MempoolError {
  return err instanceof MempoolError;
}

/** Detail values as strings, for ErrorDetail.fields (bigints and numbers printed, objects skipped). */
function fieldsOf(detail: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(detail ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') out[key] = String(value);
    else if (typeof value === 'boolean') out[key] = value ? 'true' : 'false';
  }
  return out;
}

/**
 * A protocol error as the rejection it is: its code passes through (TIME_RANGE_EXPIRED becomes
 * TX_EXPIRED, the pool's name for it; the protocol's code stays in `fields.protocolCode`).
 */
export function rejectionOfProtocolError(err: ProtocolError): MempoolError {
  const fields = fieldsOf(err.detail);
  if (err.code === ValidationErrorCode.TIME_RANGE_EXPIRED) {
    return new MempoolError(MempoolErrorCode.TX_EXPIRED, err.message, { ...fields, protocolCode: err.code }, err);
  }
  return new MempoolError(err.code as RejectCode, err.message, fields, err);
}

/**
 * Any failure of an admission step as a rejection: protocol errors keep their code; an unreachable
 * hot tier or verifier is UNAVAILABLE (worth a retry); anything else is INTERNAL.
 */
export function toRejection(err: unknown): MempoolError {
  if (err instanceof MempoolError) return err;
  if (err instanceof ProtocolError && isKnownProtocolCode(err.code)) return rejectionOfProtocolError(err);
  const message = err instanceof Error ? err.message : String(err);
  if (isStoreError(err) || err instanceof SignatureVerifierError) {
    return new MempoolError(MempoolErrorCode.UNAVAILABLE, `admission cannot proceed: ${message}`, {}, err);
  }
  return new MempoolError(MempoolErrorCode.INTERNAL, 'internal error during admission', {}, err);
}

function isKnownProtocolCode(code: string): boolean {
  return Object.hasOwn(ValidationErrorCode, code) || Object.hasOwn(DecodeErrorCode, code);
}
