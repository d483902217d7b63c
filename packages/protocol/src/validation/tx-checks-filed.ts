// Stateless checks once per node: the mempool files each transaction it admits (stateless checks
// passed, signatures verified) as a record (tx-checks-pack.ts: its entries and result) under
// `filedTxCheckKey`, and the validator's stage 1 takes a block's filed records instead of checking
// those transactions again (`checkTxsWithFiled`). The key is SHA-256 of the rules' fingerprint and
// the transaction's wire bytes: a record can only stand for a transaction with exactly those bytes,
// checked under exactly those rules. What else the outcome depends on is the placement:
//   - the block height: the time range, checked again here (`checkTimeRange`), and programs that
//     read it (BLOCKHEIGHT), whose transactions are never filed (`isFilable`);
//   - the index in the block: only the coinbase's (index 0) differs from a loose transaction's, and
//     the coinbase is never taken from a record; signature sets carry the index, and a record's
//     are dropped, since its signatures were verified on this node when it was filed.
import { createHash, hash } from 'node:crypto';
import type { TxEntries } from '../chain/tx-graph.ts';
import type { SideChainParams } from '../config/devnet.ts';
import type { MainChainParams } from '../config/params.ts';
import { checkTimeRange, type TxCheckResult } from './check-tx.ts';
import { atTxIndex, ValidationError } from './errors.ts';
import { mainTxRules } from './main-tx-facts.ts';
import { sideTxRules } from './side-tx-facts.ts';
import { checkTxs, type TxChain, type TxCheckPlacement, type TxChecks } from './tx-checks.ts';
import { packTxCheckRecords, type TxCheckRecord } from './tx-checks-pack.ts';

/** Bumped when what a record means changes (its layout, or a rule the fingerprint does not name). */
const FILED_FORMAT = 'bystack filed tx checks 1';

/**
 * What a transaction's stateless outcome depends on besides its bytes and placement: the chain, its
 * transaction rules, and on a side chain the federation's program (peg-ins).
 */
export function txChecksFingerprint(
  params: MainChainParams | SideChainParams,
  federationProgram?: Uint8Array | undefined,
): Uint8Array {
  const rules =
    params.kind === 'side' ? sideTxRules(params, params.consensus.minVoteOutputAmount) : mainTxRules(params);
  const federation = params.kind === 'side' ? Buffer.from(federationProgram ?? []).toString('hex') : '';
  return createHash('sha256')
    .update(JSON.stringify([FILED_FORMAT, params.chainId, params.kind, canonical(rules), federation]))
    .digest();
}

/** Plain data with sorted keys and bigints as strings: the same text in every process. */
function canonical(value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(canonical);
  const object = value as Record<string, unknown>;
  return Object.keys(object)
    .sort()
    .map((k) => [k, canonical(object[k])]);
}

/** The key of a transaction's record (in its rules' fingerprint's space): SHA-256 of its wire bytes. */
export function filedTxCheckKey(txBytes: Uint8Array): Uint8Array {
  return hash('sha256', txBytes, 'buffer');
}

/** Whether a passed check may be filed: its outcome is the same at any height but for the time range. */
export function isFilable(result: TxCheckResult): boolean {
  return result.readsBlockHeight !== true;
}

/** A transaction that passed its stateless checks (and whose signatures were verified). */
export type PassedTxCheck = { readonly bytes: Uint8Array; readonly entries: TxEntries; readonly result: TxCheckResult };

/**
 * What the mempool files for transactions it admitted: the key and packed record of each filable
 * one, without its signature sets (a record stands for signatures verified on this node).
 */
export function txCheckFilings(passed: readonly PassedTxCheck[]): { key: Uint8Array; value: Uint8Array }[] {
  const filable = passed.filter((p) => isFilable(p.result));
  const values = packTxCheckRecords(
    filable.map(({ entries, result }) => ({
      entries,
      result: { fee: result.fee, gasUsed: result.gasUsed, signatureSets: [] },
    })),
  );
  return filable.map((p, i) => ({ key: filedTxCheckKey(p.bytes), value: values[i]! }));
}

/**
 * A block's transaction checks where `filed[i]` (undefined: none) is a filed record of transaction
 * i: the same entries, results and first failure as `checkTxs` over the whole block (from index 0),
 * except that a record's result has no signature sets (verified when it was filed). The others are
 * checked here, each run of them in one `checkTxs`.
 */
export function checkTxsWithFiled<T extends { readonly timeRange: bigint }, E extends TxEntries>(
  txs: readonly T[],
  chain: TxChain<T, E>,
  at: Omit<TxCheckPlacement, 'firstIndex'>,
  filed: readonly (TxCheckRecord<E> | undefined)[],
): TxChecks<E> {
  const entries: E[] = [];
  const results: TxCheckResult[] = [];
  let i = 0;
  while (i < txs.length) {
    const record = i === 0 ? undefined : filed[i];
    if (record !== undefined) {
      entries.push(record.entries);
      try {
        atTxIndex(i, () => checkTimeRange(txs[i]!.timeRange, at.blockHeight));
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        return { entries, results, failure: err };
      }
      results.push({ fee: record.result.fee, gasUsed: record.result.gasUsed, signatureSets: [] });
      i++;
      continue;
    }
    let end = i + 1;
    while (end < txs.length && filed[end] === undefined) end++;
    const run = checkTxs(txs.slice(i, end), chain, { ...at, firstIndex: i });
    for (const e of run.entries) entries.push(e);
    for (const r of run.results) results.push(r);
    if (run.failure) return { entries, results, failure: run.failure };
    i = end;
  }
  return { entries, results };
}
