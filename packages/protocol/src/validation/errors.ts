// Typed errors of transaction and block validation. Each code names one rule; where it ports an
// upstream error (Bytom v1.1.1 `protocol/validation/{tx,block}.go`, `protocol/state/utxo_view.go`,
// Vapor's files of the same names) the comment says which. Structural errors of upstream's entry
// graph (ErrMismatchedPosition, ErrMismatchedReference, ErrMissingEntry...) have no code: our entry
// graph is derived from the transaction, never received, so it cannot be inconsistent.
import { ProtocolError } from '../errors.ts';

export const ValidationErrorCode = {
  /** Transaction version other than 1 in a version-1 block (`ErrTxVersion`). */
  BAD_TX_VERSION: 'BAD_TX_VERSION',
  /** A serialized size of 0 (`ErrWrongTransactionSize`). */
  BAD_TX_SIZE: 'BAD_TX_SIZE',
  /** No inputs. Upstream finds it as `ErrNoSource` (outputs) or `ErrEmptyResults`; named here. */
  EMPTY_INPUTS: 'EMPTY_INPUTS',
  /** No outputs (`ErrEmptyResults`). */
  EMPTY_OUTPUTS: 'EMPTY_OUTPUTS',
  /** Two inputs with the same entry: the same output spent twice, or the same issuance twice. */
  DUPLICATE_INPUT: 'DUPLICATE_INPUT',
  /** A native-asset input or output whose program is not a witness program (`ErrNotStandardTx`). */
  NON_STANDARD_TX: 'NON_STANDARD_TX',
  /** An amount above 2^63 - 1, or a per-asset sum that overflows int64 (`ErrOverflow`). */
  AMOUNT_OVERFLOW: 'AMOUNT_OVERFLOW',
  /**
   * Inputs and outputs of an asset differ (`ErrUnbalanced`), an output's asset has no input
   * (`ErrNoSource`), or native outputs exceed native inputs (`ErrGasCalculate`, negative fee).
   */
  UNBALANCED_ASSET: 'UNBALANCED_ASSET',
  /**
   * The fee does not buy the gas: storage gas above the gas left (`ErrGasCalculate` in setGasValid,
   * `ErrOverGasCredit`), or a program ran out of gas (`vm.ErrRunLimitExceeded`).
   */
  INSUFFICIENT_GAS: 'INSUFFICIENT_GAS',
  /** Native-asset inputs used more gas than the default credit before the fee was known (`ErrOverGasCredit`). */
  GAS_CREDIT_EXCEEDED: 'GAS_CREDIT_EXCEEDED',
  /** The transaction's time range (a maximum block height) is below the block's height (`ErrBadTimeRange`). */
  TIME_RANGE_EXPIRED: 'TIME_RANGE_EXPIRED',
  /** An input's program failed; `detail.vmCode` is the VmError code. Upstream mines it as failed; we reject. */
  PROGRAM_FAILED: 'PROGRAM_FAILED',
  /** A signature check a program assumed does not hold; `detail` has the tx and input index. */
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  /** A spent output is not in the UTXO view (upstream "fail to find utxo entry"). */
  UNKNOWN_INPUT: 'UNKNOWN_INPUT',
  /** A spent output was already spent, in the view or earlier in the block ("utxo has been spent"). */
  DOUBLE_SPEND: 'DOUBLE_SPEND',
  /** A coinbase output spent before `coinbaseMaturity` blocks ("coinbase utxo is not ready for use"). */
  IMMATURE_COINBASE: 'IMMATURE_COINBASE',
  /** A vote output spent (vetoed) before `voteMaturity` blocks (Vapor "within the voting lock time"). */
  IMMATURE_VOTE: 'IMMATURE_VOTE',
  /**
   * A coinbase anywhere but alone as the first transaction's only input, a first transaction that is
   * no coinbase, a non-native coinbase asset, an oversized arbitrary field, or a main-chain coinbase
   * without exactly one output (`ErrWrongCoinbaseTransaction`, `ErrWrongCoinbaseAsset`,
   * `ErrCoinbaseArbitraryOversize`). `detail.reason` says which.
   */
  BAD_COINBASE: 'BAD_COINBASE',
  /** The coinbase pays other than the subsidy plus the fees (side chain: the rewards) (`checkCoinbaseAmount`). */
  BAD_COINBASE_AMOUNT: 'BAD_COINBASE_AMOUNT',
  /** A vote output with a vote that is not 64 bytes, below the minimum or not native (Vapor `ErrVote*`). */
  BAD_VOTE: 'BAD_VOTE',
  /** A cross-chain input minting an asset other than its main-chain output's (Vapor). */
  BAD_CROSS_CHAIN_INPUT: 'BAD_CROSS_CHAIN_INPUT',
  /** A cross-chain input whose main-chain output was already minted (Vapor "mainchain output has been spent"). */
  DOUBLE_MINT: 'DOUBLE_MINT',
  /** Block version other than 1 (`errVersionRegression`). */
  BAD_BLOCK_VERSION: 'BAD_BLOCK_VERSION',
  /** Height other than the parent's + 1 (`errMisorderedBlockHeight`). */
  BAD_HEIGHT: 'BAD_HEIGHT',
  /** Previous block id other than the parent's id (`errMismatchedBlock`). */
  BAD_PREVIOUS: 'BAD_PREVIOUS',
  /** Bits other than the retarget's expected bits (`errBadBits`). */
  BAD_BITS: 'BAD_BITS',
  /** Timestamp not above the past median (side chain: below parent + interval) (`errBadTimestamp`). */
  BAD_TIMESTAMP: 'BAD_TIMESTAMP',
  /** Timestamp too far ahead of the validator's clock (`errBadTimestamp`). */
  TIMESTAMP_TOO_FAR_AHEAD: 'TIMESTAMP_TOO_FAR_AHEAD',
  /** The Tensority hash is above the target (`errWorkProof`). */
  BAD_POW: 'BAD_POW',
  /** The transactions' gas sums above the block gas limit (`errOverBlockLimit`). */
  BLOCK_GAS_EXCEEDED: 'BLOCK_GAS_EXCEEDED',
  /** Transaction id Merkle root mismatch (`errMismatchedMerkleRoot`). */
  BAD_MERKLE_ROOT: 'BAD_MERKLE_ROOT',
  /** Transaction status Merkle root mismatch (`errMismatchedMerkleRoot`): every status must be success. */
  BAD_STATUS_ROOT: 'BAD_STATUS_ROOT',
  /** The caller broke a precondition (entries of another transaction, too few past timestamps...). */
  BAD_ARGUMENT: 'BAD_ARGUMENT',
} as const;
export type ValidationErrorCode = (typeof ValidationErrorCode)[keyof typeof ValidationErrorCode];

export class ValidationError extends ProtocolError<ValidationErrorCode> {}

export function isValidationError(err: unknown): err is ValidationError {
  return err instanceof ValidationError;
}

/** Runs `check` for transaction `txIndex` of a block, adding that index to any ValidationError. */
export function atTxIndex<T>(txIndex: number, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const message = err.message.slice(err.code.length + 2);
    throw new ValidationError(err.code, `tx ${txIndex}: ${message}`, { ...err.detail, txIndex });
  }
}
