// Typed errors of the bbft service's gRPC API: a stable code each, and the gRPC status it travels with.
import { RpcError, RpcErrorCode, statusOfCode } from '@bystack/runtime';

export const BbftErrorCode = {
  /** The request names another chain than the one this producer serves. */
  UnknownChain: 'UNKNOWN_CHAIN',
  /** The producer has not loaded its chain yet (start-up). */
  NotReady: 'NOT_READY',
} as const;
export type BbftErrorCode = (typeof BbftErrorCode)[keyof typeof BbftErrorCode];

const statusOf: Record<BbftErrorCode, RpcErrorCode> = {
  UNKNOWN_CHAIN: RpcErrorCode.InvalidArgument,
  NOT_READY: RpcErrorCode.Unavailable,
};

export class BbftError extends RpcError<BbftErrorCode> {
  constructor(code: BbftErrorCode, message: string, fields?: Readonly<Record<string, string>>) {
    super(code, message, { status: statusOfCode(statusOf[code]), ...(fields ? { fields } : {}) });
    this.name = 'BbftError';
  }
}

export function isBbftError(err: unknown): err is BbftError {
  return err instanceof BbftError;
}
