// Per-asset balance of a transaction's mux, Bytom v1.1.1 `protocol/validation/tx.go` (checkValid,
// case *bc.Mux; Vapor alike): every amount must fit an int64, every output's asset must have an
// input, sums must not overflow int64, and every asset but the native one must balance exactly.
// What is left of the native asset is the fee.
import { BTM_ASSET_ID } from '../chain/constants.ts';
import { bytesKey } from './bytes-key.ts';
import { ValidationError, ValidationErrorCode } from './errors.ts';
import type { InputFacts, OutputFacts } from './tx-facts.ts';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const NATIVE_KEY = bytesKey(BTM_ASSET_ID);

function overflow(message: string, detail: Record<string, unknown>): ValidationError {
  return new ValidationError(ValidationErrorCode.AMOUNT_OVERFLOW, message, detail);
}

function checkAmount(amount: bigint, detail: Record<string, unknown>): void {
  if (amount < 0n || amount > INT64_MAX) throw overflow(`amount ${amount} is outside 0..2^63-1`, detail);
}

/**
 * Checks the balance and returns the native fee (native inputs minus native outputs, possibly
 * negative: the gas rules reject that), or undefined when the native asset appears nowhere.
 */
export function checkBalance(inputs: readonly InputFacts[], outputs: readonly OutputFacts[]): bigint | undefined {
  const parity = new Map<string, bigint>();
  inputs.forEach((input, inputIndex) => {
    checkAmount(input.amount, { inputIndex });
    const key = bytesKey(input.assetId);
    const sum = (parity.get(key) ?? 0n) + input.amount;
    if (sum > INT64_MAX) throw overflow('input sum of an asset overflows int64', { inputIndex, assetId: key });
    parity.set(key, sum);
  });
  outputs.forEach((output, outputIndex) => {
    const key = bytesKey(output.assetId);
    const sum = parity.get(key);
    if (sum === undefined) {
      throw new ValidationError(ValidationErrorCode.UNBALANCED_ASSET, 'output asset has no input', {
        outputIndex,
        assetId: key,
      });
    }
    checkAmount(output.amount, { outputIndex });
    const diff = sum - output.amount;
    if (diff < INT64_MIN) throw overflow('output sum of an asset underflows int64', { outputIndex, assetId: key });
    parity.set(key, diff);
  });
  for (const [key, diff] of parity) {
    if (key !== NATIVE_KEY && diff !== 0n) {
      throw new ValidationError(ValidationErrorCode.UNBALANCED_ASSET, 'inputs and outputs of an asset differ', {
        assetId: key,
        inputsMinusOutputs: diff,
      });
    }
  }
  return parity.get(NATIVE_KEY);
}
