// Stateless checks of one transaction, shared by both chains: Bytom v1.1.1
// `protocol/validation/tx.go` (ValidateTx, checkValid, checkStandardTx, checkTimeRange) and Vapor's
// same file, over the chain-neutral view of tx-facts.ts.
//
// Upstream walks the entry graph; ours is derived from the transaction, so its structural checks
// cannot fail and the walk becomes a sequence: format, coinbase placement, standard programs,
// balance, distinct inputs, votes, then gas and programs in upstream's order (native-asset
// inputs and the coinbase on credit, storage gas, then every other input). One deliberate
// difference: any failure rejects the transaction (Bytom keeps a transaction whose program fails
// once its gas is paid, with a failed status).
//
// Programs run in the VM's deferred signature mode: Ed25519 checks come back as signature sets
// for the caller to verify (signature-sets.ts). A program whose outcome deferral cannot decide is
// rerun strictly with `verify`.
import { BTM_ASSET_ID } from '../chain/constants.ts';
import { equalBytes } from '../encoding/bytes.ts';
import { ProtocolError } from '../errors.ts';
import type { CheckOutputFn } from '../vm/context.ts';
import { VmErrorCode } from '../vm/errors.ts';
import type { VerifySignatureFn } from '../vm/signatures.ts';
import { isP2WProgram } from '../vm/standard/segwit.ts';
import { type VerifyProgramResult, verifyProgram } from '../vm/verify.ts';
import { checkBalance } from './balance.ts';
import { bytesKey } from './bytes-key.ts';
import { ValidationError, ValidationErrorCode } from './errors.ts';
import { createGasState, type GasState, setGas, setGasValid, updateGasUsage } from './gas.ts';
import { createCheckOutput, createInputVmContext } from './program-context.ts';
import type { TxSignatureSet } from './signature-sets.ts';
import type { InputFacts, OutputFacts, TxFacts, TxPlacement, TxRules } from './tx-facts.ts';

const VOTE_KEY_LENGTH = 64;

export type TxCheckResult = {
  /** Native inputs minus native outputs (0 when the native asset does not move). */
  readonly fee: bigint;
  /** Storage gas plus the gas of every metered program. */
  readonly gasUsed: number;
  readonly signatureSets: readonly TxSignatureSet[];
  /**
   * A program read the block height (BLOCKHEIGHT): the outcome may differ at another height. Absent
   * otherwise, when only the time range depends on the height (`checkTimeRange`).
   */
  readonly readsBlockHeight?: true;
};

/** `serializedSize` is called once the version is known to be 1 (an in-memory tx may not encode otherwise). */
export function checkTxFacts(
  facts: TxFacts,
  serializedSize: () => number,
  placement: TxPlacement,
  rules: TxRules,
  verify: VerifySignatureFn,
): TxCheckResult {
  const size = checkFormat(facts, serializedSize, placement);
  checkCoinbasePlacement(facts.inputs, placement);
  if (rules.standardNativePrograms) checkStandardPrograms(facts.inputs, facts.outputs);
  const nativeFee = checkBalance(facts.inputs, facts.outputs);
  checkDistinctInputs(facts.inputs, facts.entries.inputIds);
  if (rules.minVoteOutputAmount !== undefined) checkVoteOutputs(facts.outputs, rules.minVoteOutputAmount);

  const gas = createGasState();
  if (nativeFee !== undefined || rules.gasWithoutNativeAsset) {
    setGas(gas, nativeFee ?? 0n, BigInt(size), rules.gas);
  }
  const inputs = new InputChecker(facts, placement, rules, verify, gas);
  facts.inputs.forEach((input, i) => {
    if (isGasInput(input)) inputs.check(i);
  });
  setGasValid(gas);
  facts.inputs.forEach((input, i) => {
    if (!isGasInput(input)) inputs.check(i);
  });
  const result = { fee: gas.nativeFee, gasUsed: Number(gas.gasUsed), signatureSets: inputs.signatureSets };
  return inputs.readsBlockHeight ? { ...result, readsBlockHeight: true } : result;
}

function isNative(assetId: Uint8Array): boolean {
  return equalBytes(assetId, BTM_ASSET_ID);
}

/** Upstream GasInputIDs: native spend-like inputs and the coinbase run before storage gas is charged. */
function isGasInput(input: InputFacts): boolean {
  return input.kind === 'coinbase' || (input.kind !== 'issuance' && isNative(input.assetId));
}

function reject(code: ValidationErrorCode, message: string, detail?: Record<string, unknown>): never {
  throw new ValidationError(code, message, detail);
}

/** Returns the serialized size. */
function checkFormat(facts: TxFacts, serializedSize: () => number, placement: TxPlacement): number {
  if (facts.version !== 1n) reject(ValidationErrorCode.BAD_TX_VERSION, `transaction version ${facts.version}`);
  const size = serializedSize();
  if (!Number.isSafeInteger(size) || size <= 0) reject(ValidationErrorCode.BAD_TX_SIZE, `serialized size ${size}`);
  checkTimeRange(facts.timeRange, placement.blockHeight);
  if (facts.inputs.length === 0) reject(ValidationErrorCode.EMPTY_INPUTS, 'transaction without inputs');
  if (facts.outputs.length === 0) reject(ValidationErrorCode.EMPTY_OUTPUTS, 'transaction without outputs');
  return size;
}

/** A transaction's time range (0: none) is the highest block height it may be in. */
export function checkTimeRange(timeRange: bigint, blockHeight: bigint): void {
  if (timeRange !== 0n && timeRange < blockHeight) {
    reject(ValidationErrorCode.TIME_RANGE_EXPIRED, `time range ${timeRange} < height ${blockHeight}`, {
      timeRange,
      blockHeight,
    });
  }
}

// The same input entry twice (upstream: one map entry for both, found as a position mismatch), or
// two inputs on the same spent or main-chain output. Few ids (the usual transaction) are compared
// pairwise; many go through a set of hex keys.
const PAIRWISE_MAX_IDS = 16;

function checkDistinctInputs(inputs: readonly InputFacts[], inputIds: readonly Uint8Array[]): void {
  const ids: Uint8Array[] = [];
  const owners: number[] = [];
  inputs.forEach((input, i) => {
    ids.push(inputIds[i]!);
    owners.push(i);
    if (input.spentOutputId !== undefined) {
      ids.push(input.spentOutputId);
      owners.push(i);
    }
  });
  const repeated = ids.length <= PAIRWISE_MAX_IDS ? firstRepeatPairwise(ids) : firstRepeatBySet(ids);
  if (repeated !== undefined) {
    const inputIndex = owners[repeated]!;
    reject(ValidationErrorCode.DUPLICATE_INPUT, `input ${inputIndex} repeats an input`, { inputIndex });
  }
}

/** Index of the first id equal to an earlier one. */
function firstRepeatPairwise(ids: readonly Uint8Array[]): number | undefined {
  for (let j = 1; j < ids.length; j++) {
    for (let k = 0; k < j; k++) if (equalBytes(ids[j]!, ids[k]!)) return j;
  }
  return undefined;
}

function firstRepeatBySet(ids: readonly Uint8Array[]): number | undefined {
  const seen = new Set<string>();
  for (let j = 0; j < ids.length; j++) {
    const key = bytesKey(ids[j]!);
    if (seen.has(key)) return j;
    seen.add(key);
  }
  return undefined;
}

// A coinbase is the only input of the block's first transaction. Upstream accepts other inputs
// beside it; we do not, so that a coinbase transaction pays exactly the reward.
function checkCoinbasePlacement(inputs: readonly InputFacts[], placement: TxPlacement): void {
  inputs.forEach((input, inputIndex) => {
    if (input.kind !== 'coinbase') return;
    const reason =
      placement.txIndex !== 0
        ? 'a coinbase outside the first transaction of a block'
        : inputs.length !== 1
          ? 'a coinbase beside other inputs'
          : !isNative(input.assetId)
            ? 'a coinbase of another asset than the native one'
            : undefined;
    if (reason !== undefined) reject(ValidationErrorCode.BAD_COINBASE, reason, { inputIndex, reason });
  });
}

function checkStandardPrograms(inputs: readonly InputFacts[], outputs: readonly OutputFacts[]): void {
  inputs.forEach((input, inputIndex) => {
    if (input.kind === 'spend' && isNative(input.assetId) && !isP2WProgram(input.program!.code)) {
      reject(ValidationErrorCode.NON_STANDARD_TX, `native input ${inputIndex} spends a non-witness program`, {
        inputIndex,
      });
    }
  });
  outputs.forEach((output, outputIndex) => {
    if (output.kind === 'output' && isNative(output.assetId) && !isP2WProgram(output.controlProgram)) {
      reject(ValidationErrorCode.NON_STANDARD_TX, `native output ${outputIndex} has a non-witness program`, {
        outputIndex,
      });
    }
  });
}

function checkVoteOutputs(outputs: readonly OutputFacts[], minAmount: bigint): void {
  outputs.forEach((output, outputIndex) => {
    if (output.kind !== 'vote') return;
    const reason =
      output.vote?.length !== VOTE_KEY_LENGTH
        ? 'vote is not a 64-byte key'
        : output.amount < minAmount
          ? 'vote amount below the minimum'
          : !isNative(output.assetId)
            ? 'vote of another asset than the native one'
            : undefined;
    if (reason !== undefined) reject(ValidationErrorCode.BAD_VOTE, reason, { outputIndex, reason });
  });
}

/** Checks inputs one at a time, charging their gas and collecting their signature sets. */
class InputChecker {
  readonly signatureSets: TxSignatureSet[] = [];
  readsBlockHeight = false;
  readonly #noteBlockHeight = () => {
    this.readsBlockHeight = true;
  };
  readonly #facts: TxFacts;
  readonly #placement: TxPlacement;
  readonly #rules: TxRules;
  readonly #verify: VerifySignatureFn;
  readonly #gas: GasState;
  readonly #checkOutput: CheckOutputFn;

  constructor(facts: TxFacts, placement: TxPlacement, rules: TxRules, verify: VerifySignatureFn, gas: GasState) {
    this.#facts = facts;
    this.#placement = placement;
    this.#rules = rules;
    this.#verify = verify;
    this.#gas = gas;
    this.#checkOutput = createCheckOutput(facts.outputs);
  }

  check(inputIndex: number): void {
    const input = this.#facts.inputs[inputIndex]!;
    const gas = this.#gas;
    switch (input.kind) {
      case 'coinbase': {
        const limit = this.#rules.coinbaseArbitrarySizeLimit;
        if ((input.arbitrary?.length ?? 0) > limit) {
          reject(ValidationErrorCode.BAD_COINBASE, `coinbase arbitrary data over ${limit} bytes`, {
            inputIndex,
            reason: 'arbitrary data too long',
          });
        }
        gas.storageGas = 0n;
        return;
      }
      case 'crossChain':
        if (!isNative(input.assetId) && !equalBytes(input.assetId, input.issuedAssetId ?? BTM_ASSET_ID)) {
          reject(ValidationErrorCode.BAD_CROSS_CHAIN_INPUT, 'main-chain output of another asset than the minted one', {
            inputIndex,
          });
        }
        // Minted by the federation: its program runs on the credit alone, and the tx pays no storage.
        this.#run(inputIndex, this.#rules.gas.defaultGasCredit);
        gas.storageGas = 0n;
        return;
      case 'veto':
        if (input.vote?.length !== VOTE_KEY_LENGTH) {
          reject(ValidationErrorCode.BAD_VOTE, 'vetoed vote is not a 64-byte key', { inputIndex });
        }
        break;
      case 'spend':
      case 'issuance':
        break;
    }
    const result = this.#run(inputIndex, Number(gas.gasLeft));
    updateGasUsage(gas, BigInt(result.gasLeft), this.#rules.gas);
  }

  #run(inputIndex: number, gasLimit: number): VerifyProgramResult {
    const input = this.#facts.inputs[inputIndex]!;
    const context = createInputVmContext(
      this.#facts,
      inputIndex,
      this.#placement.blockHeight,
      this.#checkOutput,
      this.#rules.sideChainVm,
      this.#noteBlockHeight,
    );
    let result: VerifyProgramResult;
    try {
      result = verifyProgram(input.program!, input.args, context, {
        gasLimit,
        signatures: 'deferred',
        verify: this.#verify,
      });
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      const code =
        err.code === VmErrorCode.RUN_LIMIT_EXCEEDED
          ? ValidationErrorCode.INSUFFICIENT_GAS
          : ValidationErrorCode.PROGRAM_FAILED;
      throw new ValidationError(code, `input ${inputIndex}: ${err.message}`, { inputIndex, vmCode: err.code });
    }
    const txIndex = this.#placement.txIndex ?? 0;
    for (const set of result.signatureSets) this.signatureSets.push({ txIndex, inputIndex, set });
    return result;
  }
}
