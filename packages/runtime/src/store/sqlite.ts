// The measured alternative embedded durable tier: node:sqlite (SQLite built into Node 24), one
// WITHOUT ROWID table per keyspace, WAL journal (readers in other processes see committed
// transactions only and do not block the writer), synchronous=FULL so a commit is on disk when it
// returns, like LMDB's. It passes the same conformance suite as LMDB; it is not the default
// because it commits a 5,000-tx block ~1.8x slower (see lmdb.ts and bench/store.bench.ts) and
// its writers in other processes poll a busy timeout instead of queueing on a lock.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { StoreError, StoreErrorCode } from './errors.ts';
import { KV_TABLES, type KvEngine, type KvReader, type KvTable, type KvWriter } from './kv-engine.ts';
import { KvDurableStore } from './kv-store.ts';
import type { DurableStore } from './types.ts';

export type SqliteStoreOptions = {
  /** Database file (created if missing). */
  readonly path: string;
  /** How long a writer waits for another process's write lock, in ms (default 10,000). */
  readonly busyTimeoutMs?: number;
};

type Statements = {
  get: StatementSync;
  put: StatementSync;
  insert: StatementSync;
  del: StatementSync;
  range: StatementSync;
};

class SqliteEngine implements KvEngine {
  readonly kind = 'sqlite';
  private readonly db: DatabaseSync;
  private readonly statements = new Map<KvTable, Statements>();
  private readonly writer: KvWriter;

  constructor(opts: SqliteStoreOptions) {
    this.db = new DatabaseSync(opts.path);
    this.db.exec(`PRAGMA busy_timeout = ${opts.busyTimeoutMs ?? 10_000}`);
    this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec('PRAGMA synchronous = FULL');
    for (const t of KV_TABLES) {
      const table = `kv_${t}`;
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${table} (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID`);
      this.statements.set(t, {
        get: this.db.prepare(`SELECT v FROM ${table} WHERE k = ?`),
        put: this.db.prepare(`INSERT OR REPLACE INTO ${table} (k, v) VALUES (?, ?)`),
        insert: this.db.prepare(`INSERT OR IGNORE INTO ${table} (k, v) VALUES (?, ?)`),
        del: this.db.prepare(`DELETE FROM ${table} WHERE k = ?`),
        range: this.db.prepare(`SELECT k, v FROM ${table} WHERE k >= ? AND k < ? ORDER BY k LIMIT ?`),
      });
    }
    const reader = this.reader();
    this.writer = {
      ...reader,
      put: (t, k, v) => {
        this.stmt(t).put.run(k, v);
      },
      insert: (t, k, v) => Number(this.stmt(t).insert.run(k, v).changes) === 1,
      del: (t, k) => {
        this.stmt(t).del.run(k);
      },
    };
  }

  private stmt(t: KvTable): Statements {
    return this.statements.get(t)!;
  }

  private reader(): KvReader {
    return {
      get: (t, k) => (this.stmt(t).get.get(k) as { v: Uint8Array } | undefined)?.v,
      range: (t, start, end, limit) =>
        (this.stmt(t).range.all(start, end, Math.min(limit, 0x7fffffff)) as { k: Uint8Array; v: Uint8Array }[]).map(
          (row) => [row.k, row.v],
        ),
    };
  }

  read<T>(fn: (reader: KvReader) => T): T {
    return this.transaction('BEGIN', () => fn(this.reader()));
  }

  /** `BEGIN IMMEDIATE` takes the write lock before fn's reads, so no scope can change under them. */
  async write<T>(fn: (writer: KvWriter) => T, _scopes: readonly string[]): Promise<T> {
    return this.transaction('BEGIN IMMEDIATE', () => fn(this.writer));
  }

  private transaction<T>(begin: string, fn: () => T): T {
    this.db.exec(begin);
    let result: T;
    try {
      result = fn();
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
    this.db.exec('COMMIT');
    return result;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/** Opens (or creates) the node:sqlite durable store at `opts.path`. */
export async function createSqliteStore(opts: SqliteStoreOptions): Promise<DurableStore> {
  if (typeof opts?.path !== 'string' || opts.path === '') {
    throw new StoreError(StoreErrorCode.InvalidConfig, 'sqlite store needs a path', { setting: 'path' });
  }
  try {
    return new KvDurableStore(new SqliteEngine(opts));
  } catch (err) {
    throw new StoreError(
      StoreErrorCode.Backend,
      `cannot open sqlite store at ${opts.path}: ${(err as Error).message}`,
      { setting: 'path' },
      { cause: err },
    );
  }
}
