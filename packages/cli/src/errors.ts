// Typed errors of the CLI and the devnet launcher, and the table that turns every typed error the
// services send (RpcError codes: the protocol's validation and decode codes, the mempool's, generic
// gRPC ones) into a sentence a person understands.
import { isProtocolError } from '@bystack/protocol';
import { isRpcError } from '@bystack/runtime';

export const CliErrorCode = {
  /** A flag or argument is missing or malformed (exit code 2). */
  BAD_ARGUMENT: 'BAD_ARGUMENT',
  KEY_NOT_FOUND: 'KEY_NOT_FOUND',
  KEY_EXISTS: 'KEY_EXISTS',
  BAD_KEY_FILE: 'BAD_KEY_FILE',
  BAD_ADDRESS: 'BAD_ADDRESS',
  /** No endpoints given and no devnet endpoints file. */
  NO_ENDPOINTS: 'NO_ENDPOINTS',
  /** A devnet-only command (faucet, devnet keys) on another chain. */
  DEVNET_ONLY: 'DEVNET_ONLY',
  /** The transaction was not confirmed before the timeout. */
  NOT_CONFIRMED: 'NOT_CONFIRMED',
  /** A devnet already runs on that data dir. */
  DEVNET_RUNNING: 'DEVNET_RUNNING',
  /** nats-server or redis-server is not installed. */
  MISSING_BINARY: 'MISSING_BINARY',
  /** A service's entry point does not exist (not built yet). */
  SERVICE_MISSING: 'SERVICE_MISSING',
  /** A service process exited or never became ready. */
  SERVICE_FAILED: 'SERVICE_FAILED',
  /** The devnet was stopped (Ctrl-C) while it was starting. */
  INTERRUPTED: 'INTERRUPTED',
} as const;
export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];

export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly hint: string | undefined;

  constructor(code: CliErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.hint = hint;
  }
}

export function isCliError(err: unknown): err is CliError {
  return err instanceof CliError;
}

/** Which service a call went to, so a sentence can name it. */
export type ErrorContext = { readonly service?: string; readonly address?: string };

const MALFORMED = 'The transaction bytes are malformed';

/**
 * One sentence per stable code. `{service}`, `{address}` and `{message}` are filled in from the
 * error and its context. Codes follow the protocol's ValidationErrorCode and DecodeErrorCode, the
 * mempool's codes, the wallet's and the generic gRPC ones.
 */
export const ERROR_SENTENCES: Readonly<Record<string, string>> = {
  // Transaction validity (protocol ValidationErrorCode).
  DOUBLE_SPEND:
    'A coin this transaction spends is already spent, by a confirmed transaction or by one waiting in the mempool. Wait for the earlier transaction to confirm, then try again.',
  BAD_SIGNATURE:
    'A signature in the transaction does not verify: it was made with another key, or the transaction was changed after signing.',
  UNKNOWN_INPUT:
    'The transaction spends a coin the chain does not know: it never existed, or the block that created it is not on the chain (any more).',
  IMMATURE_COINBASE:
    'The transaction spends a mining reward that is not mature yet. Wait a few more blocks and try again.',
  INSUFFICIENT_GAS:
    'The fee does not pay for the gas the transaction needs (its size and its programs). Leave --fee out to let the wallet compute it, or raise it.',
  GAS_CREDIT_EXCEEDED: 'The transaction’s BTM inputs use more gas than the chain lends before the fee is known.',
  UNBALANCED_ASSET:
    'The amounts do not add up: an asset’s outputs differ from its inputs, or the outputs hold more BTM than the inputs.',
  PROGRAM_FAILED:
    'A control or issuance program refused its arguments: the key that signed does not control that coin or asset.',
  NON_STANDARD_TX: 'BTM may only be paid to standard (witness) addresses.',
  EMPTY_INPUTS: 'The transaction has no inputs.',
  EMPTY_OUTPUTS: 'The transaction has no outputs.',
  DUPLICATE_INPUT: 'The transaction spends the same coin twice.',
  AMOUNT_OVERFLOW: 'An amount is larger than the chain allows (2^63 - 1).',
  TIME_RANGE_EXPIRED: 'The transaction expired: its time range ends below the next block height.',
  BAD_TX_VERSION: 'The transaction has a version this chain does not accept.',
  BAD_TX_SIZE: 'The transaction has an invalid size.',
  BAD_COINBASE: 'A coinbase (mining reward) input may only appear alone in a block’s first transaction.',
  BAD_COINBASE_AMOUNT: 'The block’s coinbase pays more than the subsidy plus the fees.',
  IMMATURE_VOTE: 'The transaction spends a vote before its lock time ends.',
  BAD_VOTE: 'A vote output is malformed or below the minimum.',
  BAD_CROSS_CHAIN_INPUT: 'A cross-chain input mints another asset than its main-chain output.',
  DOUBLE_MINT: 'A main-chain output was already minted on this chain.',
  BAD_BLOCK_VERSION: 'The block has a version this chain does not accept.',
  BAD_STATUS_ROOT: 'The block’s transaction status root does not match.',
  BAD_ARGUMENT: 'Bad request: {message}.',
  BAD_BITS: 'The block’s difficulty is not the one the chain expects.',
  BAD_POW: 'The block’s proof of work does not meet its difficulty.',
  BAD_PREVIOUS: 'The block does not extend the block it names as its parent.',
  BAD_HEIGHT: 'The block’s height does not follow its parent’s.',
  BAD_TIMESTAMP: 'The block’s timestamp is not after the median of the blocks before it.',
  TIMESTAMP_TOO_FAR_AHEAD: 'The block’s timestamp is too far in the future.',
  BAD_MERKLE_ROOT: 'The block’s transaction Merkle root does not match its transactions.',
  BLOCK_GAS_EXCEEDED: 'The block’s transactions use more gas than a block may.',
  // Malformed bytes (protocol DecodeErrorCode).
  TRUNCATED: `${MALFORMED}: they end in the middle of a field.`,
  LENGTH_TOO_LARGE: `${MALFORMED}: a length is larger than the bytes that follow.`,
  TRAILING_BYTES: `${MALFORMED}: bytes follow the end of the transaction.`,
  VARINT_OVERFLOW: `${MALFORMED}: a number is longer than 64 bits.`,
  VARINT_NON_CANONICAL: `${MALFORMED}: a number is not in its shortest encoding.`,
  VALUE_OUT_OF_RANGE: `${MALFORMED}: a number is out of its range.`,
  BAD_SERFLAGS: `${MALFORMED}: unknown serialization flags.`,
  UNKNOWN_TYPE: `${MALFORMED}: an input or output of unknown type.`,
  UNKNOWN_ASSET_VERSION: `${MALFORMED}: an asset version other than 1.`,
  UNKNOWN_VM_VERSION: `${MALFORMED}: a VM version other than 1.`,
  ASSET_ID_MISMATCH: `${MALFORMED}: an issuance names another asset than its program and definition make.`,
  COINBASE_WITHOUT_OUTPUT: `${MALFORMED}: a coinbase without outputs.`,
  NOT_BYTES: `${MALFORMED}.`,
  MALFORMED_TX: `${MALFORMED}.`,
  // Mempool policy.
  FEE_TOO_LOW:
    'The fee is below the minimum the mempool accepts. Leave --fee out to let the wallet compute it, or pay more.',
  TX_FEE_TOO_LOW:
    'The fee is below the minimum the mempool accepts. Leave --fee out to let the wallet compute it, or pay more.',
  POOL_FULL: 'The mempool is full and the transaction pays less than the cheapest one in it. Pay a higher fee.',
  ALREADY_IN_POOL: 'This transaction is already in the mempool, waiting for a block.',
  DUPLICATE_TX: 'This transaction is already in the mempool, waiting for a block.',
  ALREADY_CONFIRMED: 'This transaction is already on the chain.',
  TX_TOO_LARGE: 'The transaction is larger than the mempool accepts.',
  TX_EXPIRED: 'The transaction expired: its time range ends below the next block height.',
  UNKNOWN_CHAIN: 'The {service} does not serve that chain (check --chain).',
  BATCH_TOO_LARGE: 'Too many transactions in one batch for the mempool.',
  BAD_OUTPUT_ID: 'An output id must be 32 bytes.',
  // Wallet.
  INSUFFICIENT_FUNDS: 'The key does not hold enough: {message}.',
  UTXO_SOURCE_NOT_FOUND:
    'A coin of this key could not be located in its block (the chain changed meanwhile). Try again.',
  BAD_AMOUNT: 'Bad amount: {message}.',
  // Generic gRPC statuses (used when a service sends no specific code).
  UNAVAILABLE:
    'The {service} at {address} is unavailable ({message}). Is the devnet running? Start it with `npm start` (or `npx bystack devnet`).',
  DEADLINE_EXCEEDED: 'The {service} at {address} did not answer in time. It may be busy or stuck; try again.',
  NOT_FOUND: 'Not found: {message}.',
  INVALID_ARGUMENT: 'The {service} refused the request: {message}.',
  FAILED_PRECONDITION: 'The {service} cannot do that now: {message}.',
  RESOURCE_EXHAUSTED: 'The {service} is overloaded: {message}. Try again later.',
  UNIMPLEMENTED: 'The {service} at {address} does not offer this call (is it the right service?).',
  INTERNAL: 'The {service} failed inside ({message}). Its log says more.',
  CANCELLED: 'The call was cancelled.',
  UNKNOWN: 'The {service} failed: {message}.',
};

/** The sentence for an error: a typed one (RpcError, CliError, protocol error) or anything else. */
export function explainError(err: unknown, ctx: ErrorContext = {}): { code: string; sentence: string } {
  if (isCliError(err)) {
    return { code: err.code, sentence: err.hint ? `${err.message}\n${err.hint}` : err.message };
  }
  const code = isRpcError(err) || isProtocolError(err) ? err.code : typedCode(err);
  let message = err instanceof Error ? err.message : String(err);
  if (isProtocolError(err) && message.startsWith(`${code}: `)) message = message.slice(code.length + 2);
  const template = ERROR_SENTENCES[code];
  if (template === undefined) {
    const who = ctx.service ?? 'service';
    return { code, sentence: `The ${who} refused it (${code}): ${message}` };
  }
  const sentence = template
    .replaceAll('{service}', ctx.service ?? 'service')
    .replaceAll('{address}', ctx.address ?? 'its address')
    .replaceAll('{message}', message.replace(/\.$/, ''));
  return { code, sentence };
}

/** The code of another typed error (the wallet's), else UNKNOWN. */
function typedCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code) ? code : 'UNKNOWN';
}
