// Test helpers: Vapor's test constructors (types.NewCrossChainInput, NewVetoInput,
// NewIntraChainOutput, NewCrossChainOutput, NewVoteOutput) as plain objects.
import type {
  SideCrossChainInput,
  SideCrossChainOutput,
  SideIntraChainOutput,
  SideVetoInput,
  SideVoteOutput,
} from '../../src/sidechain/index.ts';

const noSuffixes = { commitmentSuffix: undefined, witnessSuffix: undefined } as const;
const noOutputSuffixes = { ...noSuffixes, outputCommitmentSuffix: undefined } as const;

export function crossChainInput(
  args: Uint8Array[],
  sourceId: Uint8Array,
  assetId: Uint8Array,
  amount: bigint,
  sourcePosition: bigint,
  issuanceVmVersion: bigint,
  assetDefinition: Uint8Array,
  issuanceProgram: Uint8Array,
): SideCrossChainInput {
  return {
    type: 'crossChain',
    sourceId,
    assetId,
    amount,
    sourcePosition,
    controlProgram: new Uint8Array(0),
    spendCommitmentSuffix: undefined,
    issuanceVmVersion,
    assetDefinition,
    issuanceProgram,
    arguments: args,
    ...noSuffixes,
  };
}

export function vetoInput(
  args: Uint8Array[],
  sourceId: Uint8Array,
  assetId: Uint8Array,
  amount: bigint,
  sourcePosition: bigint,
  controlProgram: Uint8Array,
  vote: Uint8Array,
): SideVetoInput {
  return {
    type: 'veto',
    sourceId,
    assetId,
    amount,
    sourcePosition,
    controlProgram,
    spendCommitmentSuffix: undefined,
    vote,
    arguments: args,
    ...noSuffixes,
  };
}

export function intraChainOutput(
  assetId: Uint8Array,
  amount: bigint,
  controlProgram: Uint8Array,
): SideIntraChainOutput {
  return { type: 'intraChain', assetId, amount, controlProgram, ...noOutputSuffixes };
}

export function crossChainOutput(
  assetId: Uint8Array,
  amount: bigint,
  controlProgram: Uint8Array,
): SideCrossChainOutput {
  return { type: 'crossChain', assetId, amount, controlProgram, ...noOutputSuffixes };
}

export function voteOutput(
  assetId: Uint8Array,
  amount: bigint,
  controlProgram: Uint8Array,
  vote: Uint8Array,
): SideVoteOutput {
  return { type: 'vote', vote, assetId, amount, controlProgram, ...noOutputSuffixes };
}
