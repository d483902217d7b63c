// fast-check generators of arbitrary valid main-chain objects (every field in its wire range,
// suffixes sometimes present). Objects carry every optional key, as the decoder produces them.
import fc from 'fast-check';
import type {
  Block,
  BlockHeader,
  CoinbaseInput,
  IssuanceInput,
  SpendInput,
  Tx,
  TxInput,
  TxOutput,
} from '../../src/chain/index.ts';
import { MAX_VARINT63 } from '../../src/encoding/index.ts';

/** fc.record, but with ordinary objects (fast-check's default null prototype breaks deepEqual). */
export function plainRecord<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true });
}

export const bytes = (maxLength = 40) => fc.uint8Array({ maxLength });
export const hash32 = () => fc.uint8Array({ minLength: 32, maxLength: 32 });
/** A varint63, small values more likely (short encodings and long ones both get exercised). */
export const u63 = () =>
  fc.oneof({ weight: 3, arbitrary: fc.bigInt({ min: 0n, max: 300n }) }, fc.bigInt({ min: 0n, max: MAX_VARINT63 }));
export const suffix = () => fc.option(fc.uint8Array({ minLength: 1, maxLength: 6 }), { nil: undefined, freq: 2 });
export const args = () => fc.array(bytes(70), { maxLength: 3 });

export const inputSuffixes = () => plainRecord({ commitmentSuffix: suffix(), witnessSuffix: suffix() });

export const spendCommitmentFields = () =>
  plainRecord({
    sourceId: hash32(),
    assetId: hash32(),
    amount: u63(),
    sourcePosition: u63(),
    controlProgram: bytes(),
    spendCommitmentSuffix: suffix(),
  });

export const spendInputArb = (): fc.Arbitrary<SpendInput> =>
  fc
    .tuple(spendCommitmentFields(), args(), inputSuffixes())
    .map(([c, a, s]) => ({ type: 'spend' as const, ...c, arguments: a, ...s }));

export const coinbaseInputArb = (): fc.Arbitrary<CoinbaseInput> =>
  fc.tuple(bytes(), inputSuffixes()).map(([arbitrary, s]) => ({ type: 'coinbase' as const, arbitrary, ...s }));

const issuanceInputArb = (): fc.Arbitrary<IssuanceInput> =>
  fc
    .tuple(
      plainRecord({
        nonce: bytes(),
        amount: u63(),
        assetDefinition: bytes(),
        vmVersion: u63(),
        issuanceProgram: bytes(),
        arguments: args(),
      }),
      inputSuffixes(),
    )
    .map(([i, s]) => ({ type: 'issuance' as const, ...i, ...s }));

export const txInputArb = (): fc.Arbitrary<TxInput> =>
  fc.oneof({ weight: 4, arbitrary: spendInputArb() }, issuanceInputArb(), coinbaseInputArb());

export const txOutputArb = (): fc.Arbitrary<TxOutput> =>
  plainRecord({
    assetId: hash32(),
    amount: u63(),
    controlProgram: bytes(),
    commitmentSuffix: suffix(),
    witnessSuffix: suffix(),
  });

export const txArb = (): fc.Arbitrary<Tx> =>
  fc
    .record({
      version: u63(),
      timeRange: u63(),
      inputs: fc.array(txInputArb(), { maxLength: 4 }),
      outputs: fc.array(txOutputArb(), { maxLength: 4 }),
    })
    // A coinbase needs an output to be valued from (upstream map.go).
    .filter((tx) => tx.outputs.length > 0 || tx.inputs.every((i) => i.type !== 'coinbase'));

export const blockHeaderArb = (): fc.Arbitrary<BlockHeader> =>
  plainRecord({
    version: u63(),
    height: u63(),
    previousBlockId: hash32(),
    timestamp: u63(),
    transactionsMerkleRoot: hash32(),
    transactionStatusHash: hash32(),
    nonce: u63(),
    bits: u63(),
    commitmentSuffix: suffix(),
  });

export const blockArb = (): fc.Arbitrary<Block> =>
  plainRecord({ header: blockHeaderArb(), transactions: fc.array(txArb(), { maxLength: 3 }) });
