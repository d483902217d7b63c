// The parts of block validation both chains share (Bytom v1.1.1 `protocol/validation/block.go`
// ValidateBlockHeader / ValidateBlock, Vapor alike): the links to the parent, every transaction's
// stateless checks in order under the block gas limit, and the two Merkle roots. Every accepted
// transaction succeeded, so the status tree has only success leaves.
import { txMerkleRoot, txStatusMerkleRoot } from '../chain/merkle-roots.ts';
import type { TxEntries } from '../chain/tx-graph.ts';
import { equalBytes } from '../encoding/bytes.ts';
import type { VerifySignatureFn } from '../vm/signatures.ts';
import { checkTxFacts } from './check-tx.ts';
import { atTxIndex, ValidationError, ValidationErrorCode } from './errors.ts';
import type { TxSignatureSet } from './signature-sets.ts';
import type { TxFacts, TxRules } from './tx-facts.ts';

/** What validation needs of a block's parent. */
export type ParentBlock = {
  readonly id: Uint8Array;
  readonly height: bigint;
};

type HeaderLinks = { readonly version: bigint; readonly height: bigint; readonly previousBlockId: Uint8Array };

export function checkBlockLinks(header: HeaderLinks, parent: ParentBlock): void {
  if (header.version !== 1n) {
    throw new ValidationError(ValidationErrorCode.BAD_BLOCK_VERSION, `block version ${header.version}`);
  }
  if (header.height !== parent.height + 1n) {
    throw new ValidationError(ValidationErrorCode.BAD_HEIGHT, `height ${header.height} after ${parent.height}`);
  }
  if (!equalBytes(header.previousBlockId, parent.id)) {
    throw new ValidationError(ValidationErrorCode.BAD_PREVIOUS, 'previous block id is not the parent id');
  }
}

export type BlockTxsResult = {
  /** Sum of the transactions' native fees. */
  readonly fees: bigint;
  readonly gasUsed: number;
  readonly signatureSets: readonly TxSignatureSet[];
};

/** Stateless checks of a block's transactions, in order; the first must be the coinbase. */
export function checkBlockTxs(
  txs: readonly { readonly facts: TxFacts; readonly serializedSize: () => number }[],
  blockHeight: bigint,
  rules: TxRules,
  verify: VerifySignatureFn,
): BlockTxsResult {
  if (txs[0]?.facts.inputs[0]?.kind !== 'coinbase') {
    throw new ValidationError(ValidationErrorCode.BAD_COINBASE, 'the first transaction is not a coinbase', {
      reason: 'no coinbase',
    });
  }
  let fees = 0n;
  let gasUsed = 0;
  const signatureSets: TxSignatureSet[] = [];
  txs.forEach(({ facts, serializedSize }, txIndex) => {
    const placement = { blockHeight, txIndex };
    const result = atTxIndex(txIndex, () => checkTxFacts(facts, serializedSize, placement, rules, verify));
    gasUsed += result.gasUsed;
    if (gasUsed > rules.gas.maxBlockGas) {
      throw new ValidationError(ValidationErrorCode.BLOCK_GAS_EXCEEDED, `block gas over ${rules.gas.maxBlockGas}`, {
        txIndex,
      });
    }
    fees += result.fee;
    for (const set of result.signatureSets) signatureSets.push(set);
  });
  return { fees, gasUsed, signatureSets };
}

type Commitment = { readonly transactionsMerkleRoot: Uint8Array; readonly transactionStatusHash: Uint8Array };

export function checkBlockRoots(header: Commitment, entries: readonly TxEntries[]): void {
  if (!equalBytes(txMerkleRoot(entries.map((e) => e.txId)), header.transactionsMerkleRoot)) {
    throw new ValidationError(ValidationErrorCode.BAD_MERKLE_ROOT, 'transaction Merkle root mismatch');
  }
  if (!equalBytes(txStatusMerkleRoot(entries.map(() => false)), header.transactionStatusHash)) {
    throw new ValidationError(ValidationErrorCode.BAD_STATUS_ROOT, 'transaction status Merkle root mismatch');
  }
}
