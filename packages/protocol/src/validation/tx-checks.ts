// A block's per-transaction stateless checks (the bulk of PSWV stage 1: entry ids, the VM, gas),
// run over any range of its transactions: all of them on one thread, or slices of them on worker
// threads (tx-check-pool.ts) that block-body.ts's fold then reads in order. A range stops at its
// first failure, so the fold meets failures exactly where a sequential check would.
import { readTx } from '../chain/tx-codec.ts';
import { createTxEntries } from '../chain/tx-entries.ts';
import type { TxEntries } from '../chain/tx-graph.ts';
import type { Tx } from '../chain/types.ts';
import { ByteReader } from '../encoding/reader.ts';
import { ed25519Verify } from '../keys/ed25519.ts';
import { readSideTx } from '../sidechain/tx-codec.ts';
import { createSideTxEntries, type SideTxEntries } from '../sidechain/tx-entries.ts';
import type { SideTx } from '../sidechain/types.ts';
import type { VerifySignatureFn } from '../vm/signatures.ts';
import { checkTxFacts, type TxCheckResult } from './check-tx.ts';
import { atTxIndex, ValidationError, ValidationErrorCode } from './errors.ts';
import { mainTxFacts, mainTxSize } from './main-tx-facts.ts';
import { sideTxFacts, sideTxSize } from './side-tx-facts.ts';
import type { TxFacts, TxRules } from './tx-facts.ts';

/** Checks of consecutive transactions of a block, from the first, up to and including the first failure. */
export type TxChecks<E extends TxEntries = TxEntries> = {
  /** One per checked transaction (all of them when nothing failed). */
  readonly entries: readonly E[];
  /** One per transaction that passed. */
  readonly results: readonly TxCheckResult[];
  /** The failure of the transaction after the last that passed, if one failed. */
  readonly failure?: ValidationError | undefined;
};

/** How one chain's transactions are read and turned into entries and facts. */
export type TxChain<T, E extends TxEntries> = {
  readTx(r: ByteReader): T;
  entries(tx: T): E;
  facts(tx: T, entries: E): TxFacts;
  size(tx: T): number;
};

export const mainTxChain: TxChain<Tx, TxEntries> = {
  readTx,
  entries: createTxEntries,
  facts: mainTxFacts,
  size: mainTxSize,
};

/** `federationProgram`: the federation's witness program at the block's height (cross-chain inputs). */
export function sideTxChain(federationProgram: Uint8Array): TxChain<SideTx, SideTxEntries> {
  return {
    readTx: readSideTx,
    entries: createSideTxEntries,
    facts: (tx, entries) => sideTxFacts(tx, entries, federationProgram),
    size: sideTxSize,
  };
}

export type TxCheckPlacement = {
  readonly blockHeight: bigint;
  /** Index in the block of the first transaction checked. */
  readonly firstIndex: number;
  readonly rules: TxRules;
  /** Strict Ed25519 for programs whose checks cannot be deferred; default `ed25519Verify`. */
  readonly verify?: VerifySignatureFn | undefined;
};

/**
 * Checks `txs` (the block's transactions from `at.firstIndex` on), in order. `entries`, when given,
 * are theirs already computed. Failures other than ValidationError (a bug) are thrown.
 */
export function checkTxs<T, E extends TxEntries>(
  txs: readonly T[],
  chain: TxChain<T, E>,
  at: TxCheckPlacement,
  entries?: readonly E[],
): TxChecks<E> {
  if (entries !== undefined && entries.length !== txs.length) {
    throw new ValidationError(ValidationErrorCode.BAD_ARGUMENT, 'one entries object per transaction expected');
  }
  const verify = at.verify ?? ed25519Verify;
  const checkedEntries: E[] = [];
  const results: TxCheckResult[] = [];
  for (let i = 0; i < txs.length; i++) {
    const tx = txs[i]!;
    const txIndex = at.firstIndex + i;
    try {
      const e = entries?.[i] ?? chain.entries(tx);
      checkedEntries.push(e);
      const facts = chain.facts(tx, e);
      const placement = { blockHeight: at.blockHeight, txIndex };
      results.push(atTxIndex(txIndex, () => checkTxFacts(facts, () => chain.size(tx), placement, at.rules, verify)));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return { entries: checkedEntries, results, failure: err };
    }
  }
  return { entries: checkedEntries, results };
}

/** What a worker gets: a slice of a block's transactions as bytes, and where they sit. */
export type TxRangeJob = TxCheckPlacement & {
  readonly chain: 'main' | 'side';
  /** The transactions' serializations, back to back (as in the block). */
  readonly bytes: Uint8Array;
  readonly count: number;
  /** Side chain: the federation's witness program at the block's height. */
  readonly federationProgram?: Uint8Array | undefined;
};

/** Decodes and checks a job's transactions (on a worker thread). */
export function checkTxRange(job: TxRangeJob): TxChecks {
  const r = new ByteReader(job.bytes);
  if (job.chain === 'side') {
    const chain = sideTxChain(job.federationProgram ?? new Uint8Array(0));
    const txs = Array.from({ length: job.count }, () => chain.readTx(r));
    r.expectEnd();
    return checkTxs(txs, chain, job);
  }
  const txs = Array.from({ length: job.count }, () => readTx(r));
  r.expectEnd();
  return checkTxs(txs, mainTxChain, job);
}
