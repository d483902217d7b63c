// Wire pieces shared by the main chain and the side chain: asset version, the input envelope
// (commitment and witness extensible strings), the spend commitment, the output commitment, the
// output witness, and the transaction frame. They follow Bytom v1.1.1 `protocol/bc/types/`
// txinput.go, spend_commitment.go, output_commitment.go, txoutput.go and transaction.go; Vapor's
// files of the same names have the same layout for these pieces.
import { DecodeError, DecodeErrorCode } from '../encoding/errors.ts';
import type { ByteReader } from '../encoding/reader.ts';
import type { ByteWriter } from '../encoding/writer.ts';
import type { CoinbaseInput, InputSuffixes, SpendCommitment, SpendInput } from './types.ts';

/** The only asset version (and commitment VM version) with a defined meaning. */
const VERSION_1 = 1n;

/** Transaction serialization flags: upstream accepts exactly 0x07. */
export const TX_SERFLAGS = 0x07;

export function writeAssetVersion(w: ByteWriter): void {
  w.writeVarint63(VERSION_1);
}

export function readAssetVersion(r: ByteReader): void {
  const offset = r.offset;
  const version = r.readVarint63();
  if (version !== VERSION_1) {
    throw new DecodeError(DecodeErrorCode.UNKNOWN_ASSET_VERSION, `asset version ${version}`, { offset });
  }
}

function readCommitmentVmVersion(r: ByteReader): void {
  const offset = r.offset;
  const version = r.readVarint63();
  if (version !== VERSION_1) {
    throw new DecodeError(DecodeErrorCode.UNKNOWN_VM_VERSION, `vm version ${version}`, { offset });
  }
}

export function unknownType(kind: string, type: number, r: ByteReader): DecodeError {
  return new DecodeError(DecodeErrorCode.UNKNOWN_TYPE, `unknown ${kind} type ${type}`, { offset: r.offset - 1 });
}

/**
 * An input: asset version 1, then the commitment string (type byte + body), then the witness string.
 * `readCommitment` reads the body for a type byte and returns the reader of the witness, which
 * builds the input; the suffixes of both strings are attached to it.
 */
export function readInputEnvelope<I extends InputSuffixes>(
  r: ByteReader,
  readCommitment: (r: ByteReader, type: number) => (r: ByteReader) => I,
): I {
  readAssetVersion(r);
  const commitmentEnd = r.openExtensible();
  const readWitness = readCommitment(r, r.readByte());
  const commitmentSuffix = r.closeExtensible(commitmentEnd);
  const witnessEnd = r.openExtensible();
  const input = readWitness(r);
  const witnessSuffix = r.closeExtensible(witnessEnd);
  return { ...input, commitmentSuffix, witnessSuffix };
}

export function writeInputEnvelope(
  w: ByteWriter,
  type: number,
  suffixes: InputSuffixes,
  writeCommitment: (w: ByteWriter) => void,
  writeWitness: (w: ByteWriter) => void,
): void {
  writeAssetVersion(w);
  const commitment = w.openExtensible();
  w.writeByte(type);
  writeCommitment(w);
  w.closeExtensible(commitment, suffixes.commitmentSuffix);
  const witness = w.openExtensible();
  writeWitness(w);
  w.closeExtensible(witness, suffixes.witnessSuffix);
}

/** Type bytes that both chains give their spend and coinbase inputs. */
export const SPEND_INPUT_TYPE = 0x01;
export const COINBASE_INPUT_TYPE = 0x02;

/** Commitment of a spend input; returns the reader of its witness (the arguments). */
export function readSpendInput(r: ByteReader): (r: ByteReader) => SpendInput {
  const commitment = readSpendCommitment(r);
  return (r) => ({ type: 'spend', ...commitment, arguments: r.readVarstrList() });
}

export function writeSpendInput(w: ByteWriter, input: SpendInput): void {
  writeInputEnvelope(
    w,
    SPEND_INPUT_TYPE,
    input,
    (w) => writeSpendCommitment(w, input),
    (w) => w.writeVarstrList(input.arguments),
  );
}

/** Commitment of a coinbase input; its witness is empty. */
export function readCoinbaseInput(r: ByteReader): () => CoinbaseInput {
  const arbitrary = r.readVarstr31();
  return () => ({ type: 'coinbase', arbitrary });
}

export function writeCoinbaseInput(w: ByteWriter, input: CoinbaseInput): void {
  writeInputEnvelope(
    w,
    COINBASE_INPUT_TYPE,
    input,
    (w) => w.writeVarstr31(input.arbitrary),
    () => {},
  );
}

/** The previous output carried by a spend-like input, in its own extensible string. */
export function readSpendCommitment(r: ByteReader): SpendCommitment {
  const end = r.openExtensible();
  const sourceId = r.readHash();
  const assetId = r.readHash();
  const amount = r.readVarint63();
  const sourcePosition = r.readVarint63();
  readCommitmentVmVersion(r);
  const controlProgram = r.readVarstr31();
  const spendCommitmentSuffix = r.closeExtensible(end);
  return { sourceId, assetId, amount, sourcePosition, controlProgram, spendCommitmentSuffix };
}

// Upstream's writer appends the suffix twice (once in writeContents, once in
// WriteExtensibleString), which breaks its own round trip; we write it once, as it was read.
export function writeSpendCommitment(w: ByteWriter, c: SpendCommitment): void {
  const start = w.openExtensible();
  w.writeHash(c.sourceId);
  w.writeHash(c.assetId);
  w.writeVarint63(c.amount);
  w.writeVarint63(c.sourcePosition);
  w.writeVarint63(VERSION_1);
  w.writeVarstr31(c.controlProgram);
  w.closeExtensible(start, c.spendCommitmentSuffix);
}

/** types.OutputCommitment: asset, amount, VM version 1, control program, in an extensible string. */
export type OutputCommitment = {
  readonly assetId: Uint8Array;
  readonly amount: bigint;
  readonly controlProgram: Uint8Array;
  readonly suffix: Uint8Array | undefined;
};

export function readOutputCommitment(r: ByteReader): OutputCommitment {
  const end = r.openExtensible();
  const assetId = r.readHash();
  const amount = r.readVarint63();
  readCommitmentVmVersion(r);
  const controlProgram = r.readVarstr31();
  return { assetId, amount, controlProgram, suffix: r.closeExtensible(end) };
}

export function writeOutputCommitment(
  w: ByteWriter,
  c: { readonly assetId: Uint8Array; readonly amount: bigint; readonly controlProgram: Uint8Array },
  suffix: Uint8Array | undefined,
): void {
  const start = w.openExtensible();
  w.writeHash(c.assetId);
  w.writeVarint63(c.amount);
  w.writeVarint63(VERSION_1);
  w.writeVarstr31(c.controlProgram);
  w.closeExtensible(start, suffix);
}

/** The output witness: a byte string upstream reads and ignores (and writes empty). */
export function readOutputWitness(r: ByteReader): Uint8Array | undefined {
  const witness = r.readVarstr31();
  return witness.length > 0 ? witness : undefined;
}

export function writeOutputWitness(w: ByteWriter, witness: Uint8Array | undefined): void {
  w.writeVarstr31(witness ?? EMPTY);
}

const EMPTY = new Uint8Array(0);

/** The transaction frame, generic over a chain's inputs and outputs. */
export type TxFrame<I, O> = {
  readonly version: bigint;
  readonly timeRange: bigint;
  readonly inputs: readonly I[];
  readonly outputs: readonly O[];
  readonly serializedSize?: number | undefined;
};

export function readTxFrame<I, O>(
  r: ByteReader,
  readInput: (r: ByteReader) => I,
  readOutput: (r: ByteReader) => O,
): TxFrame<I, O> {
  const start = r.offset;
  const serflags = r.readByte();
  if (serflags !== TX_SERFLAGS) {
    throw new DecodeError(DecodeErrorCode.BAD_SERFLAGS, `tx serflags 0x${serflags.toString(16)}`, { offset: start });
  }
  const version = r.readVarint63();
  const timeRange = r.readVarint63();
  const inputs: I[] = [];
  for (let n = r.readCount(); n > 0; n--) inputs.push(readInput(r));
  const outputs: O[] = [];
  for (let n = r.readCount(); n > 0; n--) outputs.push(readOutput(r));
  return { version, timeRange, inputs, outputs, serializedSize: r.offset - start };
}

export function writeTxFrame<I, O>(
  w: ByteWriter,
  tx: TxFrame<I, O>,
  writeInput: (w: ByteWriter, input: I) => void,
  writeOutput: (w: ByteWriter, output: O) => void,
): void {
  w.writeByte(TX_SERFLAGS);
  w.writeVarint63(tx.version);
  w.writeVarint63(tx.timeRange);
  w.writeVarint31(tx.inputs.length);
  for (const input of tx.inputs) writeInput(w, input);
  w.writeVarint31(tx.outputs.length);
  for (const output of tx.outputs) writeOutput(w, output);
}
