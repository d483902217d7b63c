// Admission of a batch of transactions (single submissions are batched too: admission-queue.ts),
// in chunks of CHUNK txs:
//   1. decode (DecodeError codes), the pool's duplicate check, and the protocol's stateless checks
//      (format, balance, fee and gas, every program in deferred-signature mode) at the next height;
//      then the fee-rate floor (FEE_TOO_LOW);
//   2. at once: the signature sets of the whole chunk verified in one call to the verifier (a
//      worker pool), and the spent outputs of the whole chunk read from the hot tier (one pipeline);
//      meanwhile step 1 runs for the next chunk;
//   3. synchronously, in batch order, so nothing interleaves: the stateful checks (the protocol's
//      connectTx) against the hot tier's UTXOs overlaid with the pool (outputs pending txs create are
//      spendable, outputs pending txs spend are spent: DOUBLE_SPEND), coinbase maturity at the next
//      height, then room (eviction of cheaper txs or POOL_FULL), then the pool files it;
//   4. the admitted txs' checks are filed for the validator (check-filing.ts), one Redis call a batch.
// A rejected transaction leaves the pool unchanged. A later tx of a batch may spend an earlier one's
// outputs. Admitted txs from clients and reorgs are announced (gossip); those from gossip are not.
import {
  type PassedTxCheck,
  type SignaturePair,
  type SignatureVerifier,
  type TxEntries,
  type TxSignatureSet,
  type TxValidationResult,
  type UtxoChanges,
  type UtxoEntry,
  type UtxoView,
  ValidationErrorCode,
  vmSignatureSetHolds,
  vmSignatureSetPairs,
} from '@bystack/protocol';
import { type Logger, type UtxoRecord, utxoEntryOf } from '@bystack/runtime';
import type { ChainState } from './chain-state.ts';
import { fileTxChecks, type TxCheckFiling } from './check-filing.ts';
import { MempoolError, MempoolErrorCode, toRejection } from './errors.ts';
import { hexKey } from './hex.ts';
import { type MempoolMetrics, observePool } from './metrics.ts';
import { type PoolTx, RemovalReason, type TxPool } from './pool.ts';
import type { CandidateTx, PoolChain } from './pool-chain.ts';
import type { AdmitSource, TxAnnouncer, UtxoSource } from './types.ts';

export type AdmitResult =
  | { readonly ok: true; readonly tx: PoolTx }
  | { readonly ok: false; readonly txId: Uint8Array | undefined; readonly error: MempoolError };

export type AdmissionOptions = {
  /** Chain id: the hot tier's keyspace and the metrics' label. */
  readonly chain: string;
  /** The chain's transaction rules (main or side chain). */
  readonly rules: PoolChain;
  /** Least fee per gas unit, neu. */
  readonly minFeeRate: bigint;
  readonly pool: TxPool;
  readonly state: ChainState;
  readonly utxos: UtxoSource;
  readonly verifier: SignatureVerifier;
  readonly announcer?: TxAnnouncer | undefined;
  readonly metrics: MempoolMetrics;
  readonly log: Logger;
  /** Re-reads of the hot tier when blocks arrive during one admission (default 3). */
  readonly maxRereads?: number;
};

type Reject = (index: number, txId: Uint8Array | undefined, err: unknown) => void;

type Checked = {
  readonly candidates: readonly Candidate[];
  /** Per candidate: undefined when its signatures hold, else the first failing input. */
  readonly signatures: PromiseSettledResult<(number | undefined)[]>;
  readonly utxos: PromiseSettledResult<Map<string, UtxoRecord>>;
};

type Candidate = {
  readonly index: number;
  readonly bytes: Uint8Array;
  readonly tx: CandidateTx;
  readonly entries: TxEntries;
  readonly key: string;
  /** Hex ids of `tx.consumes`, in order. */
  readonly consumes: readonly string[];
  readonly fee: bigint;
  readonly gas: number;
  readonly signatureSets: readonly TxSignatureSet[];
  /** The stateless check's outcome, filed for the validator once admitted. */
  readonly checked: TxValidationResult;
};

/** Transactions per pipelined chunk of a batch. */
const CHUNK = 256;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A spent output as the pool overlay reports it when only its spender is known. */
const SPENT_PLACEHOLDER: UtxoEntry = {
  kind: 'normal',
  height: 0n,
  assetId: new Uint8Array(32),
  amount: 0n,
  controlProgram: new Uint8Array(0),
  spent: true,
};

export class Admission {
  readonly #o: AdmissionOptions;
  readonly #maxRereads: number;
  #filing: TxCheckFiling | undefined;

  constructor(opts: AdmissionOptions) {
    this.#o = opts;
    this.#maxRereads = opts.maxRereads ?? 3;
  }

  /** Where admitted txs' checks are filed for the validator (undefined: nowhere). */
  fileChecksIn(filing: TxCheckFiling | undefined): void {
    this.#filing = filing;
  }

  /** One result per transaction, in order. Never throws for a transaction's fault. */
  async admit(raws: readonly Uint8Array[], source: AdmitSource): Promise<AdmitResult[]> {
    const { chain, metrics } = this.#o;
    const results: AdmitResult[] = new Array(raws.length);
    const reject: Reject = (index, txId, err) => {
      const error = toRejection(err);
      if (error.code === MempoolErrorCode.INTERNAL) {
        this.#o.log.error('admission failed', { err, tx: txId ? hexKey(txId) : undefined });
      }
      results[index] = { ok: false, txId, error };
    };
    metrics.mempoolAdmitBatchTxs.observe({ chain, source }, raws.length);

    // Chunks are pipelined: while the verifier threads check one chunk's signatures and Redis reads
    // its inputs, this thread runs the next chunk's stateless checks; chunks are filed in order.
    const inBatch = new Set<string>();
    const admitted: PassedTxCheck[] = [];
    let filed: Promise<void> = Promise.resolve();
    for (let from = 0; from < raws.length; from += CHUNK) {
      if (from > 0) await yieldToLoop();
      const candidates = this.#stateless(raws, from, Math.min(from + CHUNK, raws.length), inBatch, reject);
      if (candidates.length === 0) continue;
      const version = this.#o.state.version;
      const checked = this.#check(candidates);
      filed = Promise.all([filed, checked]).then(([, c]) => this.#settle(c, version, reject, results, admitted));
    }
    await filed;

    const announced: Uint8Array[] = [];
    for (const r of results) {
      if (r.ok) {
        metrics.mempoolTxAdmitted.inc({ chain, source });
        if (source !== 'gossip') announced.push(r.tx.bytes);
      } else {
        metrics.mempoolTxRejected.inc({ chain, source, code: r.error.code });
      }
    }
    if (announced.length > 0) this.#o.announcer?.announce(announced);
    if (this.#filing !== undefined) await fileTxChecks(this.#filing, admitted, this.#o.log);
    return results;
  }

  /** Decoding, duplicates, the protocol's stateless checks and the fee floor of `raws[from..to)`. */
  #stateless(raws: readonly Uint8Array[], from: number, to: number, inBatch: Set<string>, reject: Reject): Candidate[] {
    const { rules, pool, state, minFeeRate } = this.#o;
    const candidates: Candidate[] = [];
    for (let index = from; index < to; index++) {
      const raw = raws[index]!;
      const blockHeight = state.nextHeight;
      let id: Uint8Array | undefined;
      try {
        const tx = rules.decodeTx(raw);
        const entries = tx.entries;
        id = entries.txId;
        const key = hexKey(id);
        if (pool.has(key) || inBatch.has(key)) {
          throw new MempoolError(MempoolErrorCode.DUPLICATE_TX, `tx ${key} is already pending`, { txId: key });
        }
        const checked = tx.check(blockHeight);
        const { fee, gasUsed, signatureSets } = checked;
        if (fee < BigInt(gasUsed) * minFeeRate) {
          throw new MempoolError(
            MempoolErrorCode.FEE_TOO_LOW,
            `fee ${fee} for ${gasUsed} gas is below ${minFeeRate} neu per gas`,
            {
              fee: String(fee),
              gasUsed: String(gasUsed),
              minFeeRate: String(minFeeRate),
              minFee: String(BigInt(gasUsed) * minFeeRate),
            },
          );
        }
        inBatch.add(key);
        // A copy: the request's buffer (a whole batch) must not live as long as one pending tx.
        const bytes = new Uint8Array(raw);
        const consumes = tx.consumes.map(hexKey);
        candidates.push({ index, bytes, tx, entries, key, consumes, fee, gas: gasUsed, signatureSets, checked });
      } catch (err) {
        reject(index, id, err);
      }
    }
    return candidates;
  }

  /** Signatures (verifier threads) and inputs (hot tier) of a chunk, at once. */
  async #check(candidates: readonly Candidate[]): Promise<Checked> {
    const [signatures, utxos] = await Promise.allSettled([this.#verify(candidates), this.#read(candidates)]);
    return { candidates, signatures, utxos };
  }

  /** Rejects the bad signatures, reads again if blocks came in meanwhile, then files. Never throws. */
  async #settle(
    checked: Checked,
    version: number,
    reject: Reject,
    results: AdmitResult[],
    admitted: PassedTxCheck[],
  ): Promise<void> {
    const { candidates, signatures, utxos: read } = checked;
    const { state } = this.#o;
    if (signatures.status === 'rejected') {
      for (const c of candidates) reject(c.index, c.entries.txId, signatures.reason);
      return;
    }
    const valid: Candidate[] = [];
    candidates.forEach((c, i) => {
      const bad = signatures.value[i];
      if (bad === undefined) valid.push(c);
      else {
        reject(
          c.index,
          c.entries.txId,
          new MempoolError(ValidationErrorCode.BAD_SIGNATURE, `input ${bad}: bad signature`, {
            inputIndex: String(bad),
          }),
        );
      }
    });
    if (read.status === 'rejected') {
      for (const c of valid) reject(c.index, c.entries.txId, read.reason);
      return;
    }
    let utxos = read.value;
    try {
      // Blocks applied to the pool while we read: what we read may predate them; read again.
      for (let n = 0; state.version !== version && n < this.#maxRereads; n++) {
        version = state.version;
        utxos = await this.#read(valid);
      }
      this.#file(valid, utxos, reject, results, admitted);
    } catch (err) {
      for (const c of valid) if (results[c.index] === undefined) reject(c.index, c.entries.txId, err);
    }
  }

  /** Per candidate: undefined when every signature set holds, else the input of the first that fails. */
  async #verify(candidates: readonly Candidate[]): Promise<(number | undefined)[]> {
    const pairs: SignaturePair[] = [];
    const counts: number[] = [];
    for (const c of candidates) {
      for (const s of c.signatureSets) {
        const setPairs = vmSignatureSetPairs(s.set);
        counts.push(setPairs.length);
        for (const p of setPairs) pairs.push(p);
      }
    }
    const verdicts = pairs.length === 0 ? [] : await this.#o.verifier.verifyAll(pairs);
    let offset = 0;
    let set = 0;
    return candidates.map((c) => {
      let bad: number | undefined;
      for (const s of c.signatureSets) {
        const count = counts[set++]!;
        if (bad === undefined && !vmSignatureSetHolds(s.set, verdicts.slice(offset, offset + count))) {
          bad = s.inputIndex;
        }
        offset += count;
      }
      return bad;
    });
  }

  /** The hot tier's records of the outputs the candidates spend that no pending tx creates. */
  async #read(candidates: readonly Candidate[]): Promise<Map<string, UtxoRecord>> {
    const { pool, utxos, chain } = this.#o;
    const ids: Uint8Array[] = [];
    const keys: string[] = [];
    const seen = new Set<string>();
    for (const c of candidates) {
      c.tx.consumes.forEach((id, i) => {
        const key = c.consumes[i]!;
        if (seen.has(key) || pool.createdOutput(key) !== undefined) return;
        seen.add(key);
        ids.push(id);
        keys.push(key);
      });
    }
    const found = new Map<string, UtxoRecord>();
    if (ids.length === 0) return found;
    const records = await utxos.getUtxos(chain, ids);
    records.forEach((r, i) => {
      if (r !== undefined) found.set(keys[i]!, r);
    });
    return found;
  }

  /** The synchronous part: stateful checks, room, filing. */
  #file(
    candidates: readonly Candidate[],
    utxos: ReadonlyMap<string, UtxoRecord>,
    reject: Reject,
    results: AdmitResult[],
    admitted: PassedTxCheck[],
  ): void {
    const { pool, state, chain, metrics } = this.#o;
    const blockHeight = state.nextHeight;
    let current: Candidate | undefined;
    const view: UtxoView = {
      get(outputId) {
        const key = keyOf(current, outputId);
        const record = utxos.get(key);
        const entry = pool.createdOutput(key) ?? (record === undefined ? undefined : utxoEntryOf(record));
        if (pool.spenderOf(key) !== undefined)
          return entry === undefined ? SPENT_PLACEHOLDER : { ...entry, spent: true };
        return entry;
      },
    };
    const now = Date.now();
    for (const c of candidates) {
      try {
        if (pool.has(c.key)) {
          throw new MempoolError(MempoolErrorCode.DUPLICATE_TX, `tx ${c.key} is already pending`, { txId: c.key });
        }
        if (c.tx.timeRange !== 0n && c.tx.timeRange < blockHeight) {
          throw new MempoolError(MempoolErrorCode.TX_EXPIRED, `time range ${c.tx.timeRange} < height ${blockHeight}`, {
            timeRange: String(c.tx.timeRange),
            blockHeight: String(blockHeight),
          });
        }
        let changes: UtxoChanges;
        current = c;
        try {
          changes = c.tx.connect(view, blockHeight);
        } catch (err) {
          throw withConflict(err, c.entries, pool);
        }
        const spends = changes.spent.map((s) => keyOf(c, s.outputId));
        const created = new Map(changes.created.map((o) => [hexKey(o.outputId), o.entry]));
        const feeRate = Number(c.fee) / Math.max(c.gas, 1);
        const parents = pool.parentsOf(spends);
        const room = pool.planRoom(c.bytes.length, feeRate, pool.ancestorsOf(parents));
        if (!room.ok) {
          const floor = room.cheapestFeeRate ?? Number(this.#o.minFeeRate);
          throw new MempoolError(
            MempoolErrorCode.POOL_FULL,
            `pool full: ${feeRate.toFixed(2)} neu per gas does not beat the cheapest pending (${floor.toFixed(2)})`,
            { feeRate: feeRate.toFixed(2), minFeeRate: floor.toFixed(2) },
          );
        }
        for (const victim of room.victims) {
          pool.removeWithDescendants(victim.key);
          metrics.mempoolTxRemoved.inc({ chain, reason: RemovalReason.Evicted });
        }
        const tx: PoolTx = {
          key: c.key,
          id: c.entries.txId,
          bytes: c.bytes,
          fee: c.fee,
          gas: c.gas,
          feeRate,
          timeRange: c.tx.timeRange,
          spends,
          consumes: c.consumes,
          created,
          addedAt: now,
        };
        pool.add(tx);
        results[c.index] = { ok: true, tx };
        admitted.push({ bytes: c.bytes, entries: c.entries, result: c.checked });
      } catch (err) {
        reject(c.index, c.entries.txId, err);
      }
    }
    observePool(metrics, chain, pool);
  }
}

/**
 * The hex id of an output `c` consumes: connect hands back the very id arrays the tx's entries
 * hold, whose hex the candidate computed already; any other array is converted.
 */
function keyOf(c: Candidate | undefined, outputId: Uint8Array): string {
  if (c !== undefined) {
    const ids = c.tx.consumes;
    for (let i = 0; i < ids.length; i++) if (ids[i] === outputId) return c.consumes[i]!;
  }
  return hexKey(outputId);
}

/** A DOUBLE_SPEND names the pending tx that already spends the output. */
function withConflict(err: unknown, entries: TxEntries, pool: TxPool): unknown {
  const rejection = toRejection(err);
  if (rejection.code !== ValidationErrorCode.DOUBLE_SPEND) return rejection;
  const inputIndex = Number(rejection.fields.inputIndex);
  const spent = entries.spentOutputIds[inputIndex];
  const spender = spent === undefined ? undefined : pool.spenderOf(hexKey(spent));
  if (spender === undefined) return rejection;
  return new MempoolError(
    rejection.code,
    `${rejection.message} (by pending tx ${spender.key})`,
    {
      ...rejection.fields,
      conflictingTx: spender.key,
    },
    err,
  );
}
