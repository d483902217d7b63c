// Typed errors of the miner's gRPC API: a stable code each, and the gRPC status it travels with.
import { RpcError, RpcErrorCode, statusOfCode } from '@bystack/runtime';

export const MinerErrorCode = {
  /** SubmitWork names a work id this miner never handed out (or forgot: it keeps the recent ones). */
  UnknownWork: 'UNKNOWN_WORK',
  /** The work's parent is no longer the validator's tip: a block on it would not extend the chain. */
  StaleWork: 'STALE_WORK',
  /** The nonce's Tensority hash is above the work's target. */
  BadPow: 'BAD_POW',
  /** The nonce does not fit a block header (at most 2^63 - 1). */
  BadNonce: 'BAD_NONCE',
  /** No block template yet (the validator is unreachable or has no chain). */
  NoTemplate: 'NO_TEMPLATE',
  /** The request names another chain than the one this miner mines. */
  UnknownChain: 'UNKNOWN_CHAIN',
} as const;
export type MinerErrorCode = (typeof MinerErrorCode)[keyof typeof MinerErrorCode];

const statusOf: Record<MinerErrorCode, RpcErrorCode> = {
  UNKNOWN_WORK: RpcErrorCode.NotFound,
  STALE_WORK: RpcErrorCode.FailedPrecondition,
  BAD_POW: RpcErrorCode.InvalidArgument,
  BAD_NONCE: RpcErrorCode.InvalidArgument,
  NO_TEMPLATE: RpcErrorCode.Unavailable,
  UNKNOWN_CHAIN: RpcErrorCode.InvalidArgument,
};

export class MinerError extends RpcError<MinerErrorCode> {
  constructor(code: MinerErrorCode, message: string, fields?: Readonly<Record<string, string>>) {
    super(code, message, { status: statusOfCode(statusOf[code]), ...(fields ? { fields } : {}) });
    this.name = 'MinerError';
  }
}

export function isMinerError(err: unknown): err is MinerError {
  return err instanceof MinerError;
}
