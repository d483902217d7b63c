// Side-chain mapping of a transaction to its entry graph, Vapor `protocol/bc/types/map.go` (mapTx)
// and `txoutput.go` (ComputeOutputID):
//   spend      -> spend1 {id of the intrachainoutput1 rebuilt from the carried previous output}
//   veto       -> vetoInput1 {id of the voteoutput1 rebuilt from the carried output and vote}
//   cross-chain-> crosschaininput1 {id of the carried (main-chain) output, rebuilt as an
//                 intrachainoutput1 entry, and the asset definition}
//   coinbase   -> coinbase1 {arbitrary}, valued as BTM: the sum of all outputs (uint64, wrapping)
//   outputs    -> retirement1 if the program starts with OP_FAIL, else intrachainoutput1 /
//                 crosschainoutput1 / voteoutput1 by type
// The mux, the tx header and the signature hashes are the main chain's (chain/tx-graph.ts).
import { BTM_ASSET_ID } from '../chain/constants.ts';
import {
  assetDefinitionHash,
  coinbaseEntryId,
  programV1,
  retirementEntryId,
  spendEntryId,
  type ValueSource,
} from '../chain/entry-id.ts';
import { assembleTxEntries, isRetirementProgram, type TxEntries } from '../chain/tx-graph.ts';
import type { AssetAmount, SpendCommitment } from '../chain/types.ts';
import {
  crossChainInputEntryId,
  crossChainOutputEntryId,
  intraChainOutputEntryId,
  vetoInputEntryId,
  voteOutputEntryId,
} from './entry-id.ts';
import type { SideTx, SideTxOutput } from './types.ts';

const UINT64_MASK = 0xffffffffffffffffn;

export type SideTxEntries = TxEntries & {
  /** For each cross-chain input, the id of the main-chain output it mints from; else undefined. */
  readonly mainchainOutputIds: readonly (Uint8Array | undefined)[];
};

export function createSideTxEntries(tx: SideTx): SideTxEntries {
  return mapSideTx(tx, true);
}

export function sideTxId(tx: SideTx): Uint8Array {
  return mapSideTx(tx, false).txId;
}

/** Id of the intra-chain output a spend (or cross-chain) commitment describes. */
export function computeSideSpentOutputId(commitment: SpendCommitment): Uint8Array {
  return intraChainOutputEntryId(carriedSource(commitment), programV1(commitment.controlProgram));
}

/** Id of the vote output a veto input spends. */
export function computeVetoSpentOutputId(commitment: SpendCommitment, vote: Uint8Array): Uint8Array {
  return voteOutputEntryId(carriedSource(commitment), programV1(commitment.controlProgram), vote);
}

function carriedSource(c: SpendCommitment): ValueSource {
  return { ref: c.sourceId, value: { assetId: c.assetId, amount: c.amount }, position: c.sourcePosition };
}

function mapSideTx(tx: SideTx, withSigHashes: boolean): SideTxEntries {
  const inputIds: Uint8Array[] = [];
  const inputValues: AssetAmount[] = [];
  const spentOutputIds: (Uint8Array | undefined)[] = [];
  const mainchainOutputIds: (Uint8Array | undefined)[] = [];
  for (const input of tx.inputs) {
    let spent: Uint8Array | undefined;
    let mainchain: Uint8Array | undefined;
    let id: Uint8Array;
    let value: AssetAmount;
    switch (input.type) {
      case 'spend':
        value = { assetId: input.assetId, amount: input.amount };
        spent = computeSideSpentOutputId(input);
        id = spendEntryId(spent);
        break;
      case 'veto':
        value = { assetId: input.assetId, amount: input.amount };
        spent = computeVetoSpentOutputId(input, input.vote);
        id = vetoInputEntryId(spent);
        break;
      case 'crossChain':
        value = { assetId: input.assetId, amount: input.amount };
        mainchain = computeSideSpentOutputId(input);
        id = crossChainInputEntryId(mainchain, {
          issuanceProgram: { vmVersion: input.issuanceVmVersion, code: input.issuanceProgram },
          dataHash: assetDefinitionHash(input.assetDefinition),
        });
        break;
      case 'coinbase':
        value = { assetId: BTM_ASSET_ID, amount: totalOutputAmount(tx.outputs) };
        id = coinbaseEntryId(input.arbitrary);
        break;
    }
    inputIds.push(id);
    inputValues.push(value);
    spentOutputIds.push(spent);
    mainchainOutputIds.push(mainchain);
  }
  const entries = assembleTxEntries(tx, { inputIds, inputValues, spentOutputIds }, resultEntryId, withSigHashes);
  return { ...entries, mainchainOutputIds };
}

// Upstream adds uint64s, which wrap; validation rejects such sums later, but the id must match.
function totalOutputAmount(outputs: readonly SideTxOutput[]): bigint {
  let total = 0n;
  for (const output of outputs) total += output.amount;
  return total & UINT64_MASK;
}

function resultEntryId(source: ValueSource, output: SideTxOutput): Uint8Array {
  if (isRetirementProgram(output.controlProgram)) return retirementEntryId(source);
  const program = programV1(output.controlProgram);
  switch (output.type) {
    case 'intraChain':
      return intraChainOutputEntryId(source, program);
    case 'crossChain':
      return crossChainOutputEntryId(source, program);
    case 'vote':
      return voteOutputEntryId(source, program, output.vote);
  }
}
