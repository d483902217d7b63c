// Test helpers: the upstream test constructors (types.NewSpendInput, NewIssuanceInput,
// NewCoinbaseInput, NewTxOutput) as plain objects, and hex/bytes helpers.
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { CoinbaseInput, IssuanceInput, SpendInput, TxOutput } from '../../src/chain/index.ts';
import { isProtocolError } from '../../src/errors.ts';

export const hex = bytesToHex;
export const unhex = hexToBytes;
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A 32-byte bc.Hash / bc.AssetID given as its four big-endian uint64 words {V0, V1, V2, V3}. */
export function words(v0: bigint, v1: bigint, v2: bigint, v3: bigint): Uint8Array {
  const out = new Uint8Array(32);
  const view = new DataView(out.buffer);
  [v0, v1, v2, v3].forEach((v, i) => {
    view.setBigUint64(8 * i, v);
  });
  return out;
}

export function spendInput(
  args: Uint8Array[],
  sourceId: Uint8Array,
  assetId: Uint8Array,
  amount: bigint,
  sourcePosition: bigint,
  controlProgram: Uint8Array,
): SpendInput {
  return {
    type: 'spend',
    sourceId,
    assetId,
    amount,
    sourcePosition,
    controlProgram,
    spendCommitmentSuffix: undefined,
    arguments: args,
    commitmentSuffix: undefined,
    witnessSuffix: undefined,
  };
}

export function issuanceInput(
  nonce: Uint8Array,
  amount: bigint,
  issuanceProgram: Uint8Array,
  args: Uint8Array[],
  assetDefinition: Uint8Array,
): IssuanceInput {
  return {
    type: 'issuance',
    nonce,
    amount,
    assetDefinition,
    vmVersion: 1n,
    issuanceProgram,
    arguments: args,
    commitmentSuffix: undefined,
    witnessSuffix: undefined,
  };
}

export function coinbaseInput(arbitrary: Uint8Array): CoinbaseInput {
  return { type: 'coinbase', arbitrary, commitmentSuffix: undefined, witnessSuffix: undefined };
}

export function txOutput(assetId: Uint8Array, amount: bigint, controlProgram: Uint8Array): TxOutput {
  return { assetId, amount, controlProgram, commitmentSuffix: undefined, witnessSuffix: undefined };
}

/** For assert.throws: the error must be a typed ProtocolError with this code. */
export function withCode(code: string): (err: unknown) => boolean {
  return (err) => isProtocolError(err) && err.code === code;
}
