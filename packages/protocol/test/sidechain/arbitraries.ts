// fast-check generators of arbitrary valid side-chain objects (Vapor types), built on the main
// chain's generators for the shared pieces.
import fc from 'fast-check';
import type { SideBlock, SideBlockHeader, SideTx, SideTxInput, SideTxOutput } from '../../src/sidechain/index.ts';
import {
  args,
  bytes,
  coinbaseInputArb,
  hash32,
  inputSuffixes,
  plainRecord,
  spendCommitmentFields,
  spendInputArb,
  suffix,
  u63,
} from '../chain/arbitraries.ts';

const crossChainInputArb = (): fc.Arbitrary<SideTxInput> =>
  fc
    .tuple(
      spendCommitmentFields(),
      plainRecord({ issuanceVmVersion: u63(), assetDefinition: bytes(), issuanceProgram: bytes(), arguments: args() }),
      inputSuffixes(),
    )
    .map(([c, x, s]) => ({ type: 'crossChain' as const, ...c, ...x, ...s }));

const vetoInputArb = (): fc.Arbitrary<SideTxInput> =>
  fc
    .tuple(spendCommitmentFields(), bytes(64), args(), inputSuffixes())
    .map(([c, vote, a, s]) => ({ type: 'veto' as const, ...c, vote, arguments: a, ...s }));

export const sideTxInputArb = (): fc.Arbitrary<SideTxInput> =>
  fc.oneof({ weight: 3, arbitrary: spendInputArb() }, crossChainInputArb(), vetoInputArb(), coinbaseInputArb());

const outputFields = () =>
  plainRecord({
    assetId: hash32(),
    amount: u63(),
    controlProgram: bytes(),
    commitmentSuffix: suffix(),
    outputCommitmentSuffix: suffix(),
    witnessSuffix: suffix(),
  });

export const sideTxOutputArb = (): fc.Arbitrary<SideTxOutput> =>
  fc.oneof(
    { weight: 3, arbitrary: outputFields().map((f) => ({ type: 'intraChain' as const, ...f })) },
    outputFields().map((f) => ({ type: 'crossChain' as const, ...f })),
    fc.tuple(outputFields(), bytes(64)).map(([f, vote]) => ({ type: 'vote' as const, vote, ...f })),
  );

export const sideTxArb = (): fc.Arbitrary<SideTx> =>
  plainRecord({
    version: u63(),
    timeRange: u63(),
    inputs: fc.array(sideTxInputArb(), { maxLength: 4 }),
    outputs: fc.array(sideTxOutputArb(), { maxLength: 4 }),
  });

export const sideBlockHeaderArb = (): fc.Arbitrary<SideBlockHeader> =>
  plainRecord({
    version: u63(),
    height: u63(),
    previousBlockId: hash32(),
    timestamp: u63(),
    transactionsMerkleRoot: hash32(),
    transactionStatusHash: hash32(),
    witness: fc.array(bytes(64), { maxLength: 4 }),
    commitmentSuffix: suffix(),
    witnessSuffix: suffix(),
  });

export const sideBlockArb = (): fc.Arbitrary<SideBlock> =>
  plainRecord({ header: sideBlockHeaderArb(), transactions: fc.array(sideTxArb(), { maxLength: 3 }) });
