// The durable store's logic over an embedded KV engine, written once for LMDB and node:sqlite.
//
// A block commit is ONE engine write transaction keyed by the block id: tip and main-chain checks,
// then the UTXO changes with their checks (each created output must be absent, each spent output
// present; its stored value becomes the undo record), index, body, main chain, tx locations,
// journal, tip and revision. A failed check throws and the engine writes none of the transaction;
// committing the block already filed at its height returns { applied: false } without writing.
// Reverts are the mirror image.
import {
  bytesEqual,
  chainKey,
  chainKeys,
  chainOfKey,
  chainPrefix,
  decodeBlockIndexValue,
  decodeDelta,
  decodeTip,
  decodeTxLocation,
  decodeU64,
  decodeUtxoValue,
  type EncodedUtxo,
  encodeBlockIndexValue,
  encodeDeltaEntries,
  encodeTip,
  encodeTxLocations,
  encodeU64,
  encodeUtxoValues,
  heightBytes,
  prefixEnd,
  prefixSuccessor,
  programEntryKey,
  programKey,
  storedControlProgram,
  toHex,
} from './codec.ts';
import { StoreError, StoreErrorCode, toStoreError } from './errors.ts';
import { type KvEngine, type KvReader, KvTable, type KvWriter } from './kv-engine.ts';
import type {
  BlockCommit,
  BlockDelta,
  BlockIndexEntry,
  ChainTip,
  CommitResult,
  DurableChainState,
  DurableStore,
  RevertResult,
  SignedRecord,
  TxLocation,
  UtxoRecord,
} from './types.ts';
import {
  checkChain,
  checkCommit,
  checkHeight,
  checkId,
  checkIds,
  checkIndexEntry,
  checkProgramQuery,
} from './validate.ts';

const META_TIP = new TextEncoder().encode('tip');
const META_REVISION = new TextEncoder().encode('revision');
const META_IRREVERSIBLE = new TextEncoder().encode('irreversible');
const META_LAST_SIGNED = new TextEncoder().encode('last-signed');
const DEFAULT_SCAN_BATCH = 1000;
const EMPTY = new Uint8Array(0);

function readTip(r: KvReader, key: (s: Uint8Array) => Uint8Array): ChainTip | undefined {
  const raw = r.get(KvTable.Meta, key(META_TIP));
  return raw && decodeTip(raw);
}

function readRevision(r: KvReader, key: (s: Uint8Array) => Uint8Array): number {
  const raw = r.get(KvTable.Meta, key(META_REVISION));
  return raw ? decodeU64(raw, 'revision') : 0;
}

/** One block's commit inside a write transaction (commitBlock, commitBlocks). */
function applyCommit(w: KvWriter, commit: BlockCommit): CommitResult {
  const { chain, height, blockId, parentId } = commit;
  const key = chainKeys(chain);
  const prefix = chainPrefix(chain);
  const tip = readTip(w, key);
  const atHeight = w.get(KvTable.Main, key(heightBytes(height)));
  if (tip && atHeight && bytesEqual(atHeight, blockId)) return { applied: false, tip };
  if (tip ? tip.height !== height - 1 || !bytesEqual(tip.blockId, parentId) : height !== 0) {
    throw new StoreError(
      StoreErrorCode.NotChildOfTip,
      `block at height ${height} does not extend the tip of ${chain} (tip height ${tip?.height ?? 'none'})`,
      { chain, height, tipHeight: tip?.height },
    );
  }
  // Creations first, then spends (a block may spend its own new outputs: the writer's reads see
  // the transaction's own writes). A failed check throws and the engine writes none of it.
  const values = encodeUtxoValues(commit.created);
  const created = commit.created.map((r, i): EncodedUtxo => {
    const value = values[i]!;
    if (!w.insert(KvTable.Utxo, key(r.outputId), value)) {
      throw new StoreError(StoreErrorCode.UtxoExists, `output ${toHex(r.outputId)} already exists`, {
        outputId: toHex(r.outputId),
      });
    }
    w.put(KvTable.Program, programEntryKey(prefix, r.controlProgram, r.outputId), EMPTY);
    return [r.outputId, value];
  });
  // Undo data: the spent outputs' stored values, read inside this transaction.
  const spent = commit.spent.map((id): EncodedUtxo => {
    const k = key(id);
    const value = w.get(KvTable.Utxo, k);
    if (!value) {
      throw new StoreError(StoreErrorCode.UtxoMissing, `spent output ${toHex(id)} is not unspent`, {
        outputId: toHex(id),
      });
    }
    w.del(KvTable.Utxo, k);
    w.del(KvTable.Program, programEntryKey(prefix, storedControlProgram(value), id));
    return [id, value];
  });

  const entry = { blockId, parentId, height, header: commit.header, work: commit.work };
  w.put(KvTable.Index, key(blockId), encodeBlockIndexValue(entry));
  w.put(KvTable.Body, key(blockId), commit.blockBytes);
  w.put(KvTable.Main, key(heightBytes(height)), blockId);
  const locations = encodeTxLocations(blockId, height, commit.txIds.length);
  commit.txIds.forEach((txId, index) => {
    w.put(KvTable.Tx, key(txId), locations[index]!);
  });
  w.put(KvTable.Delta, key(blockId), encodeDeltaEntries(commit, created, spent));
  const next = { height, blockId };
  w.put(KvTable.Meta, key(META_TIP), encodeTip(next));
  w.put(KvTable.Meta, key(META_REVISION), encodeU64(readRevision(w, key) + 1));
  return { applied: true, tip: next };
}

export class KvDurableStore implements DurableStore {
  readonly kind: string;
  private readonly engine: KvEngine;
  private closed = false;

  constructor(engine: KvEngine) {
    this.engine = engine;
    this.kind = engine.kind;
  }

  // ---- writes -------------------------------------------------------------------------------

  async commitBlock(commit: BlockCommit): Promise<CommitResult> {
    this.open();
    checkCommit(commit);
    return this.write('commitBlock', [commit.chain], (w) => applyCommit(w, commit));
  }

  async commitBlocks(commits: readonly BlockCommit[]): Promise<CommitResult[]> {
    this.open();
    for (const c of commits) checkCommit(c);
    const chains = [...new Set(commits.map((c) => c.chain))];
    return this.write('commitBlocks', chains, (w) => commits.map((c) => applyCommit(w, c)));
  }

  async revertBlock(chain: string, blockId: Uint8Array): Promise<RevertResult> {
    this.open();
    checkChain(chain);
    checkId(blockId, 'blockId');
    const key = chainKeys(chain);
    const prefix = chainPrefix(chain);
    return this.write('revertBlock', [chain], (w): RevertResult => {
      const rawEntry = w.get(KvTable.Index, key(blockId));
      if (!rawEntry) {
        throw new StoreError(StoreErrorCode.UnknownBlock, `block ${toHex(blockId)} is not in the index of ${chain}`);
      }
      const entry = decodeBlockIndexValue(blockId, rawEntry);
      const tip = readTip(w, key);
      const atHeight = w.get(KvTable.Main, key(heightBytes(entry.height)));
      if (!atHeight || !bytesEqual(atHeight, blockId)) return { reverted: false, tip, delta: undefined };
      if (!tip || tip.height !== entry.height) {
        throw new StoreError(StoreErrorCode.NotTip, `block at height ${entry.height} is not the tip of ${chain}`, {
          height: entry.height,
          tipHeight: tip?.height,
        });
      }
      const irreversible = this.readIrreversible(w, key);
      if (irreversible && entry.height <= irreversible.height) {
        throw new StoreError(
          StoreErrorCode.Irreversible,
          `block at height ${entry.height} is at or below the irreversible height ${irreversible.height}`,
        );
      }
      const rawDelta = w.get(KvTable.Delta, key(blockId));
      if (!rawDelta) {
        throw new StoreError(StoreErrorCode.JournalMissing, `no journal entry for block ${toHex(blockId)}`);
      }
      const delta = decodeDelta(chain, rawDelta);

      const values = encodeUtxoValues(delta.spent);
      for (const [i, r] of delta.spent.entries()) {
        w.put(KvTable.Utxo, key(r.outputId), values[i]!);
        w.put(KvTable.Program, programEntryKey(prefix, r.controlProgram, r.outputId), EMPTY);
      }
      for (const r of delta.created) {
        w.del(KvTable.Utxo, key(r.outputId));
        w.del(KvTable.Program, programEntryKey(prefix, r.controlProgram, r.outputId));
      }
      for (const txId of delta.txIds) {
        const loc = w.get(KvTable.Tx, key(txId));
        if (loc && bytesEqual(decodeTxLocation(loc).blockId, blockId)) w.del(KvTable.Tx, key(txId));
      }
      w.del(KvTable.Main, key(heightBytes(entry.height)));
      const next = entry.height === 0 ? undefined : { height: entry.height - 1, blockId: entry.parentId };
      if (next) w.put(KvTable.Meta, key(META_TIP), encodeTip(next));
      else w.del(KvTable.Meta, key(META_TIP));
      w.put(KvTable.Meta, key(META_REVISION), encodeU64(readRevision(w, key) + 1));
      return { reverted: true, tip: next, delta };
    });
  }

  async setIrreversible(chain: string, height: number, blockId: Uint8Array): Promise<void> {
    this.open();
    checkChain(chain);
    checkHeight(height);
    checkId(blockId, 'blockId');
    const key = chainKeys(chain);
    await this.write('setIrreversible', [chain], (w) => {
      const atHeight = w.get(KvTable.Main, key(heightBytes(height)));
      if (!atHeight || !bytesEqual(atHeight, blockId)) {
        throw new StoreError(StoreErrorCode.NotOnMainChain, `block ${toHex(blockId)} is not at height ${height}`);
      }
      const current = this.readIrreversible(w, key);
      if (current && height < current.height) {
        throw new StoreError(
          StoreErrorCode.InvalidArgument,
          `height ${height} is below the irreversible height ${current.height}`,
          { field: 'height' },
        );
      }
      w.put(KvTable.Meta, key(META_IRREVERSIBLE), encodeTip({ height, blockId }));
    });
  }

  async saveBlock(chain: string, entry: BlockIndexEntry, body: Uint8Array): Promise<void> {
    this.open();
    checkChain(chain);
    checkIndexEntry(entry);
    if (!(body instanceof Uint8Array)) {
      throw new StoreError(StoreErrorCode.InvalidArgument, 'body must be a Uint8Array', { field: 'body' });
    }
    const key = chainKeys(chain);
    await this.write('saveBlock', [chain], (w) => {
      w.put(KvTable.Index, key(entry.blockId), encodeBlockIndexValue(entry));
      w.put(KvTable.Body, key(entry.blockId), body);
    });
  }

  async recordSigned(chain: string, height: number, blockId: Uint8Array): Promise<void> {
    this.open();
    checkChain(chain);
    checkHeight(height);
    checkId(blockId, 'blockId');
    const key = chainKeys(chain);
    await this.write('recordSigned', [chain], (w) => {
      const existing = w.get(KvTable.Signed, key(heightBytes(height)));
      if (existing) {
        if (bytesEqual(existing, blockId)) return;
        throw new StoreError(
          StoreErrorCode.SignerConflict,
          `already signed block ${toHex(existing)} at height ${height} of ${chain}; refusing ${toHex(blockId)}`,
          { chain, height, signed: toHex(existing), refused: toHex(blockId) },
        );
      }
      w.put(KvTable.Signed, key(heightBytes(height)), blockId);
      const lastRaw = w.get(KvTable.Meta, key(META_LAST_SIGNED));
      if (!lastRaw || decodeTip(lastRaw).height < height) {
        w.put(KvTable.Meta, key(META_LAST_SIGNED), encodeTip({ height, blockId }));
      }
    });
  }

  // ---- reads --------------------------------------------------------------------------------

  async getUtxos(chain: string, outputIds: readonly Uint8Array[]): Promise<(UtxoRecord | undefined)[]> {
    this.open();
    checkChain(chain);
    checkIds(outputIds, 'outputIds');
    const key = chainKeys(chain);
    return this.read('getUtxos', (r) =>
      outputIds.map((id) => {
        const raw = r.get(KvTable.Utxo, key(id));
        return raw && decodeUtxoValue(id, raw);
      }),
    );
  }

  async getUtxosByProgram(chain: string, controlProgram: Uint8Array, limit?: number): Promise<UtxoRecord[]> {
    this.open();
    checkChain(chain);
    const max = checkProgramQuery(controlProgram, limit);
    const key = chainKeys(chain);
    const start = key(programKey(controlProgram));
    const end = prefixSuccessor(start);
    return this.read('getUtxosByProgram', (r) => {
      const out: UtxoRecord[] = [];
      for (const [k] of r.range(KvTable.Program, start, end, max)) {
        const outputId = k.slice(start.length);
        const raw = r.get(KvTable.Utxo, key(outputId));
        if (!raw) throw new StoreError(StoreErrorCode.Corrupt, `program index names a spent output ${toHex(outputId)}`);
        out.push(decodeUtxoValue(outputId, raw));
      }
      return out;
    });
  }

  async getTip(chain: string): Promise<ChainTip | undefined> {
    return (await this.getChainState(chain)).tip;
  }

  async getChainState(chain: string): Promise<DurableChainState> {
    this.open();
    checkChain(chain);
    const key = chainKeys(chain);
    return this.read('getChainState', (r) => ({ tip: readTip(r, key), revision: readRevision(r, key) }));
  }

  async getMainChainBlockId(chain: string, height: number): Promise<Uint8Array | undefined> {
    this.open();
    checkChain(chain);
    checkHeight(height);
    return this.read('getMainChainBlockId', (r) => r.get(KvTable.Main, chainKey(chain, heightBytes(height))));
  }

  async getMainChainRange(chain: string, fromHeight: number, toHeight: number): Promise<Uint8Array[]> {
    this.open();
    checkChain(chain);
    checkHeight(fromHeight, 'fromHeight');
    checkHeight(toHeight, 'toHeight');
    if (toHeight < fromHeight) return [];
    const key = chainKeys(chain);
    return this.read('getMainChainRange', (r) =>
      r
        .range(KvTable.Main, key(heightBytes(fromHeight)), key(heightBytes(toHeight + 1)), toHeight - fromHeight + 1)
        .map(([, id]) => id),
    );
  }

  async getIrreversible(chain: string): Promise<ChainTip | undefined> {
    this.open();
    checkChain(chain);
    const key = chainKeys(chain);
    return this.read('getIrreversible', (r) => this.readIrreversible(r, key));
  }

  async getBlockIndex(chain: string, blockId: Uint8Array): Promise<BlockIndexEntry | undefined> {
    this.open();
    checkChain(chain);
    checkId(blockId, 'blockId');
    return this.read('getBlockIndex', (r) => {
      const raw = r.get(KvTable.Index, chainKey(chain, blockId));
      return raw && decodeBlockIndexValue(blockId, raw);
    });
  }

  async getBlockBody(chain: string, blockId: Uint8Array): Promise<Uint8Array | undefined> {
    this.open();
    checkChain(chain);
    checkId(blockId, 'blockId');
    return this.read('getBlockBody', (r) => r.get(KvTable.Body, chainKey(chain, blockId)));
  }

  async getTxLocation(chain: string, txId: Uint8Array): Promise<TxLocation | undefined> {
    this.open();
    checkChain(chain);
    checkId(txId, 'txId');
    return this.read('getTxLocation', (r) => {
      const raw = r.get(KvTable.Tx, chainKey(chain, txId));
      return raw && decodeTxLocation(raw);
    });
  }

  async getBlockDelta(chain: string, blockId: Uint8Array): Promise<BlockDelta | undefined> {
    this.open();
    checkChain(chain);
    checkId(blockId, 'blockId');
    return this.read('getBlockDelta', (r) => {
      const raw = r.get(KvTable.Delta, chainKey(chain, blockId));
      return raw && decodeDelta(chain, raw);
    });
  }

  async getSigned(chain: string, height: number): Promise<Uint8Array | undefined> {
    this.open();
    checkChain(chain);
    checkHeight(height);
    return this.read('getSigned', (r) => r.get(KvTable.Signed, chainKey(chain, heightBytes(height))));
  }

  async getLastSigned(chain: string): Promise<SignedRecord | undefined> {
    this.open();
    checkChain(chain);
    return this.read('getLastSigned', (r) => {
      const raw = r.get(KvTable.Meta, chainKey(chain, META_LAST_SIGNED));
      return raw && decodeTip(raw);
    });
  }

  async *scanUtxos(chain: string, batchSize = DEFAULT_SCAN_BATCH): AsyncIterable<UtxoRecord[]> {
    this.open();
    checkChain(chain);
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
      throw new StoreError(StoreErrorCode.InvalidArgument, 'batchSize must be a positive integer', {
        field: 'batchSize',
      });
    }
    const prefix = chainPrefix(chain);
    const end = prefixEnd(prefix);
    let cursor = prefix;
    for (;;) {
      this.open();
      const from = cursor;
      const entries = this.read('scanUtxos', (r) => r.range(KvTable.Utxo, from, end, batchSize));
      if (entries.length === 0) return;
      yield entries.map(([k, v]) => decodeUtxoValue(k.slice(prefix.length), v));
      if (entries.length < batchSize) return;
      const last = entries[entries.length - 1]![0];
      cursor = new Uint8Array(last.length + 1);
      cursor.set(last); // the smallest key after `last`
    }
  }

  async listChains(): Promise<string[]> {
    this.open();
    return this.read('listChains', (r) => {
      const chains = new Set<string>();
      for (const [k] of r.range(KvTable.Meta, new Uint8Array(0), new Uint8Array([0xff]), Number.MAX_SAFE_INTEGER)) {
        chains.add(chainOfKey(k));
      }
      return [...chains].sort();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.engine.close();
  }

  // ---- helpers ------------------------------------------------------------------------------

  private readIrreversible(r: KvReader, key: (s: Uint8Array) => Uint8Array): ChainTip | undefined {
    const raw = r.get(KvTable.Meta, key(META_IRREVERSIBLE));
    return raw && decodeTip(raw);
  }

  private open(): void {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed, `${this.kind} store is closed`);
  }

  private read<T>(operation: string, fn: (r: KvReader) => T): T {
    try {
      return this.engine.read(fn);
    } catch (err) {
      throw toStoreError(err, operation);
    }
  }

  /** `chains`: every chain `fn` reads or writes (the engine's write scopes). */
  private async write<T>(operation: string, chains: readonly string[], fn: (w: KvWriter) => T): Promise<T> {
    try {
      return await this.engine.write(fn, chains);
    } catch (err) {
      throw toStoreError(err, operation);
    }
  }
}
