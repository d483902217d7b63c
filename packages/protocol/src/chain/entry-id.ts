// Entry ids and entry bodies, Bytom v1.1.1 `protocol/bc/entry.go` (EntryID, writeForHash) and the
// per-type writeForHash of `protocol/bc/{txheader,mux,spend,output,retirement,coinbase,issuance,
// blockheader}.go`; asset ids from `protocol/bc/asset.go`.
//
//   entry id = SHA3("entryid:" || type || ":" || SHA3(body))
//   body: uint64 as 8 bytes little-endian, byte strings as varstr31, hashes raw (32 bytes),
//         lists as varint31 count + items, structs as their fields in declaration order.
//
// The side chain's entries (sidechain/entry-id.ts) reuse `hashEntry` and the struct writers.
import { HASH_LENGTH } from '../encoding/reader.ts';
import { ByteWriter } from '../encoding/writer.ts';
import { entryIdSha3, sha3 } from '../hash/sha3.ts';
import type { AssetAmount } from './types.ts';

/** bc.Program: a VM version and its code. */
export type EntryProgram = {
  readonly vmVersion: bigint;
  readonly code: Uint8Array;
};

/** bc.ValueSource: where value comes from (an entry, an amount of an asset, a position in it). */
export type ValueSource = {
  readonly ref: Uint8Array;
  readonly value: AssetAmount;
  readonly position: bigint;
};

/** The prefix `"entryid:" || type || ":"`, built once per entry type. */
export type EntryPrefix = Uint8Array;

export function entryPrefix(type: string): EntryPrefix {
  return new TextEncoder().encode(`entryid:${type}:`);
}

// One writer for every entry body: bodies are small and hashing is synchronous, so no entry
// is ever written while another is in progress.
const body = new ByteWriter(1024);

/** Hashes one entry: `writeBody` writes the entry's body (it must not hash another entry). */
export function hashEntry(prefix: EntryPrefix, writeBody: (w: ByteWriter) => void): Uint8Array {
  body.reset();
  writeBody(body);
  return entryIdSha3(prefix, body.view());
}

export function writeAssetAmount(w: ByteWriter, value: AssetAmount): void {
  w.writeHash(value.assetId);
  w.writeUint64LE(value.amount);
}

export function writeValueSource(w: ByteWriter, source: ValueSource): void {
  w.writeHash(source.ref);
  writeAssetAmount(w, source.value);
  w.writeUint64LE(source.position);
}

export function writeProgram(w: ByteWriter, program: EntryProgram): void {
  w.writeUint64LE(program.vmVersion);
  w.writeVarstr31(program.code);
}

/** Control programs of spend and output commitments always run on VM version 1. */
export function programV1(code: Uint8Array): EntryProgram {
  return { vmVersion: 1n, code };
}

const TX_HEADER = entryPrefix('txheader');
const MUX = entryPrefix('mux1');
const SPEND = entryPrefix('spend1');
const OUTPUT = entryPrefix('output1');
const RETIREMENT = entryPrefix('retirement1');
const COINBASE = entryPrefix('coinbase1');
const ISSUANCE = entryPrefix('issuance1');
const BLOCK_HEADER = entryPrefix('blockheader');

/** The transaction id: header entry of version, time range and result ids (size is not hashed). */
export function txHeaderEntryId(version: bigint, timeRange: bigint, resultIds: readonly Uint8Array[]): Uint8Array {
  return hashEntry(TX_HEADER, (w) => {
    w.writeUint64LE(version);
    w.writeUint64LE(timeRange);
    w.writeVarint31(resultIds.length);
    for (const id of resultIds) w.writeHash(id);
  });
}

export function muxEntryId(sources: readonly ValueSource[], program: EntryProgram): Uint8Array {
  return hashEntry(MUX, (w) => {
    w.writeVarint31(sources.length);
    for (const source of sources) writeValueSource(w, source);
    writeProgram(w, program);
  });
}

export function spendEntryId(spentOutputId: Uint8Array): Uint8Array {
  return hashEntry(SPEND, (w) => w.writeHash(spentOutputId));
}

/** Main-chain output (type output1); its ordinal is not hashed. */
export function outputEntryId(source: ValueSource, controlProgram: EntryProgram): Uint8Array {
  return hashEntry(OUTPUT, (w) => {
    writeValueSource(w, source);
    writeProgram(w, controlProgram);
  });
}

export function retirementEntryId(source: ValueSource): Uint8Array {
  return hashEntry(RETIREMENT, (w) => writeValueSource(w, source));
}

export function coinbaseEntryId(arbitrary: Uint8Array): Uint8Array {
  return hashEntry(COINBASE, (w) => w.writeVarstr31(arbitrary));
}

export function issuanceEntryId(nonceHash: Uint8Array, value: AssetAmount): Uint8Array {
  return hashEntry(ISSUANCE, (w) => {
    w.writeHash(nonceHash);
    writeAssetAmount(w, value);
  });
}

/** The fields of a main-chain block header that its id covers (all of them). */
export type BlockHeaderFields = {
  readonly version: bigint;
  readonly height: bigint;
  readonly previousBlockId: Uint8Array;
  readonly timestamp: bigint;
  readonly transactionsMerkleRoot: Uint8Array;
  readonly transactionStatusHash: Uint8Array;
  readonly nonce: bigint;
  readonly bits: bigint;
};

/** Main-chain block id. Note the body order: bits before nonce (`protocol/bc/blockheader.go`). */
export function blockHeaderEntryId(h: BlockHeaderFields): Uint8Array {
  return hashEntry(BLOCK_HEADER, (w) => {
    w.writeUint64LE(h.version);
    w.writeUint64LE(h.height);
    w.writeHash(h.previousBlockId);
    w.writeUint64LE(h.timestamp);
    w.writeHash(h.transactionsMerkleRoot);
    w.writeHash(h.transactionStatusHash);
    w.writeUint64LE(h.bits);
    w.writeUint64LE(h.nonce);
  });
}

/**
 * Asset id of an issuance program and definition (`protocol/bc/asset.go` ComputeAssetID): the hash of
 * bc.AssetDefinition {issuance program {vm version, code}, SHA3(raw definition)}, with no entry prefix.
 */
export function computeAssetId(
  issuanceProgram: Uint8Array,
  vmVersion: bigint,
  assetDefinitionHash: Uint8Array,
): Uint8Array {
  body.reset();
  writeProgram(body, { vmVersion, code: issuanceProgram });
  body.writeHash(assetDefinitionHash);
  return sha3(body.view());
}

/** SHA3 of the raw asset definition, as committed in asset ids. */
export function assetDefinitionHash(assetDefinition: Uint8Array): Uint8Array {
  return sha3(assetDefinition);
}

/** Signature hash of input i: SHA3(inputEntryId || txId) (`protocol/bc/tx.go` SigHash). */
export function computeSigHash(inputEntryId: Uint8Array, txId: Uint8Array): Uint8Array {
  const input = new Uint8Array(2 * HASH_LENGTH);
  input.set(inputEntryId);
  input.set(txId, HASH_LENGTH);
  return sha3(input);
}
