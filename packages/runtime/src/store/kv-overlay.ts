// A KvWriter that records writes in memory over a read snapshot instead of writing to the engine:
// the commit logic's reads see the snapshot plus the writes it made so far (its own creations,
// deletions and meta updates), and the engine applies the recorded writes afterwards, in call
// order, in one atomic batch. Used by the LMDB engine to run a block commit's logic on the main
// thread against a snapshot and hand every write to lmdb-js's write thread (lmdb.ts says why).
//
// Cheap on purpose (it runs on the main thread for ~30,000 writes per 5,000-tx block): writes go to
// an append-only log; a table gets a key index only once the logic reads it (the UTXO, main-chain
// and meta tables do; the program index, bodies, tx locations and journal are only written).
import { bytesKey } from '../bytes.ts';
import type { KvReader, KvTable, KvWriter } from './kv-engine.ts';

/** The snapshot under the overlay; `has` can skip copying the value out (insert only asks whether a key exists). */
export interface SnapshotReader extends KvReader {
  has(table: KvTable, key: Uint8Array): boolean;
}

/** A deletion in a table's index (distinct from "not written", which is absent from the index). */
const DELETED = Symbol('deleted');
type Indexed = Uint8Array | typeof DELETED;

function compareKeys(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

export class OverlayWriter implements KvWriter {
  private readonly snapshot: SnapshotReader;
  /** The write log, in call order: table, key, value (undefined: a deletion). */
  private readonly logTables: KvTable[] = [];
  private readonly logKeys: Uint8Array[] = [];
  private readonly logValues: (Uint8Array | undefined)[] = [];
  /** The latest write per key, for the tables the logic has read. */
  private readonly indexes = new Map<KvTable, Map<string, Indexed>>();

  constructor(snapshot: SnapshotReader) {
    this.snapshot = snapshot;
  }

  /** How many writes were recorded (0: nothing to commit). */
  get size(): number {
    return this.logKeys.length;
  }

  /** Calls `visit` for every recorded write in call order (value undefined: a deletion). */
  forEachWrite(visit: (table: KvTable, key: Uint8Array, value: Uint8Array | undefined) => void): void {
    for (let i = 0; i < this.logKeys.length; i++) visit(this.logTables[i]!, this.logKeys[i]!, this.logValues[i]);
  }

  get(table: KvTable, key: Uint8Array): Uint8Array | undefined {
    const own = this.index(table).get(bytesKey(key));
    if (own === undefined) return this.snapshot.get(table, key);
    return own === DELETED ? undefined : own;
  }

  range(table: KvTable, start: Uint8Array, end: Uint8Array, limit: number): [Uint8Array, Uint8Array][] {
    const index = this.index(table);
    const own = new Map<string, [Uint8Array, Uint8Array | undefined]>();
    this.forEachWrite((t, k, v) => {
      if (t === table && compareKeys(k, start) >= 0 && compareKeys(k, end) < 0) own.set(bytesKey(k), [k, v]);
    });
    // Each written key hides at most one snapshot entry, so this many snapshot entries suffice.
    const fromSnapshot = this.snapshot
      .range(table, start, end, Math.min(limit + own.size, Number.MAX_SAFE_INTEGER))
      .filter(([k]) => !index.has(bytesKey(k)));
    const merged = fromSnapshot;
    for (const [k, v] of own.values()) if (v) merged.push([k, v]);
    return merged.sort(([a], [b]) => compareKeys(a, b)).slice(0, limit);
  }

  put(table: KvTable, key: Uint8Array, value: Uint8Array): void {
    this.record(table, key, value);
  }

  insert(table: KvTable, key: Uint8Array, value: Uint8Array): boolean {
    const index = this.index(table);
    const k = bytesKey(key);
    const own = index.get(k);
    if (own === undefined ? this.snapshot.has(table, key) : own !== DELETED) return false;
    this.log(table, key, value);
    index.set(k, value);
    return true;
  }

  del(table: KvTable, key: Uint8Array): void {
    this.record(table, key, undefined);
  }

  private record(table: KvTable, key: Uint8Array, value: Uint8Array | undefined): void {
    this.log(table, key, value);
    this.indexes.get(table)?.set(bytesKey(key), value ?? DELETED);
  }

  private log(table: KvTable, key: Uint8Array, value: Uint8Array | undefined): void {
    this.logTables.push(table);
    this.logKeys.push(key);
    this.logValues.push(value);
  }

  /** The table's index, built from the log on its first read and kept up to date after. */
  private index(table: KvTable): Map<string, Indexed> {
    let index = this.indexes.get(table);
    if (!index) {
      index = new Map();
      for (let i = 0; i < this.logKeys.length; i++) {
        if (this.logTables[i] === table) index.set(bytesKey(this.logKeys[i]!), this.logValues[i] ?? DELETED);
      }
      this.indexes.set(table, index);
    }
    return index;
  }
}
