// The seam between the store's logic (kv-store.ts, written once) and an embedded engine (LMDB,
// node:sqlite). An engine offers ordered binary keyspaces ("tables"), consistent read snapshots and
// atomic, durable write transactions that roll back when their callback throws. The callback is
// synchronous: the whole block commit's logic runs as one uninterrupted step. An engine may run it
// under its write lock (node:sqlite) or against a snapshot, recording the writes and committing them
// afterwards only if nothing else wrote to the same scopes in between (LMDB, see lmdb.ts); so the
// callback may run more than once and must do nothing but read and write through the writer.

export const KvTable = {
  /** chain | outputId -> utxo value */
  Utxo: 'utxo',
  /** chain | blockId -> block index value */
  Index: 'index',
  /** chain | blockId -> block bytes */
  Body: 'body',
  /** chain | u64 height -> blockId of the main chain */
  Main: 'main',
  /** chain | txId -> tx location */
  Tx: 'tx',
  /** chain | blockId -> journal entry (created + spent records) */
  Delta: 'delta',
  /** chain | name -> tip, revision, irreversible, last signed */
  Meta: 'meta',
  /** chain | u64 height -> blockId the signer signed */
  Signed: 'signed',
  /** chain | programKey(controlProgram) | outputId -> empty: the program index of the UTXO set */
  Program: 'program',
} as const;
export type KvTable = (typeof KvTable)[keyof typeof KvTable];
export const KV_TABLES: readonly KvTable[] = Object.values(KvTable);

export interface KvReader {
  get(table: KvTable, key: Uint8Array): Uint8Array | undefined;
  /** Entries with start <= key < end in ascending key order, at most `limit` of them. */
  range(table: KvTable, start: Uint8Array, end: Uint8Array, limit: number): [Uint8Array, Uint8Array][];
}

export interface KvWriter extends KvReader {
  put(table: KvTable, key: Uint8Array, value: Uint8Array): void;
  /** Puts only if the key is absent; false (and nothing written) when it exists. */
  insert(table: KvTable, key: Uint8Array, value: Uint8Array): boolean;
  del(table: KvTable, key: Uint8Array): void;
}

export interface KvEngine {
  readonly kind: string;
  /** Runs `fn` against one consistent snapshot. */
  read<T>(fn: (reader: KvReader) => T): T;
  /**
   * Runs `fn` as one atomic write; resolves once it is committed and flushed to disk; if fn throws,
   * nothing is written. `scopes` name the keyspaces (the store's chains) fn reads and writes: every
   * write to a scope is declared with it, which lets an engine detect another process's write to
   * the same scopes between fn's reads and its commit.
   */
  write<T>(fn: (writer: KvWriter) => T, scopes: readonly string[]): Promise<T>;
  close(): Promise<void>;
}
