// The seam between the store's logic (kv-store.ts, written once) and an embedded engine (LMDB,
// node:sqlite). An engine offers ordered binary keyspaces ("tables"), consistent read snapshots and
// atomic, durable write transactions that roll back when their callback throws. Engines are
// synchronous inside a transaction, as both LMDB and SQLite are: the whole block commit runs as one
// uninterrupted step, so no other code of the process can observe or interleave with it.

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
  /** Runs `fn` in one write transaction; resolves once it is committed and flushed to disk. */
  write<T>(fn: (writer: KvWriter) => T): Promise<T>;
  close(): Promise<void>;
}
