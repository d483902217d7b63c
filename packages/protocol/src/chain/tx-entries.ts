// Main-chain mapping of a transaction to its entry graph, Bytom v1.1.1 `protocol/bc/types/map.go`
// (mapTx) and `txoutput.go` (ComputeOutputID):
//   issuance -> issuance1 {SHA3(nonce), computed asset id + amount}
//   spend    -> spend1 {id of the output1 entry rebuilt from the carried previous output}
//   coinbase -> coinbase1 {arbitrary}, valued as outputs[0]
//   outputs  -> output1 {mux source, program} or retirement1 {mux source}
//
// Input i's id is the entry of input i. (Upstream fills InputIDs by ordinal and puts every
// coinbase at 0, which differs only for a coinbase that is not input 0: never valid anyway.)
import { EncodeError, EncodeErrorCode } from '../encoding/errors.ts';
import { sha3 } from '../hash/sha3.ts';
import {
  assetDefinitionHash,
  coinbaseEntryId,
  computeAssetId,
  issuanceEntryId,
  outputEntryId,
  programV1,
  retirementEntryId,
  spendEntryId,
  type ValueSource,
} from './entry-id.ts';
import { assembleTxEntries, isRetirementProgram, type TxEntries } from './tx-graph.ts';
import type { AssetAmount, IssuanceInput, SpendCommitment, Tx, TxOutput } from './types.ts';

/** Every id of a transaction's entry graph, computed once (the validation hot path). */
export function createTxEntries(tx: Tx): TxEntries {
  return mapTx(tx, true);
}

export function txId(tx: Tx): Uint8Array {
  return mapTx(tx, false).txId;
}

/** Id of the output a spend commitment describes (upstream ComputeOutputID). */
export function computeSpentOutputId(commitment: SpendCommitment): Uint8Array {
  const value = { assetId: commitment.assetId, amount: commitment.amount };
  return outputEntryId(
    { ref: commitment.sourceId, value, position: commitment.sourcePosition },
    programV1(commitment.controlProgram),
  );
}

export function issuanceAssetId(input: IssuanceInput): Uint8Array {
  return computeAssetId(input.issuanceProgram, input.vmVersion, assetDefinitionHash(input.assetDefinition));
}

function mapTx(tx: Tx, withSigHashes: boolean): TxEntries {
  const inputIds: Uint8Array[] = [];
  const inputValues: AssetAmount[] = [];
  const spentOutputIds: (Uint8Array | undefined)[] = [];
  for (const input of tx.inputs) {
    let value: AssetAmount;
    let spent: Uint8Array | undefined;
    let id: Uint8Array;
    switch (input.type) {
      case 'issuance':
        value = { assetId: issuanceAssetId(input), amount: input.amount };
        id = issuanceEntryId(sha3(input.nonce), value);
        break;
      case 'spend':
        value = { assetId: input.assetId, amount: input.amount };
        spent = computeSpentOutputId(input);
        id = spendEntryId(spent);
        break;
      case 'coinbase': {
        const first = tx.outputs[0];
        if (first === undefined) {
          throw new EncodeError(EncodeErrorCode.COINBASE_WITHOUT_OUTPUT, 'coinbase transaction without outputs');
        }
        value = { assetId: first.assetId, amount: first.amount };
        id = coinbaseEntryId(input.arbitrary);
        break;
      }
    }
    inputIds.push(id);
    inputValues.push(value);
    spentOutputIds.push(spent);
  }
  return assembleTxEntries(tx, { inputIds, inputValues, spentOutputIds }, resultEntryId, withSigHashes);
}

function resultEntryId(source: ValueSource, output: TxOutput): Uint8Array {
  return isRetirementProgram(output.controlProgram)
    ? retirementEntryId(source)
    : outputEntryId(source, programV1(output.controlProgram));
}
