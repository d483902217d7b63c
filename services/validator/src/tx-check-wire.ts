// A slice of a block's transaction checks on the wire to a validator replica (chain.v1
// CheckTxSliceRequest/Response): the TxRangeJob with its rules field by field, and the checks
// packed as packTxChecks lays them out with the first failure beside them. A failure's detail is
// JSON with tagged bigints, so the ValidationError a replica reports is the one the local pool
// would have made (code, message, detail with its txIndex).
import { chainV1 } from '@bystack/proto';
import {
  packTxChecks,
  TxCheckPoolError,
  type TxChecks,
  type TxRangeJob,
  type TxRules,
  unpackTxChecks,
  ValidationError,
  ValidationErrorCode,
} from '@bystack/protocol';
import { ValidatorError } from './errors.ts';

/** Most transactions in one slice a replica takes (the validator sends at most 1024). */
const MAX_SLICE_TXS = 16_384;

export function txSliceRequestOf(job: TxRangeJob): chainV1.CheckTxSliceRequest {
  const { rules } = job;
  return {
    chain: job.chain === 'side' ? chainV1.TxChainKind.TX_CHAIN_KIND_SIDE : chainV1.TxChainKind.TX_CHAIN_KIND_MAIN,
    rules: {
      maxBlockGas: BigInt(rules.gas.maxBlockGas),
      maxTxGas: BigInt(rules.gas.maxTxGas),
      defaultGasCredit: BigInt(rules.gas.defaultGasCredit),
      vmGasRate: BigInt(rules.gas.vmGasRate),
      storageGasRate: BigInt(rules.gas.storageGasRate),
      creditAddsToGasLeft: rules.gas.creditAddsToGasLeft,
      gasWithoutNativeAsset: rules.gasWithoutNativeAsset,
      standardNativePrograms: rules.standardNativePrograms,
      sideChainVm: rules.sideChainVm,
      coinbaseArbitrarySizeLimit: rules.coinbaseArbitrarySizeLimit,
      minVoteOutputAmount: rules.minVoteOutputAmount,
    },
    blockHeight: job.blockHeight,
    firstIndex: job.firstIndex,
    count: job.count,
    txs: Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength),
    federationProgram:
      job.federationProgram === undefined
        ? undefined
        : Buffer.from(job.federationProgram.buffer, job.federationProgram.byteOffset, job.federationProgram.byteLength),
  };
}

function badRequest(message: string): never {
  throw new ValidatorError('BAD_REQUEST', `tx check slice: ${message}`);
}

/** A gas parameter back to the number TxRules holds; refuses what a number cannot hold exactly. */
function gasNumber(value: bigint, name: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) badRequest(`${name} ${value} is above 2^53 - 1`);
  return Number(value);
}

/** The job a replica checks; a request it cannot be is a ValidatorError BAD_REQUEST. */
export function txRangeJobOf(request: chainV1.CheckTxSliceRequest): TxRangeJob {
  const { rules: r, chain } = request;
  if (chain !== chainV1.TxChainKind.TX_CHAIN_KIND_MAIN && chain !== chainV1.TxChainKind.TX_CHAIN_KIND_SIDE) {
    badRequest(`unknown chain kind ${chain}`);
  }
  if (r === undefined) badRequest('no rules');
  if (request.count < 1 || request.count > MAX_SLICE_TXS) badRequest(`${request.count} transactions`);
  if (request.txs.length < request.count) badRequest(`${request.count} transactions in ${request.txs.length} bytes`);
  const side = chain === chainV1.TxChainKind.TX_CHAIN_KIND_SIDE;
  if (!side && request.federationProgram !== undefined) badRequest('a federation program for a main-chain slice');
  const rules: TxRules = {
    gas: {
      maxBlockGas: gasNumber(r.maxBlockGas, 'maxBlockGas'),
      maxTxGas: gasNumber(r.maxTxGas, 'maxTxGas'),
      defaultGasCredit: gasNumber(r.defaultGasCredit, 'defaultGasCredit'),
      vmGasRate: gasNumber(r.vmGasRate, 'vmGasRate'),
      storageGasRate: gasNumber(r.storageGasRate, 'storageGasRate'),
      creditAddsToGasLeft: r.creditAddsToGasLeft,
    },
    gasWithoutNativeAsset: r.gasWithoutNativeAsset,
    standardNativePrograms: r.standardNativePrograms,
    sideChainVm: r.sideChainVm,
    coinbaseArbitrarySizeLimit: r.coinbaseArbitrarySizeLimit,
    minVoteOutputAmount: r.minVoteOutputAmount,
  };
  if (rules.gas.vmGasRate === 0) badRequest('vmGasRate 0');
  return {
    chain: side ? 'side' : 'main',
    rules,
    blockHeight: request.blockHeight,
    firstIndex: request.firstIndex,
    count: request.count,
    // A copy the local pool may transfer to its worker (the request's buffer is NATS's).
    bytes: new Uint8Array(request.txs),
    federationProgram: request.federationProgram && new Uint8Array(request.federationProgram),
  };
}

export function txSliceResponseOf(checks: TxChecks): chainV1.CheckTxSliceResponse {
  const packedChecks = Buffer.from(packTxChecks(checks));
  const f = checks.failure;
  if (f === undefined) return { packedChecks };
  return {
    packedChecks,
    failure: {
      code: f.code,
      message: f.message.slice(f.code.length + 2),
      detailJson:
        f.detail === undefined
          ? ''
          : JSON.stringify(f.detail, (_, v) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v)),
    },
  };
}

const VALIDATION_CODES = new Set<string>(Object.values(ValidationErrorCode));

function badAnswer(message: string, cause?: unknown): never {
  throw new TxCheckPoolError(
    'WORKER_ERROR',
    `a replica's tx checks: ${message}`,
    cause === undefined ? undefined : { cause },
  );
}

function detailOf(json: string): Record<string, unknown> | undefined {
  if (json === '') return undefined;
  try {
    return JSON.parse(json, (_, v) =>
      v !== null && typeof v === 'object' && typeof v.$bigint === 'string' && Object.keys(v).length === 1
        ? BigInt(v.$bigint)
        : v,
    );
  } catch (err) {
    return badAnswer('failure detail is not JSON', err);
  }
}

/** The checks a replica answered (views into its answer); a malformed answer is TxCheckPoolError WORKER_ERROR. */
export function txChecksOf(response: chainV1.CheckTxSliceResponse, job: TxRangeJob): TxChecks {
  const f = response.failure;
  if (f !== undefined && !VALIDATION_CODES.has(f.code)) badAnswer(`unknown failure code ${f.code}`);
  const failure = f && new ValidationError(f.code as ValidationErrorCode, f.message, detailOf(f.detailJson));
  const packed = response.packedChecks;
  let checks: TxChecks;
  try {
    checks = unpackTxChecks(
      packed.buffer.slice(packed.byteOffset, packed.byteOffset + packed.byteLength) as ArrayBuffer,
      failure,
    );
  } catch (err) {
    return badAnswer('packed checks do not unpack', err);
  }
  // All passed, or the results stop right before the failed one: anything else is no verdict.
  const passedAll = failure === undefined && checks.results.length === job.count && checks.entries.length === job.count;
  const stopped = failure !== undefined && checks.results.length < job.count && checks.entries.length <= job.count;
  if (!passedAll && !stopped) {
    badAnswer(`${checks.results.length} results, ${checks.entries.length} entries for ${job.count} transactions`);
  }
  return checks;
}
