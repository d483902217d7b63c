// The default durable tier on one machine: LMDB (lmdb-js, prebuilt binary).
//
// Why LMDB (measured by bench/store.bench.ts on this 2-core machine: a block of 5,000 txs = 5,000
// spends + 10,000 creates with undo reads, 5,000 tx locations, a 1.2 MB body and the journal, on a
// 50,000-output set, every commit synced to disk; both engines run the same store logic):
//   - speed: LMDB ~96-101 ms per block, node:sqlite (WAL, synchronous=FULL) ~171-185 ms: 1.8x
//     (measured with the `locked` write path, on a quiet machine).
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
// How a write runs (`batched`, the default): the store's logic (kv-store.ts: tip checks, UTXO
// checks and undo reads, encodings) runs on the main thread against ONE read snapshot through an
// overlay (kv-overlay.ts), so it sees the snapshot plus its own earlier writes; every write is then
// queued in the same event turn as lmdb-js async puts/removes, which lmdb-js's write thread executes
// in one transaction (a conditional block is never split across transactions) and the promise
// resolves once it is committed and flushed. If the logic throws, nothing was queued.
//   Why: `transactionSync` (the former path, still there as `locked`) did every B-tree write and the
//   commit on the main thread too; the validator's event loop was blocked ~110-160 ms per 5,000-tx
//   block. Measured by bench/store.bench.ts, both paths on the same blocks, interleaved, on this
//   2-core machine while other benchmarks ran (load 3.5-6, so absolute ms are high and noisy):
//   main thread until commitBlock returns 123-184 ms batched vs 159-254 ms locked (1.3-1.6x less);
//   event loop busy over the whole commit (adds lmdb-js resolving ~30,000 queued writes) 1.2-1.3x
//   less; latency until durable 1.17-1.36x MORE (the write thread re-walks the B-tree after the
//   logic instead of interleaving with it). The logic itself (encodings, ~15,000 snapshot reads,
//   the overlay's key index) stays on the main thread and is most of what is left (~85-95 ms of
//   it; queueing the ~30,000 writes ~8-12 ms).
//   So it pays off when the caller uses the freed main thread (e.g. validates the next block while
//   a commit is in flight); a caller that only awaits commit after commit gets 20-35% more commit
//   latency (services/validator/bench/validate.bench.ts, which does that, showed no difference
//   beyond its noise: warm 281-299 ms vs 257-299 ms per 5,000-tx block on the quietest runs).
// Other processes (bbft's signer records, a second validator by mistake): the logic's reads happen
// before the write lock is taken, so another process may commit in between. Every write declares
// its scopes (the store's chains); each scope has a guard entry (`_write_guard` db, lmdb-js
// versions) that every write to the scope bumps in its own transaction, on both paths. The batch is
// nested in lmdb-js conditional blocks `ifVersion(guard, version read in the snapshot)` (or
// `ifNoExists` for a scope never written), so it is skipped whole if any scope moved; a skipped
// batch reruns `locked` (the logic under the write lock: it cannot conflict), which throws the
// typed StoreError the new state calls for (e.g. NotChildOfTip) or commits. bbft writes its own
// keyspaces, so it never conflicts with the validator's commits.
// lmdb-js's async `transaction(callback)` is not used: its callback runs through a N-API
// thread-safe call that never fires on this machine (re-checked with lmdb 3.5.6: the promise never
// settles); plain async put/remove and conditional blocks do resolve. Reads use an explicit read
// transaction so a batch lookup is one snapshot.
import { open } from 'lmdb';
import { StoreError, StoreErrorCode } from './errors.ts';
import { KV_TABLES, type KvEngine, type KvReader, type KvTable, type KvWriter } from './kv-engine.ts';
import { OverlayWriter, type SnapshotReader } from './kv-overlay.ts';
import { KvDurableStore } from './kv-store.ts';
import type { DurableStore } from './types.ts';

/**
 * How a write transaction runs. `batched` (default): the logic against a read snapshot, its writes
 * queued as lmdb-js async puts and committed on lmdb-js's write thread under a version guard.
 * `locked`: the whole transaction in `transactionSync` on the main thread (the former path; the bench
 * compares the two, and `batched` falls back to it when its guard finds another writer).
 */
export type LmdbCommitMode = 'batched' | 'locked';

/** Test hooks into a batched write (crash and race tests); production code leaves them unset. */
export type LmdbCommitHooks = {
  /** After the logic ran on its snapshot, before its writes are queued. */
  readonly afterReads?: () => void | Promise<void>;
  /** Right after the writes are queued (they commit on the write thread after this returns). */
  readonly afterQueue?: () => void;
  /** The guard found that another write to `scopes` committed after the snapshot; the write reruns locked. */
  readonly onConflict?: (scopes: readonly string[]) => void;
};

export type LmdbStoreOptions = {
  /** Directory of the LMDB environment (created if missing). Every process of the node opens the same one. */
  readonly path: string;
  /** Initial map size in bytes (LMDB grows it as needed); default left to lmdb-js. */
  readonly mapSize?: number;
  /** Maximum concurrent read transactions across processes (LMDB default 126). */
  readonly maxReaders?: number;
  /** Default `batched`; see LmdbCommitMode. */
  readonly commitMode?: LmdbCommitMode;
  readonly hooks?: LmdbCommitHooks;
};

type Db = ReturnType<typeof open<Uint8Array, Uint8Array>>;
type ReadTxn = ReturnType<Db['useReadTransaction']>;
type FastGet = { getBinaryFast(key: Uint8Array, options: { transaction: ReadTxn }): Uint8Array | undefined };

/** The scope guards' database: scope name -> empty value whose lmdb-js version counts the scope's writes. */
const GUARD_DB = '_write_guard';
const EMPTY = Buffer.alloc(0);
const utf8 = new TextEncoder();

/** A snapshot run of a write's logic: its result, its recorded writes, the guard versions it read. */
type Plan<T> = { result: T; overlay: OverlayWriter; versions: (number | undefined)[] };

class LmdbEngine implements KvEngine {
  readonly kind = 'lmdb';
  private readonly root: Db;
  private readonly dbs: Map<KvTable, Db>;
  private readonly guard: Db;
  private readonly lockedWriter: KvWriter;
  private readonly mode: LmdbCommitMode;
  private readonly hooks: LmdbCommitHooks;
  /** The last write of this process still under way: the next one starts after it settles. */
  private tail: Promise<unknown> | undefined;

  constructor(opts: LmdbStoreOptions) {
    this.mode = opts.commitMode ?? 'batched';
    this.hooks = opts.hooks ?? {};
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
    this.guard = this.root.openDB({
      name: GUARD_DB,
      keyEncoding: 'binary',
      encoding: 'binary',
      useVersions: true,
    }) as Db;
    const db = (t: KvTable) => this.dbs.get(t)!;
    // Inside transactionSync, reads without an explicit transaction see the write transaction.
    this.lockedWriter = {
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
      return fn(this.snapshotReader(txn));
    } finally {
      txn.done();
    }
  }

  /**
   * This process's writes run one after another (each reads what the one before wrote); when none is
   * under way, the logic runs and the writes are queued before this returns.
   */
  write<T>(fn: (writer: KvWriter) => T, scopes: readonly string[]): Promise<T> {
    const run = () => (this.mode === 'locked' ? this.writeLocked(fn, scopes) : this.writeBatched(fn, scopes));
    const result = this.tail ? this.tail.then(run) : run();
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tail = tail;
    void tail.then(() => {
      if (this.tail === tail) this.tail = undefined;
    });
    return result;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.root.close();
  }

  private async writeBatched<T>(fn: (writer: KvWriter) => T, scopes: readonly string[]): Promise<T> {
    const plan = this.runOnSnapshot(fn, scopes);
    if (plan.overlay.size > 0) {
      if (this.hooks.afterReads) await this.hooks.afterReads();
      const committed = this.queueGuarded(plan, scopes);
      this.hooks.afterQueue?.();
      if (!(await committed)) {
        this.hooks.onConflict?.(scopes);
        return this.writeLocked(fn, scopes);
      }
    }
    // Nothing to write means the logic found the state already as wanted (e.g. a block already
    // committed): the snapshot it read is committed state, so there is nothing to guard.
    await this.root.flushed;
    return plan.result;
  }

  /** Runs the logic against one read snapshot, recording its writes; reads the scopes' guards in it. */
  private runOnSnapshot<T>(fn: (writer: KvWriter) => T, scopes: readonly string[]): Plan<T> {
    const txn = this.root.useReadTransaction();
    try {
      const overlay = new OverlayWriter(this.snapshotReader(txn));
      const result = fn(overlay);
      const versions = scopes.map((s) => this.guard.getEntry(guardKey(s), { transaction: txn })?.version);
      return { result, overlay, versions };
    } finally {
      txn.done();
    }
  }

  /**
   * Queues every write of the plan as lmdb-js async puts/removes inside one conditional block per
   * scope (nested, so the writes need every condition): the block runs only if the scope's guard still
   * has the version the snapshot read (or is still absent), and bumps it. lmdb-js never splits a
   * conditional block across transactions, so the batch commits whole or not at all. Resolves true
   * when committed, false when a guard had moved (nothing written).
   */
  private async queueGuarded(plan: Plan<unknown>, scopes: readonly string[]): Promise<boolean> {
    const blocks: Promise<boolean>[] = [];
    const writeAll = () => {
      plan.overlay.forEachWrite((table, key, value) => {
        const db = this.dbs.get(table)!;
        if (value) void db.put(key, value);
        else void db.remove(key);
      });
      scopes.forEach((s, i) => void this.guard.put(guardKey(s), EMPTY, (plan.versions[i] ?? 0) + 1));
    };
    const block = (i: number): void => {
      if (i === scopes.length) {
        writeAll();
        return;
      }
      const key = guardKey(scopes[i]!);
      const version = plan.versions[i];
      const inner = () => block(i + 1);
      // Every level's promise is checked: lmdb-js reports an inner ifNoExists as passed even when an
      // outer condition failed (its writes are still skipped).
      blocks.push(
        version === undefined ? this.guard.ifNoExists(key, inner) : this.guard.ifVersion(key, version, inner),
      );
    };
    if (scopes.length === 0) blocks.push(this.root.batch(writeAll));
    else block(0);
    return (await Promise.all(blocks)).every(Boolean);
  }

  /** The former path: the whole transaction synchronously under LMDB's write lock; bumps the guards. */
  private async writeLocked<T>(fn: (writer: KvWriter) => T, scopes: readonly string[]): Promise<T> {
    const result = this.root.transactionSync(() => {
      const r = fn(this.lockedWriter);
      for (const s of scopes) {
        const key = guardKey(s);
        this.guard.putSync(key, EMPTY, (this.guard.getEntry(key)?.version ?? 0) + 1);
      }
      return r;
    });
    await this.root.flushed;
    return result;
  }

  private snapshotReader(txn: ReadTxn): SnapshotReader {
    const inTxn = { transaction: txn };
    return {
      get: (t, k) => plain(this.dbs.get(t)!.get(k, inTxn)),
      // getBinaryFast reads into a shared buffer without copying: enough to know the key exists
      // (it takes the read options at run time; the typings omit them).
      has: (t, k) => (this.dbs.get(t)! as unknown as FastGet).getBinaryFast(k, inTxn) !== undefined,
      range: (t, start, end, limit) => collect(this.dbs.get(t)!, start, end, limit, txn),
    };
  }
}

function guardKey(scope: string): Uint8Array {
  return utf8.encode(scope);
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
