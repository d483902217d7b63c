// Typed errors of the two-tier store. Callers branch on `err.code` (a stable string), never on text.
// Every refusal leaves both tiers as they were: nothing is half-applied.

export const StoreErrorCode = {
  /** A chain id, block id, height, amount or record is malformed; `detail.field` names it. */
  InvalidArgument: 'STORE_INVALID_ARGUMENT',
  /** A store option is out of range or missing; `detail.setting` names it. */
  InvalidConfig: 'STORE_INVALID_CONFIG',
  /** The block's parent is not the chain's tip (or a first block is not at height 0). */
  NotChildOfTip: 'STORE_NOT_CHILD_OF_TIP',
  /** A spent output is not in the UTXO set (double spend or unknown output). */
  UtxoMissing: 'STORE_UTXO_MISSING',
  /** A created output already exists in the UTXO set. */
  UtxoExists: 'STORE_UTXO_EXISTS',
  /** The block id is not in the block index. */
  UnknownBlock: 'STORE_UNKNOWN_BLOCK',
  /** Only the tip block can be reverted. */
  NotTip: 'STORE_NOT_TIP',
  /** The block is at or below the irreversible height. */
  Irreversible: 'STORE_IRREVERSIBLE',
  /** The block is not on the chain's main chain at its height. */
  NotOnMainChain: 'STORE_NOT_ON_MAIN_CHAIN',
  /** A block's undo/redo journal entry is missing. */
  JournalMissing: 'STORE_JOURNAL_MISSING',
  /** The signer already signed a different block at this height (double sign refused). */
  SignerConflict: 'STORE_SIGNER_CONFLICT',
  /** The hot tier is not at the version a block applies to and could not be repaired. */
  HotTierOutOfSync: 'STORE_HOT_TIER_OUT_OF_SYNC',
  /** Stored bytes do not decode: the store was written by something else or is damaged. */
  Corrupt: 'STORE_CORRUPT',
  /** The store is closed. */
  Closed: 'STORE_CLOSED',
  /** The backend lacks something the store needs (e.g. MongoDB transactions without a replica set). */
  Unsupported: 'STORE_UNSUPPORTED',
  /** The backend failed (I/O, connection, server error); `cause` holds the original. */
  Backend: 'STORE_BACKEND',
} as const;
export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly detail: Readonly<Record<string, unknown>> | undefined;

  constructor(code: StoreErrorCode, message: string, detail?: Record<string, unknown>, options?: ErrorOptions) {
    super(`${code}: ${message}`, options);
    this.name = 'StoreError';
    this.code = code;
    this.detail = detail;
  }
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}

/** Passes StoreErrors through and wraps anything else as a Backend error naming the operation. */
export function toStoreError(err: unknown, operation: string): StoreError {
  if (err instanceof StoreError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new StoreError(StoreErrorCode.Backend, `${operation} failed: ${message}`, { operation }, { cause: err });
}
