// Boundary checks: every public store method checks its arguments here before touching a backend,
// so bad input is a typed InvalidArgument error and never a half-written block.
import { bytesKey } from '../bytes.ts';
import { StoreError, StoreErrorCode } from './errors.ts';
import type { BlockCommit, BlockIndexEntry, UtxoRecord } from './types.ts';

/** Chain ids go into LMDB keys, Redis keys (inside a {hash tag}) and MongoDB fields: keep them plain. */
const CHAIN_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Ids are hashes (32 bytes in Bytom and Vapor); anything from 1 to 64 bytes is filed. */
const MAX_ID_BYTES = 64;
const U64_LIMIT = 1n << 64n;

function invalid(field: string, message: string): StoreError {
  return new StoreError(StoreErrorCode.InvalidArgument, `${field} ${message}`, { field });
}

export function checkChain(chain: unknown): string {
  if (typeof chain !== 'string' || !CHAIN_ID.test(chain)) {
    throw invalid('chain', 'must be 1-64 characters of [A-Za-z0-9_.-] starting with a letter or digit');
  }
  return chain;
}

const NOT_AN_ID = `must be a Uint8Array of 1 to ${MAX_ID_BYTES} bytes`;

function isId(id: unknown): id is Uint8Array {
  return id instanceof Uint8Array && id.length > 0 && id.length <= MAX_ID_BYTES;
}

export function checkId(id: unknown, field: string): Uint8Array {
  if (!isId(id)) throw invalid(field, NOT_AN_ID);
  return id;
}

// The per-item checks below name the field only when they throw: a block commit checks ~20,000 ids.
export function checkIds(ids: readonly Uint8Array[], field: string): void {
  if (!Array.isArray(ids)) throw invalid(field, 'must be an array');
  for (let i = 0; i < ids.length; i++) if (!isId(ids[i])) throw invalid(`${field}[${i}]`, NOT_AN_ID);
}

function checkBytes(value: unknown, field: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw invalid(field, 'must be a Uint8Array');
  return value;
}

export function checkHeight(height: unknown, field = 'height'): number {
  if (typeof height !== 'number' || !Number.isSafeInteger(height) || height < 0) {
    throw invalid(field, 'must be a non-negative safe integer');
  }
  return height;
}

/** Arguments of getUtxosByProgram: any program bytes; an optional positive limit. Returns the limit. */
export function checkProgramQuery(controlProgram: unknown, limit: unknown): number {
  checkBytes(controlProgram, 'controlProgram');
  if (limit === undefined) return Number.MAX_SAFE_INTEGER;
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
    throw invalid('limit', 'must be a positive safe integer');
  }
  return limit;
}

function checkWork(work: unknown, field: string): void {
  if (typeof work !== 'bigint' || work < 0n) throw invalid(field, 'must be a non-negative bigint');
}

/** created[i] of a commit at `height`. */
function checkCreated(r: UtxoRecord, i: number, height: number): void {
  if (typeof r !== 'object' || r === null) throw invalid(`created[${i}]`, 'must be a UTXO record');
  if (!isId(r.outputId)) throw invalid(`created[${i}].outputId`, NOT_AN_ID);
  if (!(r.assetId instanceof Uint8Array)) throw invalid(`created[${i}].assetId`, 'must be a Uint8Array');
  if (!(r.controlProgram instanceof Uint8Array)) throw invalid(`created[${i}].controlProgram`, 'must be a Uint8Array');
  if (typeof r.amount !== 'bigint' || r.amount < 0n || r.amount >= U64_LIMIT) {
    throw invalid(`created[${i}].amount`, 'must be a bigint in [0, 2^64)');
  }
  if (r.height !== height) {
    checkHeight(r.height, `created[${i}].height`);
    throw invalid(`created[${i}].height`, `must equal the block height ${height}`);
  }
  if (typeof r.coinbase !== 'boolean') throw invalid(`created[${i}].coinbase`, 'must be a boolean');
  if (r.vote !== undefined && !(r.vote instanceof Uint8Array)) {
    throw invalid(`created[${i}].vote`, 'must be a Uint8Array');
  }
  if (r.crossChain !== undefined && typeof r.crossChain !== 'boolean') {
    throw invalid(`created[${i}].crossChain`, 'must be a boolean');
  }
  if (Number(r.coinbase) + Number(r.vote !== undefined) + Number(r.crossChain === true) > 1) {
    throw invalid(`created[${i}]`, 'is at most one of coinbase, vote and cross-chain marker');
  }
}

/** A parent id is empty exactly for height 0. */
function checkParent(parentId: unknown, height: number, field: string): void {
  checkBytes(parentId, field);
  if (height === 0 && (parentId as Uint8Array).length !== 0) throw invalid(field, 'must be empty at height 0');
  if (height > 0) checkId(parentId, field);
}

export function checkIndexEntry(e: BlockIndexEntry, field = 'entry'): void {
  if (typeof e !== 'object' || e === null) throw invalid(field, 'must be a block index entry');
  checkId(e.blockId, `${field}.blockId`);
  checkHeight(e.height, `${field}.height`);
  checkParent(e.parentId, e.height, `${field}.parentId`);
  checkBytes(e.header, `${field}.header`);
  checkWork(e.work, `${field}.work`);
}

/** Checks a commit's shape: ids, heights, no output created or spent twice, no tx listed twice. */
export function checkCommit(c: BlockCommit): void {
  if (typeof c !== 'object' || c === null) throw invalid('commit', 'must be a BlockCommit');
  checkChain(c.chain);
  checkHeight(c.height);
  checkId(c.blockId, 'blockId');
  checkParent(c.parentId, c.height, 'parentId');
  checkBytes(c.header, 'header');
  checkBytes(c.blockBytes, 'blockBytes');
  checkWork(c.work, 'work');
  if (!Array.isArray(c.txIds) || !Array.isArray(c.spent) || !Array.isArray(c.created)) {
    throw invalid('commit', 'txIds, spent and created must be arrays');
  }
  if (c.txIds.length > 0xffffffff) throw invalid('txIds', 'has too many entries');
  unique(c.txIds, 'txIds');
  unique(c.spent, 'spent');
  const created = new Set<string>();
  for (let i = 0; i < c.created.length; i++) {
    const r = c.created[i]!;
    checkCreated(r, i, c.height);
    const k = bytesKey(r.outputId);
    if (created.has(k)) throw invalid(`created[${i}]`, 'is listed twice');
    created.add(k);
  }
}

function unique(ids: readonly Uint8Array[], field: string): void {
  const seen = new Set<string>();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!isId(id)) throw invalid(`${field}[${i}]`, NOT_AN_ID);
    const k = bytesKey(id);
    if (seen.has(k)) throw invalid(`${field}[${i}]`, 'is listed twice');
    seen.add(k);
  }
}
