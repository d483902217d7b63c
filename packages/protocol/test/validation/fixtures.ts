// Test fixtures for validation: chainkd keys from a fixed seed, P2WPKH programs, signed transfers,
// coinbase transactions, blocks with correct roots, a funded UTXO view, and the stage-1 context.
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  BTM_ASSET_ID,
  blockId,
  computeSpentOutputId,
  createTxEntries,
  txMerkleRoot,
  txStatusMerkleRoot,
} from '../../src/chain/index.ts';
import type {
  Block,
  BlockHeader,
  CoinbaseInput,
  IssuanceInput,
  SpendCommitment,
  SpendInput,
  Tx,
  TxInput,
  TxOutput,
} from '../../src/chain/types.ts';
import { blockSubsidy, bytomMainnetParams, type MainChainParams } from '../../src/config/params.ts';
import { isProtocolError } from '../../src/errors.ts';
import { chainkdBip44Path } from '../../src/keys/derivation-path.ts';
import { createRootXPrv, type XPrv, xprvDerive, xprvSign, xprvToXPub, xpubToPublicKey } from '../../src/keys/index.ts';
import { publicKeyToHash160 } from '../../src/keys/program-hash.ts';
import type { BlockValidationContext, UtxoKind, UtxoOverlay } from '../../src/validation/index.ts';
import { createUtxoOverlay } from '../../src/validation/index.ts';
import { createP2WPKHProgram } from '../../src/vm/index.ts';

export const hex = bytesToHex;
export const unhex = hexToBytes;
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
export const params: MainChainParams = bytomMainnetParams;

/** A 32-byte bc.Hash / bc.AssetID given as its four big-endian uint64 words {V0, V1, V2, V3}. */
export function words(v0: bigint, v1: bigint, v2: bigint, v3: bigint): Uint8Array {
  const out = new Uint8Array(32);
  const view = new DataView(out.buffer);
  [v0, v1, v2, v3].forEach((v, i) => {
    view.setBigUint64(8 * i, v);
  });
  return out;
}

/** bc.NewHash([32]byte{n}) of the upstream tests. */
export function hashOf(n: number): Uint8Array {
  const out = new Uint8Array(32);
  out[0] = n;
  return out;
}

/** For assert.throws: a typed ProtocolError with this code. */
export function withCode(code: string): (err: unknown) => boolean {
  return (err) => {
    if (isProtocolError(err) && err.code === code) return true;
    throw err;
  };
}

export type TestKey = { readonly xprv: XPrv; readonly publicKey: Uint8Array; readonly program: Uint8Array };

const ROOT = createRootXPrv(utf8('bystack validation fixtures'));

/** Account key `m/44/153/1/0/index` of a fixed root, and its P2WPKH control program. */
export function createTestKey(index = 1): TestKey {
  return keyFromXPrv(xprvDerive(ROOT, chainkdBip44Path(1, false, index)));
}

export function keyFromXPrv(xprv: XPrv): TestKey {
  const publicKey = xpubToPublicKey(xprvToXPub(xprv));
  return { xprv, publicKey, program: createP2WPKHProgram(publicKeyToHash160(publicKey)) };
}

export function spendInput(c: SpendCommitment, args: Uint8Array[] = []): SpendInput {
  return { type: 'spend', ...c, arguments: args };
}

export function issuanceInput(
  nonce: Uint8Array,
  amount: bigint,
  issuanceProgram: Uint8Array,
  args: Uint8Array[],
  assetDefinition: Uint8Array,
): IssuanceInput {
  return { type: 'issuance', nonce, amount, assetDefinition, vmVersion: 1n, issuanceProgram, arguments: args };
}

export function coinbaseInput(arbitrary: Uint8Array = new Uint8Array(0)): CoinbaseInput {
  return { type: 'coinbase', arbitrary };
}

export function output(assetId: Uint8Array, amount: bigint, controlProgram: Uint8Array): TxOutput {
  return { assetId, amount, controlProgram };
}

export function tx(inputs: TxInput[], outputs: TxOutput[], extra: Partial<Tx> = {}): Tx {
  return { version: 1n, timeRange: 0n, inputs, outputs, ...extra };
}

/** A previous output to spend: its commitment and the key that controls it. */
export type Spendable = SpendCommitment & { readonly key: TestKey };

/** A funding output of `amount` native units to `key`, with a distinct made-up source. */
export function fundingOutput(key: TestKey, amount: bigint, n: number, assetId = BTM_ASSET_ID): Spendable {
  const sourceId = new Uint8Array(32);
  new DataView(sourceId.buffer).setUint32(0, n);
  sourceId[31] = 0xaa;
  return { sourceId, assetId, amount, sourcePosition: 0n, controlProgram: key.program, key };
}

/** The outputs of `t` to `key` as spendable commitments (their source is the tx's mux). */
export function outputsOf(t: Tx, key: TestKey): Spendable[] {
  const { muxId } = createTxEntries(t);
  return t.outputs.map((o, i) => ({
    sourceId: muxId,
    assetId: o.assetId,
    amount: o.amount,
    sourcePosition: BigInt(i),
    controlProgram: o.controlProgram,
    key,
  }));
}

/** Signs every spend input whose key is given: witness [signature, public key] (P2WPKH). */
export function signTx(unsigned: Tx, keys: readonly (TestKey | undefined)[]): Tx {
  const { sigHashes } = createTxEntries(unsigned);
  const inputs = unsigned.inputs.map((input, i) => {
    const key = keys[i];
    if (input.type !== 'spend' || key === undefined) return input;
    return { ...input, arguments: [xprvSign(key.xprv, sigHashes[i]!), key.publicKey] };
  });
  return { ...unsigned, inputs };
}

/** A signed transfer spending `from` to `to`, whatever is left being the fee. */
export function transfer(from: readonly Spendable[], to: readonly TxOutput[], extra: Partial<Tx> = {}): Tx {
  const unsigned = tx(
    from.map((s) => spendInput(s)),
    [...to],
    extra,
  );
  return signTx(
    unsigned,
    from.map((s) => s.key),
  );
}

export function coinbaseTx(amount: bigint, program: Uint8Array, arbitrary = utf8('fixture')): Tx {
  return tx([coinbaseInput(arbitrary)], [output(BTM_ASSET_ID, amount, program)]);
}

/** Native inputs minus native outputs, as the coinbase must collect it. */
export function nativeFee(t: Tx): bigint {
  const isNative = (a: Uint8Array) => hex(a) === hex(BTM_ASSET_ID);
  let fee = 0n;
  for (const input of t.inputs) if (input.type === 'spend' && isNative(input.assetId)) fee += input.amount;
  for (const o of t.outputs) if (isNative(o.assetId)) fee -= o.amount;
  return fee;
}

/** A view holding `outputs` as entries of `kind` created at `height`. */
export function fundedView(outputs: readonly Spendable[], kind: UtxoKind = 'normal', height = 1n): UtxoOverlay {
  const view = createUtxoOverlay();
  view.apply({
    spent: [],
    created: outputs.map((s) => ({
      outputId: computeSpentOutputId(s),
      entry: { kind, height, assetId: s.assetId, amount: s.amount, controlProgram: s.controlProgram },
    })),
  });
  return view;
}

/** Bits of upstream's block tests: a target so large that any realistic hash meets it. */
export const EASY_BITS = 2305843009214532812n;
export const ZERO_HASH = new Uint8Array(32);
export const MAX_HASH = new Uint8Array(32).fill(0xff);

export type TestParent = { readonly id: Uint8Array; readonly height: bigint; readonly timestamp: bigint };
export const PARENT: TestParent = { id: hashOf(7), height: 200n, timestamp: 1_600_000_000n };

/**
 * A block after `parent` holding a coinbase (paying subsidy plus fees to `miner`) and `txs`, with
 * correct roots; `edit` may change the header after the roots are set.
 */
export function makeBlock(
  txs: readonly Tx[],
  options: { parent?: TestParent; miner?: TestKey; coinbase?: Tx; edit?: Partial<BlockHeader> } = {},
): Block {
  const parent = options.parent ?? PARENT;
  const height = parent.height + 1n;
  const fees = txs.reduce((sum, t) => sum + nativeFee(t), 0n);
  const miner = options.miner ?? createTestKey(0);
  const coinbase = options.coinbase ?? coinbaseTx(blockSubsidy(params, Number(height)) + fees, miner.program);
  const transactions = [coinbase, ...txs];
  const header: BlockHeader = {
    version: 1n,
    height,
    previousBlockId: parent.id,
    timestamp: parent.timestamp + 150n,
    transactionsMerkleRoot: txMerkleRoot(transactions.map((t) => createTxEntries(t).txId)),
    transactionStatusHash: txStatusMerkleRoot(transactions.map(() => false)),
    nonce: 0n,
    bits: EASY_BITS,
    ...options.edit,
  };
  return { header, transactions };
}

/** The stage-1 context of a block after `parent`, the clock a minute past the parent. */
export function blockContext(
  parent: TestParent = PARENT,
  overrides: Partial<BlockValidationContext> = {},
): BlockValidationContext {
  return {
    params,
    parent: { id: parent.id, height: parent.height },
    pastTimestamps: Array.from({ length: 11 }, (_, i) => parent.timestamp - 150n * BigInt(i)),
    expectedBits: EASY_BITS,
    now: parent.timestamp + 60n,
    pow: { hash: ZERO_HASH },
    ...overrides,
  };
}

/** Sanity: the id a block's header hashes to. */
export const idOf = (block: Block): Uint8Array => blockId(block.header);
