// The parts of block validation both chains share (Bytom v1.1.1 `protocol/validation/block.go`
// ValidateBlockHeader / ValidateBlock, Vapor alike): the links to the parent, every transaction's
// stateless checks folded in order under the block gas limit, and the two Merkle roots. Every accepted
// transaction succeeded, so the status tree has only success leaves.
import { txMerkleRoot, txStatusMerkleRoot } from '../chain/merkle-roots.ts';
import type { TxEntries } from '../chain/tx-graph.ts';
import { equalBytes } from '../encoding/bytes.ts';
import type { VerifySignatureFn } from '../vm/signatures.ts';
import { ValidationError, ValidationErrorCode } from './errors.ts';
import type { TxSignatureSet } from './signature-sets.ts';
import { checkTxs, type TxChain, type TxChecks } from './tx-checks.ts';
import { checkTxsWithFiled } from './tx-checks-filed.ts';
import type { TxCheckRecord } from './tx-checks-pack.ts';
import type { TxRules } from './tx-facts.ts';

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

/** What both chains' stage 1 passes to checkBlockTxs. */
export type BlockTxsContext<E extends TxEntries> = {
  readonly blockHeight: bigint;
  readonly rules: TxRules;
  /** Checks already run (a TxCheckPool's), else run here with `entries` if given. */
  readonly txChecks?: TxChecks | undefined;
  /** Records the mempool filed for some of the transactions (by index): those are not run again. */
  readonly filed?: readonly (TxCheckRecord<E> | undefined)[] | undefined;
  readonly entries?: readonly E[] | undefined;
  readonly verify?: VerifySignatureFn | undefined;
};

/** Every transaction of a block checked (here, unless a pool did) and folded: entries and totals. */
export function checkBlockTxs<
  T extends { readonly inputs: readonly { readonly type: string }[]; readonly timeRange: bigint },
  E extends TxEntries,
>(
  transactions: readonly T[],
  chain: TxChain<T, E>,
  ctx: BlockTxsContext<E>,
): BlockTxsResult & { readonly entries: readonly E[] } {
  const at = { blockHeight: ctx.blockHeight, rules: ctx.rules, verify: ctx.verify };
  const checks = (ctx.txChecks ??
    (ctx.filed
      ? checkTxsWithFiled(transactions, chain, at, ctx.filed)
      : checkTxs(transactions, chain, { ...at, firstIndex: 0 }, ctx.entries))) as TxChecks<E>;
  const firstIsCoinbase = transactions[0]?.inputs[0]?.type === 'coinbase';
  const body = foldBlockTxs(checks, transactions.length, firstIsCoinbase, ctx.rules.gas.maxBlockGas);
  return { ...body, entries: checks.entries };
}

/**
 * A block's transactions' checks (tx-checks.ts, on this thread or a pool's) folded in order: the
 * first must be the coinbase, the block gas limit holds at every step, and the first failed
 * transaction rejects the block.
 */
export function foldBlockTxs(
  checks: TxChecks,
  txCount: number,
  firstIsCoinbase: boolean,
  maxBlockGas: number,
): BlockTxsResult {
  if (!firstIsCoinbase) {
    throw new ValidationError(ValidationErrorCode.BAD_COINBASE, 'the first transaction is not a coinbase', {
      reason: 'no coinbase',
    });
  }
  let fees = 0n;
  let gasUsed = 0;
  const signatureSets: TxSignatureSet[] = [];
  checks.results.forEach((result, txIndex) => {
    gasUsed += result.gasUsed;
    if (gasUsed > maxBlockGas) {
      throw new ValidationError(ValidationErrorCode.BLOCK_GAS_EXCEEDED, `block gas over ${maxBlockGas}`, { txIndex });
    }
    fees += result.fee;
    for (const set of result.signatureSets) signatureSets.push(set);
  });
  if (checks.failure) throw checks.failure;
  if (checks.results.length !== txCount || checks.entries.length !== txCount) {
    throw new ValidationError(ValidationErrorCode.BAD_ARGUMENT, `checks of ${checks.results.length} of ${txCount} txs`);
  }
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
