// Side-chain transaction wire format, Vapor `protocol/bc/types/transaction.go`, `txinput.go`
// (cross-chain 0, spend 1, coinbase 2, veto 3), `txoutput.go` (intra-chain 0, cross-chain 1,
// vote 2), `crosschain_input.go`, `veto_input.go`, `vote_output.go`. The frame, spend and coinbase
// inputs and the commitments are the main chain's (chain/wire-parts.ts).

import {
  COINBASE_INPUT_TYPE,
  readAssetVersion,
  readCoinbaseInput,
  readInputEnvelope,
  readOutputCommitment,
  readOutputWitness,
  readSpendCommitment,
  readSpendInput,
  readTxFrame,
  SPEND_INPUT_TYPE,
  unknownType,
  writeAssetVersion,
  writeCoinbaseInput,
  writeInputEnvelope,
  writeOutputCommitment,
  writeOutputWitness,
  writeSpendCommitment,
  writeSpendInput,
  writeTxFrame,
} from '../chain/wire-parts.ts';
import { ByteReader } from '../encoding/reader.ts';
import { ByteWriter } from '../encoding/writer.ts';
import type { SideCrossChainInput, SideTx, SideTxInput, SideTxOutput, SideVetoInput } from './types.ts';

export const SideTxInputTypeByte = {
  crossChain: 0,
  spend: SPEND_INPUT_TYPE,
  coinbase: COINBASE_INPUT_TYPE,
  veto: 3,
} as const;

export const SideTxOutputTypeByte = { intraChain: 0, crossChain: 1, vote: 2 } as const;

export function decodeSideTx(bytes: Uint8Array): SideTx {
  const r = new ByteReader(bytes);
  const tx = readSideTx(r);
  r.expectEnd();
  return tx;
}

export function encodeSideTx(tx: SideTx): Uint8Array {
  const w = new ByteWriter(512);
  writeSideTx(w, tx);
  return w.toBytes();
}

export function decodeSideTxInput(bytes: Uint8Array): SideTxInput {
  const r = new ByteReader(bytes);
  const input = readSideTxInput(r);
  r.expectEnd();
  return input;
}

export function encodeSideTxInput(input: SideTxInput): Uint8Array {
  const w = new ByteWriter();
  writeSideTxInput(w, input);
  return w.toBytes();
}

export function decodeSideTxOutput(bytes: Uint8Array): SideTxOutput {
  const r = new ByteReader(bytes);
  const output = readSideTxOutput(r);
  r.expectEnd();
  return output;
}

export function encodeSideTxOutput(output: SideTxOutput): Uint8Array {
  const w = new ByteWriter();
  writeSideTxOutput(w, output);
  return w.toBytes();
}

export function readSideTx(r: ByteReader): SideTx {
  return readTxFrame(r, readSideTxInput, readSideTxOutput);
}

export function writeSideTx(w: ByteWriter, tx: SideTx): void {
  writeTxFrame(w, tx, writeSideTxInput, writeSideTxOutput);
}

export function readSideTxInput(r: ByteReader): SideTxInput {
  return readInputEnvelope<SideTxInput>(r, readInputCommitment);
}

function readInputCommitment(r: ByteReader, type: number): (r: ByteReader) => SideTxInput {
  switch (type) {
    case SideTxInputTypeByte.crossChain: {
      const commitment = readSpendCommitment(r);
      const issuanceVmVersion = r.readVarint63();
      const assetDefinition = r.readVarstr31();
      const issuanceProgram = r.readVarstr31();
      return (r): SideCrossChainInput => ({
        type: 'crossChain',
        ...commitment,
        issuanceVmVersion,
        assetDefinition,
        issuanceProgram,
        arguments: r.readVarstrList(),
      });
    }
    case SideTxInputTypeByte.spend:
      return readSpendInput(r);
    case SideTxInputTypeByte.coinbase:
      return readCoinbaseInput(r);
    case SideTxInputTypeByte.veto: {
      const commitment = readSpendCommitment(r);
      const vote = r.readVarstr31();
      return (r): SideVetoInput => ({ type: 'veto', ...commitment, vote, arguments: r.readVarstrList() });
    }
    default:
      throw unknownType('input', type, r);
  }
}

export function writeSideTxInput(w: ByteWriter, input: SideTxInput): void {
  switch (input.type) {
    case 'crossChain':
      writeInputEnvelope(
        w,
        SideTxInputTypeByte.crossChain,
        input,
        (w) => {
          writeSpendCommitment(w, input);
          w.writeVarint63(input.issuanceVmVersion);
          w.writeVarstr31(input.assetDefinition);
          w.writeVarstr31(input.issuanceProgram);
        },
        (w) => w.writeVarstrList(input.arguments),
      );
      return;
    case 'spend':
      writeSpendInput(w, input);
      return;
    case 'coinbase':
      writeCoinbaseInput(w, input);
      return;
    case 'veto':
      writeInputEnvelope(
        w,
        SideTxInputTypeByte.veto,
        input,
        (w) => {
          writeSpendCommitment(w, input);
          w.writeVarstr31(input.vote);
        },
        (w) => w.writeVarstrList(input.arguments),
      );
      return;
  }
}

// Output: asset version 1, then a string holding the type byte, the vote (vote outputs only) and
// the output commitment string, then the (ignored) witness string.
export function readSideTxOutput(r: ByteReader): SideTxOutput {
  readAssetVersion(r);
  const end = r.openExtensible();
  const type = r.readByte();
  let vote: Uint8Array | undefined;
  switch (type) {
    case SideTxOutputTypeByte.intraChain:
    case SideTxOutputTypeByte.crossChain:
      break;
    case SideTxOutputTypeByte.vote:
      vote = r.readVarstr31();
      break;
    default:
      throw unknownType('output', type, r);
  }
  const commitment = readOutputCommitment(r);
  const commitmentSuffix = r.closeExtensible(end);
  const witnessSuffix = readOutputWitness(r);
  const fields = {
    assetId: commitment.assetId,
    amount: commitment.amount,
    controlProgram: commitment.controlProgram,
    commitmentSuffix,
    outputCommitmentSuffix: commitment.suffix,
    witnessSuffix,
  };
  if (vote !== undefined) return { type: 'vote', vote, ...fields };
  return { type: type === SideTxOutputTypeByte.intraChain ? 'intraChain' : 'crossChain', ...fields };
}

export function writeSideTxOutput(w: ByteWriter, output: SideTxOutput): void {
  writeAssetVersion(w);
  const start = w.openExtensible();
  w.writeByte(SideTxOutputTypeByte[output.type]);
  if (output.type === 'vote') w.writeVarstr31(output.vote);
  writeOutputCommitment(w, output, output.outputCommitmentSuffix);
  w.closeExtensible(start, output.commitmentSuffix);
  writeOutputWitness(w, output.witnessSuffix);
}
