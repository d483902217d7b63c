// Typed errors of the validator. Every rejection is an RpcError whose code is stable: the protocol's
// own code where one applies (DecodeError: TRUNCATED...; ValidationError: BAD_POW, DOUBLE_SPEND...;
// PowError), else one of the validator's codes below.
import { isProtocolError, ValidationErrorCode } from '@bystack/protocol';
import { isRpcError, RpcError, statusOfCode } from '@bystack/runtime';

type Status = ReturnType<typeof statusOfCode>;
const Status = {
  INVALID_ARGUMENT: statusOfCode('INVALID_ARGUMENT'),
  FAILED_PRECONDITION: statusOfCode('FAILED_PRECONDITION'),
  NOT_FOUND: statusOfCode('NOT_FOUND'),
  UNAVAILABLE: statusOfCode('UNAVAILABLE'),
} as const;

export const ValidatorErrorCode = {
  /** The request names a chain this validator does not follow. */
  UNKNOWN_CHAIN: 'UNKNOWN_CHAIN',
  /** A request field is missing or malformed (no block bytes, a block id of the wrong size...). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** The block descends from a block found invalid. */
  INVALID_ANCESTOR: 'INVALID_ANCESTOR',
  /** A block at height 0 other than this chain's genesis. */
  GENESIS_MISMATCH: 'GENESIS_MISMATCH',
  /** No such block (GetBlock). */
  BLOCK_NOT_FOUND: 'BLOCK_NOT_FOUND',
  /** SubmitBlock by header: no block with that id is held (submit the whole block). */
  UNKNOWN_BLOCK_BODY: 'UNKNOWN_BLOCK_BODY',
  /** The validator is starting or stopping. */
  NOT_READY: 'NOT_READY',
  /** The store failed; the block was not (fully) applied and the chain state is unchanged. */
  STORE_FAILED: 'STORE_FAILED',
  /** Side chains: the producer owning the block's slot did not sign it (its witness slot is empty). */
  PRODUCER_SIGNATURE_MISSING: 'PRODUCER_SIGNATURE_MISSING',
  /** Side chains: the signature in the slot owner's witness slot is not the owner's over the block id. */
  BAD_PRODUCER_SIGNATURE: 'BAD_PRODUCER_SIGNATURE',
} as const;
export type ValidatorErrorCode = (typeof ValidatorErrorCode)[keyof typeof ValidatorErrorCode];

const statusOf: Record<ValidatorErrorCode, Status> = {
  UNKNOWN_CHAIN: Status.NOT_FOUND,
  BAD_REQUEST: Status.INVALID_ARGUMENT,
  INVALID_ANCESTOR: Status.INVALID_ARGUMENT,
  GENESIS_MISMATCH: Status.INVALID_ARGUMENT,
  BLOCK_NOT_FOUND: Status.NOT_FOUND,
  UNKNOWN_BLOCK_BODY: Status.NOT_FOUND,
  NOT_READY: Status.UNAVAILABLE,
  STORE_FAILED: Status.UNAVAILABLE,
  PRODUCER_SIGNATURE_MISSING: Status.INVALID_ARGUMENT,
  BAD_PRODUCER_SIGNATURE: Status.INVALID_ARGUMENT,
};

export class ValidatorError extends RpcError<ValidatorErrorCode> {
  constructor(code: ValidatorErrorCode, message: string, fields?: Record<string, string>, cause?: unknown) {
    super(code, message, { status: statusOf[code], fields: fields ?? {}, cause });
    this.name = 'ValidatorError';
  }
}

/** Rules that depend on the chain state the block is connected to (stage 2): FAILED_PRECONDITION. */
const STATEFUL_CODES = new Set<string>([
  ValidationErrorCode.UNKNOWN_INPUT,
  ValidationErrorCode.DOUBLE_SPEND,
  ValidationErrorCode.IMMATURE_COINBASE,
  ValidationErrorCode.IMMATURE_VOTE,
  ValidationErrorCode.DOUBLE_MINT,
]);

function detailFields(detail: Record<string, unknown> | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(detail ?? {})) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') {
      fields[k] = String(v);
    }
  }
  return fields;
}

/**
 * The RpcError a block rejection is sent as: protocol errors keep their code (INVALID_ARGUMENT, or
 * FAILED_PRECONDITION for the stateful ones) with their detail as fields; RpcErrors pass through.
 * Anything else is not a verdict on the block: undefined.
 */
export function rejectionOf(err: unknown): RpcError | undefined {
  if (isRpcError(err)) return err;
  if (isProtocolError(err)) {
    const status = STATEFUL_CODES.has(err.code) ? Status.FAILED_PRECONDITION : Status.INVALID_ARGUMENT;
    return new RpcError(err.code, err.message, { status, fields: detailFields(err.detail), cause: err });
  }
  return undefined;
}

/** True when `err` says the block itself is invalid (as opposed to a store or network failure). */
export function isBlockVerdict(err: unknown): boolean {
  return (
    isProtocolError(err) || (isRpcError(err) && (err.code === 'INVALID_ANCESTOR' || err.code === 'GENESIS_MISMATCH'))
  );
}
