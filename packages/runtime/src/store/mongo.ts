// The durable tier for clusters: MongoDB through the official driver, same DurableStore interface
// and the same conformance suite as the embedded stores (test/store/mongo.test.ts, when
// MONGODB_URL is set).
//
// Atomicity: every block commit, revert and irreversibility mark is ONE multi-document transaction
// (session.withTransaction: snapshot read concern, majority + journaled write concern), keyed by
// the block id, with the same read-check-write steps as the embedded stores. Transactions need a
// replica set (a single-node one is enough: `mongod --replSet rs0` + `rs.initiate()`) or mongos;
// on a standalone server the store refuses with STORE_UNSUPPORTED. The alternative, idempotent
// ordered upserts keyed by block id plus a commit marker, was not chosen: UTXO removals cannot be
// hidden behind a marker without tombstones that every reader must filter, so readers (mempool,
// APIs, a rebuild) would see half-applied blocks between the upserts and the marker, which the
// store promises never happens; a transaction gives atomic visibility for free.
//
// Documents: every collection keys its documents by the same binary key as the embedded stores
// (chain id, 0, then id or u64 height) in `_id`, with the chain in `c` for scans (BSON compares
// binary by length first, so `_id` ranges cannot replace the `c` index). Values are the store's
// own codec bytes (codec.ts), so the hot tier holds identical bytes whatever the durable backend.
// Limits: a single document holds at most 16 MiB, which bounds a block body and a block's journal.
import { Binary, type ClientSession, type Collection, type Db, MongoClient, MongoServerError } from 'mongodb';
import {
  bytesEqual,
  chainKey,
  decodeBlockIndexValue,
  decodeDelta,
  decodeTip,
  decodeTxLocation,
  decodeUtxoValue,
  encodeBlockIndexValue,
  encodeDelta,
  encodeTip,
  encodeTxLocation,
  encodeUtxoValue,
  heightBytes,
  programKey,
  toHex,
} from './codec.ts';
import { StoreError, StoreErrorCode, toStoreError } from './errors.ts';
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

export type MongoStoreOptions = {
  /** Connection string; used when no `client` is given (the store then owns and closes its client). */
  readonly url?: string;
  /** A connected client the caller owns (not closed by the store). */
  readonly client?: MongoClient;
  /** Database name (default "bystack"). */
  readonly dbName?: string;
};

/** `p`: programKey of the output's control program (the program index; see getUtxosByProgram). */
type UtxoDoc = { _id: Binary; c: string; v: Binary; p: Binary };
type BlockDoc = { _id: Binary; c: string; e: Binary; b: Binary };
type MainDoc = { _id: Binary; c: string; h: number; id: Binary };
type TxDoc = { _id: Binary; c: string; l: Binary };
type DeltaDoc = { _id: Binary; c: string; d: Binary };
type SignedDoc = { _id: Binary; c: string; h: number; id: Binary };
/** One per chain: tip, revision (commits + reverts), irreversible mark. */
type ChainDoc = { _id: string; tip?: Binary | null; rev?: number; irr?: Binary | null };

const DUPLICATE_KEY = 11000;
const NAMESPACE_EXISTS = 48;
const DEFAULT_SCAN_BATCH = 1000;
const TXN_OPTIONS = {
  readConcern: { level: 'snapshot' as const },
  writeConcern: { w: 'majority' as const, journal: true },
  readPreference: 'primary' as const,
};

const bin = (b: Uint8Array) => new Binary(b);
/** A plain Uint8Array copy (the driver may hand out Buffer views into a larger reply). */
const bytes = (b: Binary) => new Uint8Array(b.value());

class MongoDurableStore implements DurableStore {
  readonly kind = 'mongodb';
  private readonly client: MongoClient;
  private readonly ownsClient: boolean;
  private readonly utxos: Collection<UtxoDoc>;
  private readonly blocks: Collection<BlockDoc>;
  private readonly main: Collection<MainDoc>;
  private readonly txs: Collection<TxDoc>;
  private readonly deltas: Collection<DeltaDoc>;
  private readonly signed: Collection<SignedDoc>;
  private readonly chains: Collection<ChainDoc>;
  private closed = false;

  constructor(client: MongoClient, ownsClient: boolean, db: Db) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.utxos = db.collection<UtxoDoc>('utxos');
    this.blocks = db.collection<BlockDoc>('blocks');
    this.main = db.collection<MainDoc>('main_chain');
    this.txs = db.collection<TxDoc>('tx_locations');
    this.deltas = db.collection<DeltaDoc>('journal');
    this.signed = db.collection<SignedDoc>('signed');
    this.chains = db.collection<ChainDoc>('chains');
  }

  /** Creates the collections (not implicitly inside a transaction, which older servers refuse) and indexes. */
  async init(db: Db): Promise<void> {
    const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
    for (const c of [this.utxos, this.blocks, this.main, this.txs, this.deltas, this.signed, this.chains]) {
      if (!existing.has(c.collectionName)) {
        await db.createCollection(c.collectionName).catch((err: unknown) => {
          if (!(err instanceof MongoServerError && err.code === NAMESPACE_EXISTS)) throw err;
        });
      }
    }
    await this.utxos.createIndex({ c: 1, _id: 1 });
    await this.utxos.createIndex({ c: 1, p: 1, _id: 1 });
    await this.main.createIndex({ c: 1, h: 1 });
    await this.signed.createIndex({ c: 1, h: -1 });
  }

  // ---- writes -------------------------------------------------------------------------------

  async commitBlock(commit: BlockCommit): Promise<CommitResult> {
    this.open();
    checkCommit(commit);
    return this.transaction('commitBlock', (session) => this.applyCommit(session, commit));
  }

  async commitBlocks(commits: readonly BlockCommit[]): Promise<CommitResult[]> {
    this.open();
    for (const c of commits) checkCommit(c);
    return this.transaction('commitBlocks', async (session) => {
      const results: CommitResult[] = [];
      for (const c of commits) results.push(await this.applyCommit(session, c));
      return results;
    });
  }

  /** One block's commit inside a transaction (commitBlock, commitBlocks). */
  private async applyCommit(session: ClientSession, commit: BlockCommit): Promise<CommitResult> {
    const { chain, height, blockId, parentId } = commit;
    const tip = await this.readTip(chain, session);
    const atHeight = await this.main.findOne({ _id: bin(chainKey(chain, heightBytes(height))) }, { session });
    if (tip && atHeight && bytesEqual(bytes(atHeight.id), blockId)) return { applied: false, tip };
    if (tip ? tip.height !== height - 1 || !bytesEqual(tip.blockId, parentId) : height !== 0) {
      throw new StoreError(
        StoreErrorCode.NotChildOfTip,
        `block at height ${height} does not extend the tip of ${chain} (tip height ${tip?.height ?? 'none'})`,
        { chain, height, tipHeight: tip?.height },
      );
    }
    const createdKeys = commit.created.map((r) => bin(chainKey(chain, r.outputId)));
    if (createdKeys.length > 0) {
      const clash = await this.utxos.findOne({ _id: { $in: createdKeys } }, { session, projection: { _id: 1 } });
      if (clash) {
        const id = bytes(clash._id).subarray(chain.length + 1);
        throw new StoreError(StoreErrorCode.UtxoExists, `output ${toHex(id)} already exists`, {
          outputId: toHex(id),
        });
      }
    }
    const spentKeys = commit.spent.map((id) => bin(chainKey(chain, id)));
    const found = new Map<string, Uint8Array>();
    if (spentKeys.length > 0) {
      for (const doc of await this.utxos.find({ _id: { $in: spentKeys } }, { session }).toArray()) {
        found.set(toHex(bytes(doc._id)), bytes(doc.v));
      }
    }
    const createdById = new Map(commit.created.map((r) => [toHex(r.outputId), r]));
    const spent = commit.spent.map((id, i): UtxoRecord => {
      const raw = found.get(toHex(bytes(spentKeys[i]!)));
      const record = raw ? decodeUtxoValue(id, raw) : createdById.get(toHex(id));
      if (!record) {
        throw new StoreError(StoreErrorCode.UtxoMissing, `spent output ${toHex(id)} is not unspent`, {
          outputId: toHex(id),
        });
      }
      return record;
    });

    if (createdKeys.length > 0) {
      await this.utxos.insertMany(
        commit.created.map((r, i) => ({
          _id: createdKeys[i]!,
          c: chain,
          v: bin(encodeUtxoValue(r)),
          p: bin(programKey(r.controlProgram)),
        })),
        { session, ordered: true },
      );
    }
    if (spentKeys.length > 0) await this.utxos.deleteMany({ _id: { $in: spentKeys } }, { session });
    const entry = { blockId, parentId, height, header: commit.header, work: commit.work };
    await this.blocks.replaceOne(
      { _id: bin(chainKey(chain, blockId)) },
      { c: chain, e: bin(encodeBlockIndexValue(entry)), b: bin(commit.blockBytes) },
      { session, upsert: true },
    );
    await this.main.replaceOne(
      { _id: bin(chainKey(chain, heightBytes(height))) },
      { c: chain, h: height, id: bin(blockId) },
      { session, upsert: true },
    );
    if (commit.txIds.length > 0) {
      await this.txs.bulkWrite(
        commit.txIds.map((txId, index) => ({
          replaceOne: {
            filter: { _id: bin(chainKey(chain, txId)) },
            replacement: { c: chain, l: bin(encodeTxLocation({ blockId, height, index })) },
            upsert: true,
          },
        })),
        { session, ordered: true },
      );
    }
    const delta: BlockDelta = {
      chain,
      height,
      blockId,
      parentId,
      txIds: commit.txIds,
      created: commit.created,
      spent,
    };
    await this.deltas.replaceOne(
      { _id: bin(chainKey(chain, blockId)) },
      { c: chain, d: bin(encodeDelta(delta)) },
      { session, upsert: true },
    );
    const next = { height, blockId };
    await this.chains.updateOne(
      { _id: chain },
      { $set: { tip: bin(encodeTip(next)) }, $inc: { rev: 1 } },
      { session, upsert: true },
    );
    return { applied: true, tip: next };
  }

  async revertBlock(chain: string, blockId: Uint8Array): Promise<RevertResult> {
    this.open();
    checkChain(chain);
    checkId(blockId, 'blockId');
    return this.transaction('revertBlock', async (session): Promise<RevertResult> => {
      const block = await this.blocks.findOne({ _id: bin(chainKey(chain, blockId)) }, { session });
      if (!block) {
        throw new StoreError(StoreErrorCode.UnknownBlock, `block ${toHex(blockId)} is not in the index of ${chain}`);
      }
      const entry = decodeBlockIndexValue(blockId, bytes(block.e));
      const state = await this.chains.findOne({ _id: chain }, { session });
      const tip = state?.tip ? decodeTip(bytes(state.tip)) : undefined;
      const atHeight = await this.main.findOne({ _id: bin(chainKey(chain, heightBytes(entry.height))) }, { session });
      if (!atHeight || !bytesEqual(bytes(atHeight.id), blockId)) return { reverted: false, tip, delta: undefined };
      if (!tip || tip.height !== entry.height) {
        throw new StoreError(StoreErrorCode.NotTip, `block at height ${entry.height} is not the tip of ${chain}`, {
          height: entry.height,
          tipHeight: tip?.height,
        });
      }
      const irreversible = state?.irr ? decodeTip(bytes(state.irr)) : undefined;
      if (irreversible && entry.height <= irreversible.height) {
        throw new StoreError(
          StoreErrorCode.Irreversible,
          `block at height ${entry.height} is at or below the irreversible height ${irreversible.height}`,
        );
      }
      const deltaDoc = await this.deltas.findOne({ _id: bin(chainKey(chain, blockId)) }, { session });
      if (!deltaDoc) {
        throw new StoreError(StoreErrorCode.JournalMissing, `no journal entry for block ${toHex(blockId)}`);
      }
      const delta = decodeDelta(chain, bytes(deltaDoc.d));

      // Restore spent records first, then drop created ones: an output created and spent by this
      // block is restored and dropped again, as the embedded stores do.
      if (delta.spent.length > 0) {
        await this.utxos.bulkWrite(
          delta.spent.map((r) => ({
            replaceOne: {
              filter: { _id: bin(chainKey(chain, r.outputId)) },
              replacement: { c: chain, v: bin(encodeUtxoValue(r)), p: bin(programKey(r.controlProgram)) },
              upsert: true,
            },
          })),
          { session, ordered: true },
        );
      }
      if (delta.created.length > 0) {
        await this.utxos.deleteMany(
          { _id: { $in: delta.created.map((r) => bin(chainKey(chain, r.outputId))) } },
          { session },
        );
      }
      if (delta.txIds.length > 0) {
        const txKeys = delta.txIds.map((txId) => bin(chainKey(chain, txId)));
        const locations = await this.txs.find({ _id: { $in: txKeys } }, { session }).toArray();
        const ours = locations.filter((l) => bytesEqual(decodeTxLocation(bytes(l.l)).blockId, blockId));
        if (ours.length > 0) await this.txs.deleteMany({ _id: { $in: ours.map((l) => l._id) } }, { session });
      }
      await this.main.deleteOne({ _id: atHeight._id }, { session });
      const next = entry.height === 0 ? undefined : { height: entry.height - 1, blockId: entry.parentId };
      await this.chains.updateOne(
        { _id: chain },
        { $set: { tip: next ? bin(encodeTip(next)) : null }, $inc: { rev: 1 } },
        { session, upsert: true },
      );
      return { reverted: true, tip: next, delta };
    });
  }

  async setIrreversible(chain: string, height: number, blockId: Uint8Array): Promise<void> {
    this.open();
    checkChain(chain);
    checkHeight(height);
    checkId(blockId, 'blockId');
    await this.transaction('setIrreversible', async (session) => {
      const atHeight = await this.main.findOne({ _id: bin(chainKey(chain, heightBytes(height))) }, { session });
      if (!atHeight || !bytesEqual(bytes(atHeight.id), blockId)) {
        throw new StoreError(StoreErrorCode.NotOnMainChain, `block ${toHex(blockId)} is not at height ${height}`);
      }
      const state = await this.chains.findOne({ _id: chain }, { session });
      const current = state?.irr ? decodeTip(bytes(state.irr)) : undefined;
      if (current && height < current.height) {
        throw new StoreError(
          StoreErrorCode.InvalidArgument,
          `height ${height} is below the irreversible height ${current.height}`,
          { field: 'height' },
        );
      }
      await this.chains.updateOne(
        { _id: chain },
        { $set: { irr: bin(encodeTip({ height, blockId })) } },
        { session, upsert: true },
      );
    });
  }

  async saveBlock(chain: string, entry: BlockIndexEntry, body: Uint8Array): Promise<void> {
    this.open();
    checkChain(chain);
    checkIndexEntry(entry);
    if (!(body instanceof Uint8Array)) {
      throw new StoreError(StoreErrorCode.InvalidArgument, 'body must be a Uint8Array', { field: 'body' });
    }
    await this.guard('saveBlock', () =>
      this.blocks.replaceOne(
        { _id: bin(chainKey(chain, entry.blockId)) },
        { c: chain, e: bin(encodeBlockIndexValue(entry)), b: bin(body) },
        { upsert: true, writeConcern: TXN_OPTIONS.writeConcern },
      ),
    );
  }

  async recordSigned(chain: string, height: number, blockId: Uint8Array): Promise<void> {
    this.open();
    checkChain(chain);
    checkHeight(height);
    checkId(blockId, 'blockId');
    const _id = bin(chainKey(chain, heightBytes(height)));
    try {
      // insertOne is the compare-and-set: the unique _id lets exactly one id in per height.
      await this.signed.insertOne(
        { _id, c: chain, h: height, id: bin(blockId) },
        { writeConcern: TXN_OPTIONS.writeConcern },
      );
      return;
    } catch (err) {
      if (!(err instanceof MongoServerError && err.code === DUPLICATE_KEY)) throw toStoreError(err, 'recordSigned');
    }
    const existing = await this.guard('recordSigned', () =>
      this.signed.findOne({ _id }, { readConcern: { level: 'majority' } }),
    );
    if (existing && bytesEqual(bytes(existing.id), blockId)) return;
    const signed = existing ? toHex(bytes(existing.id)) : 'unknown';
    throw new StoreError(
      StoreErrorCode.SignerConflict,
      `already signed block ${signed} at height ${height} of ${chain}; refusing ${toHex(blockId)}`,
      { chain, height, signed, refused: toHex(blockId) },
    );
  }

  // ---- reads --------------------------------------------------------------------------------

  async getUtxos(chain: string, outputIds: readonly Uint8Array[]): Promise<(UtxoRecord | undefined)[]> {
    this.open();
    checkChain(chain);
    checkIds(outputIds, 'outputIds');
    if (outputIds.length === 0) return [];
    const keys = outputIds.map((id) => bin(chainKey(chain, id)));
    // A snapshot session: all outputs are read at one cluster time, so a commit is seen whole or not at all.
    const session = this.client.startSession({ snapshot: true });
    try {
      const found = new Map<string, Uint8Array>();
      const docs = await this.guard('getUtxos', () => this.utxos.find({ _id: { $in: keys } }, { session }).toArray());
      for (const doc of docs) found.set(toHex(bytes(doc._id)), bytes(doc.v));
      return outputIds.map((id, i) => {
        const raw = found.get(toHex(bytes(keys[i]!)));
        return raw && decodeUtxoValue(id, raw);
      });
    } finally {
      await session.endSession();
    }
  }

  async getUtxosByProgram(chain: string, controlProgram: Uint8Array, limit?: number): Promise<UtxoRecord[]> {
    this.open();
    checkChain(chain);
    const max = checkProgramQuery(controlProgram, limit);
    const session = this.client.startSession({ snapshot: true });
    try {
      const cursor = this.utxos.find({ c: chain, p: bin(programKey(controlProgram)) }, { session }).sort({ _id: 1 });
      if (limit !== undefined) cursor.limit(max);
      const docs = await this.guard('getUtxosByProgram', () => cursor.toArray());
      const prefix = chainKey(chain, new Uint8Array(0)).length;
      return docs.map((doc) => decodeUtxoValue(bytes(doc._id).subarray(prefix), bytes(doc.v)));
    } finally {
      await session.endSession();
    }
  }

  async getTip(chain: string): Promise<ChainTip | undefined> {
    return (await this.getChainState(chain)).tip;
  }

  async getChainState(chain: string): Promise<DurableChainState> {
    this.open();
    checkChain(chain);
    const state = await this.guard('getChainState', () =>
      this.chains.findOne({ _id: chain }, { readConcern: { level: 'majority' } }),
    );
    return { tip: state?.tip ? decodeTip(bytes(state.tip)) : undefined, revision: state?.rev ?? 0 };
  }

  async getMainChainBlockId(chain: string, height: number): Promise<Uint8Array | undefined> {
    this.open();
    checkChain(chain);
    checkHeight(height);
    const doc = await this.guard('getMainChainBlockId', () =>
      this.main.findOne({ _id: bin(chainKey(chain, heightBytes(height))) }),
    );
    return doc ? bytes(doc.id) : undefined;
  }

  async getMainChainRange(chain: string, fromHeight: number, toHeight: number): Promise<Uint8Array[]> {
    this.open();
    checkChain(chain);
    checkHeight(fromHeight, 'fromHeight');
    checkHeight(toHeight, 'toHeight');
    if (toHeight < fromHeight) return [];
    const docs = await this.guard('getMainChainRange', () =>
      this.main
        .find({ c: chain, h: { $gte: fromHeight, $lte: toHeight } })
        .sort({ h: 1 })
        .toArray(),
    );
    return docs.map((d) => bytes(d.id));
  }

  async getIrreversible(chain: string): Promise<ChainTip | undefined> {
    this.open();
    checkChain(chain);
    const state = await this.guard('getIrreversible', () => this.chains.findOne({ _id: chain }));
    return state?.irr ? decodeTip(bytes(state.irr)) : undefined;
  }

  async getBlockIndex(chain: string, blockId: Uint8Array): Promise<BlockIndexEntry | undefined> {
    this.open();
    checkChain(chain);
    checkId(blockId, 'blockId');
    const doc = await this.guard('getBlockIndex', () =>
      this.blocks.findOne({ _id: bin(chainKey(chain, blockId)) }, { projection: { e: 1 } }),
    );
    return doc ? decodeBlockIndexValue(blockId, bytes(doc.e)) : undefined;
  }

  async getBlockBody(chain: string, blockId: Uint8Array): Promise<Uint8Array | undefined> {
    this.open();
    checkChain(chain);
    checkId(blockId, 'blockId');
    const doc = await this.guard('getBlockBody', () =>
      this.blocks.findOne({ _id: bin(chainKey(chain, blockId)) }, { projection: { b: 1 } }),
    );
    return doc ? bytes(doc.b) : undefined;
  }

  async getTxLocation(chain: string, txId: Uint8Array): Promise<TxLocation | undefined> {
    this.open();
    checkChain(chain);
    checkId(txId, 'txId');
    const doc = await this.guard('getTxLocation', () => this.txs.findOne({ _id: bin(chainKey(chain, txId)) }));
    return doc ? decodeTxLocation(bytes(doc.l)) : undefined;
  }

  async getBlockDelta(chain: string, blockId: Uint8Array): Promise<BlockDelta | undefined> {
    this.open();
    checkChain(chain);
    checkId(blockId, 'blockId');
    const doc = await this.guard('getBlockDelta', () => this.deltas.findOne({ _id: bin(chainKey(chain, blockId)) }));
    return doc ? decodeDelta(chain, bytes(doc.d)) : undefined;
  }

  async getSigned(chain: string, height: number): Promise<Uint8Array | undefined> {
    this.open();
    checkChain(chain);
    checkHeight(height);
    const doc = await this.guard('getSigned', () =>
      this.signed.findOne({ _id: bin(chainKey(chain, heightBytes(height))) }, { readConcern: { level: 'majority' } }),
    );
    return doc ? bytes(doc.id) : undefined;
  }

  async getLastSigned(chain: string): Promise<SignedRecord | undefined> {
    this.open();
    checkChain(chain);
    const doc = await this.guard('getLastSigned', () =>
      this.signed.findOne({ c: chain }, { sort: { h: -1 }, readConcern: { level: 'majority' } }),
    );
    return doc ? { height: doc.h, blockId: bytes(doc.id) } : undefined;
  }

  async *scanUtxos(chain: string, batchSize = DEFAULT_SCAN_BATCH): AsyncIterable<UtxoRecord[]> {
    this.open();
    checkChain(chain);
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
      throw new StoreError(StoreErrorCode.InvalidArgument, 'batchSize must be a positive integer', {
        field: 'batchSize',
      });
    }
    const cursor = this.utxos.find({ c: chain }).batchSize(batchSize);
    const skip = chain.length + 1;
    let batch: UtxoRecord[] = [];
    try {
      for await (const doc of cursor) {
        batch.push(decodeUtxoValue(bytes(doc._id).slice(skip), bytes(doc.v)));
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
    } catch (err) {
      throw toStoreError(err, 'scanUtxos');
    } finally {
      await cursor.close();
    }
    if (batch.length > 0) yield batch;
  }

  async listChains(): Promise<string[]> {
    this.open();
    const docs = await this.guard('listChains', () => this.chains.find({}, { projection: { _id: 1 } }).toArray());
    const signers = await this.guard('listChains', () => this.signed.distinct('c'));
    return [...new Set([...docs.map((d) => d._id), ...signers])].sort();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsClient) await this.client.close();
  }

  // ---- helpers ------------------------------------------------------------------------------

  private async readTip(chain: string, session: ClientSession): Promise<ChainTip | undefined> {
    const state = await this.chains.findOne({ _id: chain }, { session });
    return state?.tip ? decodeTip(bytes(state.tip)) : undefined;
  }

  private open(): void {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed, 'mongodb store is closed');
  }

  private async transaction<T>(operation: string, fn: (session: ClientSession) => Promise<T>): Promise<T> {
    const session = this.client.startSession();
    try {
      return await session.withTransaction(fn, TXN_OPTIONS);
    } catch (err) {
      throw mongoError(err, operation);
    } finally {
      await session.endSession();
    }
  }

  private async guard<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw mongoError(err, operation);
    }
  }
}

/** Names the missing replica set instead of the server's "Transaction numbers are only allowed..." */
function mongoError(err: unknown, operation: string): StoreError {
  if (err instanceof MongoServerError && (err.code === 20 || /replica set|mongos/i.test(err.message))) {
    return new StoreError(
      StoreErrorCode.Unsupported,
      `${operation} needs MongoDB transactions: run a replica set (a single-node one is enough) or mongos`,
      { operation },
      { cause: err },
    );
  }
  return toStoreError(err, operation);
}

/** Connects (when given a URL) and returns the MongoDB durable store; creates its indexes. */
export async function createMongoStore(opts: MongoStoreOptions): Promise<DurableStore> {
  if (!opts?.client && !opts?.url) {
    throw new StoreError(StoreErrorCode.InvalidConfig, 'mongodb store needs a url or a client', { setting: 'url' });
  }
  const dbName = opts.dbName ?? 'bystack';
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(dbName)) {
    throw new StoreError(StoreErrorCode.InvalidConfig, 'dbName must be 1-63 characters of [A-Za-z0-9_-]', {
      setting: 'dbName',
    });
  }
  const client = opts.client ?? new MongoClient(opts.url!);
  try {
    if (!opts.client) await client.connect();
    const db = client.db(dbName);
    const store = new MongoDurableStore(client, !opts.client, db);
    await store.init(db);
    return store;
  } catch (err) {
    if (!opts.client) await client.close().catch(() => undefined);
    throw mongoError(err, 'connect');
  }
}
