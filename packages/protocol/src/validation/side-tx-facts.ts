// A side-chain transaction (Vapor) as the shared rules see it (tx-facts.ts), and the side chain's
// rule switches (Vapor `protocol/validation/tx.go`: the credit adds to the gas left, gas is set even
// without the native asset, no standard-program rule, votes checked).
//
// A cross-chain input is checked against the federation's program (Vapor: `FederationWScript` at
// the block's height), unless its asset definition declares an open-federation asset
// (`common.IsOpenFederationIssueAsset`), whose own issuance program is used.
import { assetDefinitionHash, computeAssetId } from '../chain/entry-id.ts';
import { isRetirementProgram } from '../chain/tx-graph.ts';
import type { SideChainBasicParams } from '../config/params.ts';
import { encodeSideTx } from '../sidechain/tx-codec.ts';
import type { SideTxEntries } from '../sidechain/tx-entries.ts';
import type { SideTx, SideTxInput, SideTxOutput } from '../sidechain/types.ts';
import { checkEntriesShape } from './entries-shape.ts';
import type { InputFacts, OutputFacts, TxFacts, TxRules } from './tx-facts.ts';

const CONTROL_PROGRAM_VM_VERSION = 1n;
const OPEN_FEDERATION_ACTION = 'open_federation_cross_chain';

export function sideTxRules(params: SideChainBasicParams, minVoteOutputAmount: bigint): TxRules {
  return {
    gas: { ...params.gas, creditAddsToGasLeft: true },
    gasWithoutNativeAsset: true,
    standardNativePrograms: false,
    sideChainVm: true,
    coinbaseArbitrarySizeLimit: params.coinbaseArbitrarySizeLimit,
    minVoteOutputAmount,
  };
}

export function sideTxSize(tx: SideTx): number {
  return tx.serializedSize ?? encodeSideTx(tx).length;
}

/** `federationProgram`: the federation's witness program in force at the block's height. */
export function sideTxFacts(tx: SideTx, entries: SideTxEntries, federationProgram: Uint8Array): TxFacts {
  checkEntriesShape(tx, entries);
  return {
    version: tx.version,
    timeRange: tx.timeRange,
    inputs: tx.inputs.map((input, i) => inputFacts(input, entries, i, federationProgram)),
    outputs: tx.outputs.map(outputFacts),
    entries,
  };
}

function inputFacts(input: SideTxInput, entries: SideTxEntries, i: number, federationProgram: Uint8Array): InputFacts {
  const { assetId, amount } = entries.inputValues[i]!;
  switch (input.type) {
    case 'spend':
    case 'veto':
      return {
        kind: input.type,
        assetId,
        amount,
        program: { vmVersion: CONTROL_PROGRAM_VM_VERSION, code: input.controlProgram },
        args: input.arguments,
        spentOutputId: entries.spentOutputIds[i],
        vote: input.type === 'veto' ? input.vote : undefined,
      };
    case 'crossChain': {
      const code = isOpenFederationAsset(input.assetDefinition) ? input.issuanceProgram : federationProgram;
      const definitionHash = assetDefinitionHash(input.assetDefinition);
      return {
        kind: 'crossChain',
        assetId,
        amount,
        program: { vmVersion: input.issuanceVmVersion, code },
        args: input.arguments,
        spentOutputId: entries.mainchainOutputIds[i],
        issuedAssetId: computeAssetId(input.issuanceProgram, input.issuanceVmVersion, definitionHash),
      };
    }
    case 'coinbase':
      return {
        kind: 'coinbase',
        assetId,
        amount,
        program: undefined,
        args: [],
        spentOutputId: undefined,
        arbitrary: input.arbitrary,
      };
  }
}

function outputFacts(output: SideTxOutput): OutputFacts {
  const { assetId, amount, controlProgram } = output;
  if (isRetirementProgram(controlProgram)) return { kind: 'retirement', assetId, amount, controlProgram };
  switch (output.type) {
    case 'intraChain':
      return { kind: 'output', assetId, amount, controlProgram };
    case 'crossChain':
      return { kind: 'crossChain', assetId, amount, controlProgram };
    case 'vote':
      return { kind: 'vote', assetId, amount, controlProgram, vote: output.vote };
  }
}

/** Vapor `common.IsOpenFederationIssueAsset`: a JSON object whose `description.issue_asset_action` says so. */
export function isOpenFederationAsset(rawDefinition: Uint8Array): boolean {
  let definition: unknown;
  try {
    definition = JSON.parse(new TextDecoder().decode(rawDefinition));
  } catch {
    return false;
  }
  const description = isJsonObject(definition) ? definition.description : undefined;
  return isJsonObject(description) && description.issue_asset_action === OPEN_FEDERATION_ACTION;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
