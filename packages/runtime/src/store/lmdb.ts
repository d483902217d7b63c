// The default durable tier on one machine: LMDB (lmdb-js, prebuilt binary).
//
// Why LMDB (measured by bench/store.bench.ts on this 2-core machine: a block of 5,000 txs = 5,000
// spends + 10,000 creates with undo reads, 5,000 tx locations, a 1.2 MB body and the journal, on a
// 50,000-output set, every commit synced to disk; both engines run the same store logic):
//   - speed: LMDB ~96-101 ms per block, node:sqlite (WAL, synchronous=FULL) ~171-185 ms: 1.8x.
//     Lookups are zero-SQL reads from a memory map (~0.6 M outputs/s in 1,000-id batches).
//   - processes: exactly the node's model. ONE writer at a time across all processes of the node
//     (validator commits; bbft's signer records), serialized by LMDB's inter-process lock, which a
//     writer killed mid-transaction releases, leaving nothing half-written; MANY readers in other
//     processes (mempool, APIs) that never block and never see half a transaction (MVCC snapshots).
//     test/store/lmdb.test.ts shows a reader process, a second writer process and a SIGKILLed writer.
//   - recovery: none needed after a crash (copy-on-write B+tree, no log to replay).
//   node:sqlite passes the same conformance suite (sqlite.ts) and stays as the alternative; LevelDB
//   was not measured: it allows one process per database, which rules it out for a multi-process node.
//
// How it is used: every write is `transactionSync`, which runs the whole block commit (reads, checks,
// writes) under LMDB's write lock and returns once the commit is flushed to disk. lmdb-js's async
// `transaction(callback)` is not used: its callback runs through a N-API thread-safe call that never
// fired on this machine (the promise never settles), while the synchronous form is reliable. The
// event loop is blocked for the commit (~100 ms per 5,000-tx block), which suits the validator's
// in-order stage 2. Reads use an explicit read transaction so a batch lookup is one snapshot.
import { open } from 'lmdb';
import { StoreError, StoreErrorCode } from './errors.ts';
import { KV_TABLES, type KvEngine, type KvReader, type KvTable, type KvWriter } from './kv-engine.ts';
import { KvDurableStore } from './kv-store.ts';
import type { DurableStore } from './types.ts';

export type LmdbStoreOptions = {
  /** Directory of the LMDB environment (created if missing). Every process of the node opens the same one. */
  readonly path: string;
  /** Initial map size in bytes (LMDB grows it as needed); default left to lmdb-js. */
  readonly mapSize?: number;
  /** Maximum concurrent read transactions across processes (LMDB default 126). */
  readonly maxReaders?: number;
};

type Db = ReturnType<typeof open<Uint8Array, Uint8Array>>;
type ReadTxn = ReturnType<Db['useReadTransaction']>;

class LmdbEngine implements KvEngine {
  readonly kind = 'lmdb';
  private readonly root: Db;
  private readonly dbs: Map<KvTable, Db>;
  private readonly writer: KvWriter;

  constructor(opts: LmdbStoreOptions) {
    this.root = open<Uint8Array, Uint8Array>({
      path: opts.path,
      maxDbs: KV_TABLES.length + 4,
      keyEncoding: 'binary',
      encoding: 'binary',
      ...(opts.mapSize !== undefined ? { mapSize: opts.mapSize } : {}),
      ...(opts.maxReaders !== undefined ? { maxReaders: opts.maxReaders } : {}),
    });
    this.dbs = new Map(
      KV_TABLES.map((name) => [name, this.root.openDB({ name, keyEncoding: 'binary', encoding: 'binary' }) as Db]),
    );
    const db = (t: KvTable) => this.dbs.get(t)!;
    // Inside transactionSync, reads without an explicit transaction see the write transaction.
    this.writer = {
      get: (t, k) => plain(db(t).get(k)),
      range: (t, start, end, limit) => collect(db(t), start, end, limit, undefined),
      put: (t, k, v) => db(t).putSync(k, v),
      insert: (t, k, v) => db(t).putSync(k, v, { noOverwrite: true }) as unknown as boolean,
      del: (t, k) => {
        db(t).removeSync(k);
      },
    };
  }

  read<T>(fn: (reader: KvReader) => T): T {
    const txn = this.root.useReadTransaction();
    try {
      return fn({
        get: (t, k) => plain(this.dbs.get(t)!.get(k, { transaction: txn })),
        range: (t, start, end, limit) => collect(this.dbs.get(t)!, start, end, limit, txn),
      });
    } finally {
      txn.done();
    }
  }

  async write<T>(fn: (writer: KvWriter) => T): Promise<T> {
    const result = this.root.transactionSync(() => fn(this.writer));
    await this.root.flushed;
    return result;
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}

function collect(
  db: Db,
  start: Uint8Array,
  end: Uint8Array,
  limit: number,
  transaction: ReadTxn | undefined,
): [Uint8Array, Uint8Array][] {
  const out: [Uint8Array, Uint8Array][] = [];
  const opts = transaction ? { start, end, limit, transaction } : { start, end, limit };
  for (const { key, value } of db.getRange(opts)) out.push([plain(key)!, plain(value)!]);
  return out;
}

/** lmdb-js returns a fresh Buffer per read; the store hands out plain Uint8Arrays (same memory). */
function plain(b: Uint8Array | undefined): Uint8Array | undefined {
  return b && new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Opens (or creates) the LMDB durable store at `opts.path`. Safe to open from several processes. */
export async function createLmdbStore(opts: LmdbStoreOptions): Promise<DurableStore> {
  if (typeof opts?.path !== 'string' || opts.path === '') {
    throw new StoreError(StoreErrorCode.InvalidConfig, 'lmdb store needs a path', { setting: 'path' });
  }
  try {
    return new KvDurableStore(new LmdbEngine(opts));
  } catch (err) {
    throw new StoreError(
      StoreErrorCode.Backend,
      `cannot open lmdb store at ${opts.path}: ${(err as Error).message}`,
      { setting: 'path' },
      { cause: err },
    );
  }
}
