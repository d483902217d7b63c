// The coinbase pays exactly what the block earns: Bytom v1.1.1 `protocol/validation/block.go`
// checkCoinbaseAmount (one output, subsidy plus fees) and Vapor's checkCoinbaseTx (intra-chain
// outputs summing to the round's rewards).
import { ValidationError, ValidationErrorCode } from './errors.ts';
import type { OutputFacts } from './tx-facts.ts';

function badCoinbase(reason: string): ValidationError {
  return new ValidationError(ValidationErrorCode.BAD_COINBASE, reason, { reason });
}

function badAmount(paid: bigint, expected: bigint): ValidationError {
  return new ValidationError(ValidationErrorCode.BAD_COINBASE_AMOUNT, `coinbase pays ${paid}, not ${expected}`, {
    paid,
    expected,
  });
}

/** Main chain: the coinbase (first transaction) has one output, of exactly `expected`. */
export function checkCoinbaseAmount(
  txs: readonly { readonly outputs: readonly { readonly amount: bigint }[] }[],
  expected: bigint,
): void {
  const coinbase = txs[0];
  if (coinbase === undefined) throw badCoinbase('block is empty');
  if (coinbase.outputs.length !== 1) throw badCoinbase('coinbase without exactly one output');
  const paid = coinbase.outputs[0]!.amount;
  if (paid !== expected) throw badAmount(paid, expected);
}

/** Side chain: the coinbase's outputs are all intra-chain and sum to exactly `expected`. */
export function checkSideCoinbaseAmount(coinbaseOutputs: readonly OutputFacts[], expected: bigint): void {
  let paid = 0n;
  for (const output of coinbaseOutputs) {
    if (output.kind !== 'output') throw badCoinbase('coinbase output that is not intra-chain');
    paid += output.amount;
  }
  if (paid !== expected) throw badAmount(paid, expected);
}
