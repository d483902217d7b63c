// Gas accounting of one transaction, Bytom v1.1.1 `protocol/validation/tx.go` (GasState: setGas,
// setGasValid, updateUsage) and Vapor's same file, whose only difference is that the default credit
// is added to the gas the fee buys. Exact int64 arithmetic on bigints, failing where upstream's
// `math/checked` does.
//
// The flow: the native fee buys `fee / vmGasRate` gas (Vapor: plus the credit), capped at the
// transaction maximum; the native-asset inputs run first, on credit (at most `defaultGasCredit`
// used, and the storage gas must still fit); then storage gas (serialized size x rate) is charged
// and the gas becomes "valid"; then every other program runs on what is left.
import type { GasParams } from '../config/params.ts';
import { ValidationError, ValidationErrorCode } from './errors.ts';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** Upstream GasState; every field an int64 (bigint) except the flag. */
export type GasState = {
  /** The native fee (native inputs minus native outputs). */
  nativeFee: bigint;
  gasLeft: bigint;
  gasUsed: bigint;
  /** Set once storage gas is paid: from then on the credit limit no longer applies. */
  gasValid: boolean;
  storageGas: bigint;
};

/** A chain's gas parameters and how it applies the credit. */
export type GasRules = GasParams & {
  /** Vapor adds the default credit to the gas the fee buys; Bytom only uses it as a limit. */
  readonly creditAddsToGasLeft: boolean;
};

export function createGasState(): GasState {
  return { nativeFee: 0n, gasLeft: 0n, gasUsed: 0n, gasValid: false, storageGas: 0n };
}

function inInt64(value: bigint): boolean {
  return value >= INT64_MIN && value <= INT64_MAX;
}

function gasError(message: string, detail?: Record<string, unknown>): ValidationError {
  return new ValidationError(ValidationErrorCode.INSUFFICIENT_GAS, message, detail);
}

/** setGas: the gas the native fee buys, and the storage gas of `txSize` bytes. */
export function setGas(gas: GasState, nativeFee: bigint, txSize: bigint, rules: GasRules): void {
  if (nativeFee < 0n) {
    throw new ValidationError(ValidationErrorCode.UNBALANCED_ASSET, 'native outputs exceed native inputs', {
      nativeFee,
    });
  }
  gas.nativeFee = nativeFee;
  let left = nativeFee / BigInt(rules.vmGasRate);
  if (rules.creditAddsToGasLeft) {
    left += BigInt(rules.defaultGasCredit);
    if (!inInt64(left)) throw gasError('gas plus credit overflows int64');
  }
  const max = BigInt(rules.maxTxGas);
  gas.gasLeft = left > max ? max : left;
  const storage = txSize * BigInt(rules.storageGasRate);
  if (!inInt64(storage)) throw gasError('storage gas overflows int64', { txSize });
  gas.storageGas = storage;
}

/** setGasValid: charges the storage gas; the fee must cover it. */
export function setGasValid(gas: GasState): void {
  const left = gas.gasLeft - gas.storageGas;
  if (!inInt64(left) || left < 0n) {
    throw gasError('the fee does not cover the storage gas', { gasLeft: gas.gasLeft, storageGas: gas.storageGas });
  }
  const used = gas.gasUsed + gas.storageGas;
  if (!inInt64(used)) throw gasError('gas used overflows int64');
  gas.gasLeft = left;
  gas.gasUsed = used;
  gas.gasValid = true;
}

/** updateUsage: a program ran and left `gasLeft`; before storage is paid, the credit limit applies. */
export function updateGasUsage(gas: GasState, gasLeft: bigint, rules: GasRules): void {
  if (gasLeft < 0n) throw gasError('negative gas left');
  const used = gas.gasLeft - gasLeft;
  if (!inInt64(used)) throw gasError('gas used overflows int64');
  gas.gasUsed += used;
  gas.gasLeft = gasLeft;
  if (gas.gasValid) return;
  if (gas.gasUsed > BigInt(rules.defaultGasCredit)) {
    throw new ValidationError(ValidationErrorCode.GAS_CREDIT_EXCEEDED, 'native inputs used more than the gas credit', {
      gasUsed: gas.gasUsed,
    });
  }
  if (gas.storageGas > gas.gasLeft) {
    throw gasError('the gas left cannot pay the storage gas', { gasLeft: gas.gasLeft, storageGas: gas.storageGas });
  }
}
