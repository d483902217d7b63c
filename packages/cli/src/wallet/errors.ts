// Typed errors of the wallet: what it cannot build, before anything reaches a service.
export const WalletErrorCode = {
  /** The key's spendable coins do not cover the amount (and the fee). */
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  /** An amount that is not a positive integer below 2^63. */
  BAD_AMOUNT: 'BAD_AMOUNT',
  /** A coin listed for the key is not in the block at its height (the chain moved meanwhile). */
  UTXO_SOURCE_NOT_FOUND: 'UTXO_SOURCE_NOT_FOUND',
  /** The fee search did not settle (a program whose gas grows with the fee?). */
  FEE_NOT_FOUND: 'FEE_NOT_FOUND',
} as const;
export type WalletErrorCode = (typeof WalletErrorCode)[keyof typeof WalletErrorCode];

export class WalletError extends Error {
  readonly code: WalletErrorCode;
  readonly detail: Record<string, unknown> | undefined;

  constructor(code: WalletErrorCode, message: string, detail?: Record<string, unknown>) {
    super(message);
    this.name = 'WalletError';
    this.code = code;
    this.detail = detail;
  }
}

export function isWalletError(err: unknown): err is WalletError {
  return err instanceof WalletError;
}
