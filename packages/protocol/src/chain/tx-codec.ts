// Main-chain transaction wire format, Bytom v1.1.1 `protocol/bc/types/transaction.go`, `txinput.go`
// (issuance 0, spend 1, coinbase 2), `txoutput.go`, `issuance.go`, `coinbase.go`, `spend.go`.

import { equalBytes } from '../encoding/bytes.ts';
import { DecodeError, DecodeErrorCode } from '../encoding/errors.ts';
import { ByteReader } from '../encoding/reader.ts';
import { ByteWriter } from '../encoding/writer.ts';
import { assetDefinitionHash, computeAssetId } from './entry-id.ts';
import { issuanceAssetId } from './tx-entries.ts';
import type { IssuanceInput, Tx, TxInput, TxOutput } from './types.ts';
import {
  COINBASE_INPUT_TYPE,
  readAssetVersion,
  readCoinbaseInput,
  readInputEnvelope,
  readOutputCommitment,
  readOutputWitness,
  readSpendInput,
  readTxFrame,
  SPEND_INPUT_TYPE,
  unknownType,
  writeAssetVersion,
  writeCoinbaseInput,
  writeInputEnvelope,
  writeOutputCommitment,
  writeOutputWitness,
  writeSpendInput,
  writeTxFrame,
} from './wire-parts.ts';

export const TxInputTypeByte = { issuance: 0, spend: SPEND_INPUT_TYPE, coinbase: COINBASE_INPUT_TYPE } as const;

export function decodeTx(bytes: Uint8Array): Tx {
  const r = new ByteReader(bytes);
  const tx = readTx(r);
  r.expectEnd();
  return tx;
}

export function encodeTx(tx: Tx): Uint8Array {
  const w = new ByteWriter(512);
  writeTx(w, tx);
  return w.toBytes();
}

export function decodeTxInput(bytes: Uint8Array): TxInput {
  const r = new ByteReader(bytes);
  const input = readTxInput(r);
  r.expectEnd();
  return input;
}

export function encodeTxInput(input: TxInput): Uint8Array {
  const w = new ByteWriter();
  writeTxInput(w, input);
  return w.toBytes();
}

export function decodeTxOutput(bytes: Uint8Array): TxOutput {
  const r = new ByteReader(bytes);
  const output = readTxOutput(r);
  r.expectEnd();
  return output;
}

export function encodeTxOutput(output: TxOutput): Uint8Array {
  const w = new ByteWriter();
  writeTxOutput(w, output);
  return w.toBytes();
}

export function readTx(r: ByteReader): Tx {
  const offset = r.offset;
  const tx = readTxFrame(r, readTxInput, readTxOutput);
  // Upstream maps a coinbase's value from outputs[0] and would panic without one.
  if (tx.outputs.length === 0 && tx.inputs.some((input) => input.type === 'coinbase')) {
    throw new DecodeError(DecodeErrorCode.COINBASE_WITHOUT_OUTPUT, 'coinbase transaction without outputs', { offset });
  }
  return tx;
}

export function writeTx(w: ByteWriter, tx: Tx): void {
  writeTxFrame(w, tx, writeTxInput, writeTxOutput);
}

export function readTxInput(r: ByteReader): TxInput {
  return readInputEnvelope<TxInput>(r, readInputCommitment);
}

function readInputCommitment(r: ByteReader, type: number): (r: ByteReader) => TxInput {
  switch (type) {
    case TxInputTypeByte.issuance: {
      const nonce = r.readVarstr31();
      const committedAssetId = r.readHash();
      const amount = r.readVarint63();
      return (r) => readIssuanceWitness(r, nonce, committedAssetId, amount);
    }
    case TxInputTypeByte.spend:
      return readSpendInput(r);
    case TxInputTypeByte.coinbase:
      return readCoinbaseInput(r);
    default:
      throw unknownType('input', type, r);
  }
}

// The issuance witness carries what the asset id is computed from; the id committed in the
// commitment must match it, checked before the arguments are read (as upstream does).
function readIssuanceWitness(
  r: ByteReader,
  nonce: Uint8Array,
  committedAssetId: Uint8Array,
  amount: bigint,
): IssuanceInput {
  const assetDefinition = r.readVarstr31();
  const vmVersion = r.readVarint63();
  const issuanceProgram = r.readVarstr31();
  const assetId = computeAssetId(issuanceProgram, vmVersion, assetDefinitionHash(assetDefinition));
  if (!equalBytes(assetId, committedAssetId)) {
    throw new DecodeError(DecodeErrorCode.ASSET_ID_MISMATCH, 'issuance asset id does not match its program', {
      offset: r.offset,
    });
  }
  const args = r.readVarstrList();
  return { type: 'issuance', nonce, amount, assetDefinition, vmVersion, issuanceProgram, arguments: args };
}

export function writeTxInput(w: ByteWriter, input: TxInput): void {
  switch (input.type) {
    case 'issuance': {
      const assetId = issuanceAssetId(input);
      writeInputEnvelope(
        w,
        TxInputTypeByte.issuance,
        input,
        (w) => {
          w.writeVarstr31(input.nonce);
          w.writeHash(assetId);
          w.writeVarint63(input.amount);
        },
        (w) => {
          w.writeVarstr31(input.assetDefinition);
          w.writeVarint63(input.vmVersion);
          w.writeVarstr31(input.issuanceProgram);
          w.writeVarstrList(input.arguments);
        },
      );
      return;
    }
    case 'spend':
      writeSpendInput(w, input);
      return;
    case 'coinbase':
      writeCoinbaseInput(w, input);
      return;
  }
}

export function readTxOutput(r: ByteReader): TxOutput {
  readAssetVersion(r);
  const commitment = readOutputCommitment(r);
  const witnessSuffix = readOutputWitness(r);
  return {
    assetId: commitment.assetId,
    amount: commitment.amount,
    controlProgram: commitment.controlProgram,
    commitmentSuffix: commitment.suffix,
    witnessSuffix,
  };
}

export function writeTxOutput(w: ByteWriter, output: TxOutput): void {
  writeAssetVersion(w);
  writeOutputCommitment(w, output, output.commitmentSuffix);
  writeOutputWitness(w, output.witnessSuffix);
}
