// Signature checks as data (the lodestar pattern): stateless validation runs every program in the
// VM's deferred mode, which assumes CHECKSIG / CHECKMULTISIG succeed and hands the checks back.
// Each carries the transaction and input it came from, so a failure found later, in a batch on a
// worker pool, is still reported against the right input.
import type { Ed25519SignatureSet, SignatureVerifier } from '../keys/signature-set.ts';
import { type VmSignatureSet, vmSignatureSetHolds, vmSignatureSetPairs } from '../vm/signatures.ts';
import { ValidationError, ValidationErrorCode } from './errors.ts';

/** A signature check a program assumed to hold; the transaction is valid only if it does. */
export type TxSignatureSet = {
  /** Index of the transaction in its block (0 for a loose transaction). */
  readonly txIndex: number;
  readonly inputIndex: number;
  readonly set: VmSignatureSet;
};

/**
 * Verifies every set with `verifier` (one batch: the verifier may spread it over threads) and
 * throws BAD_SIGNATURE, with the transaction and input index, for the first set that fails.
 */
export async function verifySignatureSets(verifier: SignatureVerifier, sets: readonly TxSignatureSet[]): Promise<void> {
  const pairs: Ed25519SignatureSet[] = [];
  const pairCounts: number[] = [];
  for (const { set } of sets) {
    const setPairs = vmSignatureSetPairs(set);
    pairCounts.push(setPairs.length);
    for (const pair of setPairs) pairs.push(pair);
  }
  const verdicts = await verifier.verifyAll(pairs);
  let offset = 0;
  sets.forEach(({ txIndex, inputIndex, set }, i) => {
    const count = pairCounts[i]!;
    if (!vmSignatureSetHolds(set, verdicts.slice(offset, offset + count))) {
      throw new ValidationError(ValidationErrorCode.BAD_SIGNATURE, `tx ${txIndex} input ${inputIndex}: bad signature`, {
        txIndex,
        inputIndex,
      });
    }
    offset += count;
  });
}
