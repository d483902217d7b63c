// TxChecks across threads: a worker's entries and results packed into one ArrayBuffer (transferred,
// not cloned: structured cloning thousands of small Uint8Arrays costs more than the checks it
// saves). Unpacked byte strings are views into that buffer. Numbers are little-endian. The
// failure, rare, travels beside it as plain data. The same layout, one transaction a record, is
// what the mempool files for the validator (tx-checks-filed.ts).
import type { TxEntries } from '../chain/tx-graph.ts';
import type { AssetAmount } from '../chain/types.ts';
import type { SideTxEntries } from '../sidechain/tx-entries.ts';
import type { VmSignatureSet } from '../vm/signatures.ts';
import type { TxCheckResult } from './check-tx.ts';
import type { TxSignatureSet } from './signature-sets.ts';
import type { TxChecks } from './tx-checks.ts';

/** A TxEntries, with a side chain's mainchainOutputIds when it has them. */
type AnyEntries = TxChecks['entries'][number] & Partial<Pick<SideTxEntries, 'mainchainOutputIds'>>;

class Packer {
  #buf = new ArrayBuffer(1 << 16);
  #bytes = new Uint8Array(this.#buf);
  #view = new DataView(this.#buf);
  #at = 0;

  get at(): number {
    return this.#at;
  }

  #room(n: number): void {
    if (this.#at + n <= this.#buf.byteLength) return;
    let size = this.#buf.byteLength * 2;
    while (size < this.#at + n) size *= 2;
    const bigger = new ArrayBuffer(size);
    new Uint8Array(bigger).set(this.#bytes.subarray(0, this.#at));
    this.#buf = bigger;
    this.#bytes = new Uint8Array(bigger);
    this.#view = new DataView(bigger);
  }

  u32(v: number): void {
    this.#room(4);
    this.#view.setUint32(this.#at, v, true);
    this.#at += 4;
  }

  i64(v: bigint): void {
    this.#room(8);
    this.#view.setBigInt64(this.#at, v, true);
    this.#at += 8;
  }

  f64(v: number): void {
    this.#room(8);
    this.#view.setFloat64(this.#at, v, true);
    this.#at += 8;
  }

  bytes(b: Uint8Array): void {
    this.u32(b.length);
    this.#room(b.length);
    this.#bytes.set(b, this.#at);
    this.#at += b.length;
  }

  /** Absent as length 0xffffffff. */
  optional(b: Uint8Array | undefined): void {
    if (b === undefined) this.u32(0xffffffff);
    else this.bytes(b);
  }

  list(items: readonly Uint8Array[]): void {
    this.u32(items.length);
    for (const b of items) this.bytes(b);
  }

  optionalList(items: readonly (Uint8Array | undefined)[] | undefined): void {
    if (items === undefined) {
      this.u32(0xffffffff);
      return;
    }
    this.u32(items.length);
    for (const b of items) this.optional(b);
  }

  done(): ArrayBuffer {
    return this.#buf.slice(0, this.#at);
  }
}

class Unpacker {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #at = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u32(): number {
    const v = this.#view.getUint32(this.#at, true);
    this.#at += 4;
    return v;
  }

  i64(): bigint {
    const v = this.#view.getBigInt64(this.#at, true);
    this.#at += 8;
    return v;
  }

  f64(): number {
    const v = this.#view.getFloat64(this.#at, true);
    this.#at += 8;
    return v;
  }

  #take(n: number): Uint8Array {
    if (this.#at + n > this.#bytes.length) throw new RangeError('packed tx checks end early');
    const b = this.#bytes.subarray(this.#at, this.#at + n);
    this.#at += n;
    return b;
  }

  bytes(): Uint8Array {
    return this.#take(this.u32());
  }

  optional(): Uint8Array | undefined {
    const n = this.u32();
    return n === 0xffffffff ? undefined : this.#take(n);
  }

  list(): Uint8Array[] {
    const n = this.u32();
    const items: Uint8Array[] = [];
    for (let i = 0; i < n; i++) items.push(this.bytes());
    return items;
  }

  optionalList(): (Uint8Array | undefined)[] | undefined {
    const n = this.u32();
    if (n === 0xffffffff) return undefined;
    const items: (Uint8Array | undefined)[] = [];
    for (let i = 0; i < n; i++) items.push(this.optional());
    return items;
  }

  end(): void {
    if (this.#at !== this.#bytes.length) throw new RangeError('packed tx checks have trailing bytes');
  }
}

function packSet(p: Packer, { txIndex, inputIndex, set }: TxSignatureSet): void {
  p.u32(txIndex);
  p.u32(inputIndex);
  if (set.kind === 'single') {
    p.u32(0);
    p.bytes(set.publicKey);
    p.bytes(set.message);
    p.bytes(set.signature);
  } else {
    p.u32(1);
    p.list(set.publicKeys);
    p.bytes(set.message);
    p.list(set.signatures);
  }
}

function unpackSet(u: Unpacker): TxSignatureSet {
  const txIndex = u.u32();
  const inputIndex = u.u32();
  const set: VmSignatureSet =
    u.u32() === 0
      ? { kind: 'single', publicKey: u.bytes(), message: u.bytes(), signature: u.bytes() }
      : { kind: 'orderedMultisig', publicKeys: u.list(), message: u.bytes(), signatures: u.list() };
  return { txIndex, inputIndex, set };
}

function packEntries(p: Packer, e: AnyEntries): void {
  p.bytes(e.txId);
  p.bytes(e.muxId);
  p.list(e.inputIds);
  p.u32(e.inputValues.length);
  for (const v of e.inputValues) {
    p.bytes(v.assetId);
    p.i64(v.amount);
  }
  p.optionalList(e.spentOutputIds);
  p.list(e.outputIds);
  p.list(e.sigHashes);
  p.optionalList(e.mainchainOutputIds);
}

function unpackEntries(u: Unpacker): AnyEntries {
  const txId = u.bytes();
  const muxId = u.bytes();
  const inputIds = u.list();
  const inputValues: AssetAmount[] = [];
  for (let n = u.u32(), i = 0; i < n; i++) inputValues.push({ assetId: u.bytes(), amount: u.i64() });
  const spentOutputIds = u.optionalList() ?? [];
  const outputIds = u.list();
  const sigHashes = u.list();
  const mainchainOutputIds = u.optionalList();
  const e = { txId, muxId, inputIds, inputValues, spentOutputIds, outputIds, sigHashes };
  return mainchainOutputIds === undefined ? e : { ...e, mainchainOutputIds };
}

function packResult(p: Packer, r: TxCheckResult): void {
  p.i64(r.fee);
  p.f64(r.gasUsed);
  p.u32(r.signatureSets.length);
  for (const s of r.signatureSets) packSet(p, s);
}

function unpackResult(u: Unpacker): TxCheckResult {
  const fee = u.i64();
  const gasUsed = u.f64();
  const signatureSets: TxSignatureSet[] = [];
  for (let n = u.u32(), i = 0; i < n; i++) signatureSets.push(unpackSet(u));
  return { fee, gasUsed, signatureSets };
}

/** The entries and results of `checks` (not its failure) as one buffer. */
export function packTxChecks(checks: TxChecks): ArrayBuffer {
  const p = new Packer();
  p.u32(checks.entries.length);
  for (const e of checks.entries as readonly AnyEntries[]) packEntries(p, e);
  p.u32(checks.results.length);
  for (const r of checks.results) packResult(p, r);
  return p.done();
}

/** The inverse of packTxChecks (views into `buffer`), with the failure that travelled beside it. */
export function unpackTxChecks(buffer: ArrayBuffer, failure?: TxChecks['failure']): TxChecks {
  const u = new Unpacker(new Uint8Array(buffer));
  const entries = Array.from({ length: u.u32() }, () => unpackEntries(u));
  const results = Array.from({ length: u.u32() }, () => unpackResult(u));
  u.end();
  return failure === undefined ? { entries, results } : { entries, results, failure };
}

/** One transaction's passed check: its entries and its result. */
export type TxCheckRecord<E extends TxEntries = TxEntries> = { readonly entries: E; readonly result: TxCheckResult };

/** Each record packed on its own (views into one buffer, so a batch costs one allocation). */
export function packTxCheckRecords(records: readonly TxCheckRecord[]): Uint8Array[] {
  const p = new Packer();
  const ends: number[] = [];
  for (const r of records) {
    packEntries(p, r.entries);
    packResult(p, r.result);
    ends.push(p.at);
  }
  const bytes = new Uint8Array(p.done());
  return ends.map((end, i) => bytes.subarray(ends[i - 1] ?? 0, end));
}

/** The inverse of packTxCheckRecords for one record (views into `bytes`); RangeError if malformed. */
export function unpackTxCheckRecord(bytes: Uint8Array): TxCheckRecord {
  const u = new Unpacker(bytes);
  const entries = unpackEntries(u);
  const result = unpackResult(u);
  u.end();
  return { entries, result };
}
