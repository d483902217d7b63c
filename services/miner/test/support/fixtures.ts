// Test fixtures built on the protocol core only: devnet keys, signed transfers, and "trusted"
// blocks (right roots and coinbase, any bits, no proof of work) to preload a test chain with.
import {
  type Block,
  type BlockHeader,
  BTM_ASSET_ID,
  blockId,
  blockSubsidy,
  createTxEntries,
  DEVNET_BITS,
  devnetControlProgram,
  devnetXPrv,
  type MainChainParams,
  type SpendCommitment,
  type Tx,
  type TxOutput,
  txMerkleRoot,
  txStatusMerkleRoot,
  type XPrv,
  xprvSign,
  xprvToXPub,
  xpubToPublicKey,
} from '@bystack/protocol';
import { createCoinbaseTx } from '../../src/template.ts';

export type TestKey = { readonly xprv: XPrv; readonly publicKey: Uint8Array; readonly program: Uint8Array };

export function devnetKey(name: string, index = 0): TestKey {
  const xprv = devnetXPrv(name, index);
  const xpub = xprvToXPub(xprv);
  return { xprv, publicKey: xpubToPublicKey(xpub), program: devnetControlProgram(xpub) };
}

/** An output to spend, and the key that controls it. */
export type Spendable = SpendCommitment & { readonly key: TestKey };

/** The outputs of `tx` as spendable commitments (their source is the tx's mux). */
export function outputsOf(tx: Tx, key: TestKey): Spendable[] {
  const { muxId } = createTxEntries(tx);
  return tx.outputs.map((o, i) => ({
    sourceId: muxId,
    assetId: o.assetId,
    amount: o.amount,
    sourcePosition: BigInt(i),
    controlProgram: o.controlProgram,
    key,
  }));
}

/** A signed P2WPKH transfer of `from` to `to`; what is left over is the fee. */
export function transfer(from: readonly Spendable[], to: readonly TxOutput[], extra: Partial<Tx> = {}): Tx {
  const unsigned: Tx = {
    version: 1n,
    timeRange: 0n,
    inputs: from.map(({ key: _key, ...c }) => ({ type: 'spend' as const, ...c, arguments: [] })),
    outputs: [...to],
    ...extra,
  };
  const { sigHashes } = createTxEntries(unsigned);
  return {
    ...unsigned,
    inputs: unsigned.inputs.map((input, i) =>
      input.type === 'spend'
        ? { ...input, arguments: [xprvSign(from[i]!.key.xprv, sigHashes[i]!), from[i]!.key.publicKey] }
        : input,
    ),
  };
}

export function btm(amount: bigint, program: Uint8Array): TxOutput {
  return { assetId: BTM_ASSET_ID, amount, controlProgram: program };
}

export type TrustedBlockOptions = {
  readonly txs?: readonly Tx[];
  /** Native fees of `txs` (the coinbase collects them). */
  readonly fees?: bigint;
  readonly bits?: bigint;
  readonly timestamp?: bigint;
  readonly program?: Uint8Array;
};

/** A block after `parent` with a correct coinbase and roots, and no proof of work. */
export function trustedBlock(params: MainChainParams, parent: BlockHeader, opts: TrustedBlockOptions = {}): Block {
  const height = parent.height + 1n;
  const program = opts.program ?? devnetKey('preload').program;
  const coinbase = createCoinbaseTx(height, blockSubsidy(params, Number(height)) + (opts.fees ?? 0n), program);
  const transactions = [coinbase, ...(opts.txs ?? [])];
  const header: BlockHeader = {
    version: 1n,
    height,
    previousBlockId: blockId(parent),
    timestamp: opts.timestamp ?? parent.timestamp + 1n,
    transactionsMerkleRoot: txMerkleRoot(transactions.map((t) => createTxEntries(t).txId)),
    transactionStatusHash: txStatusMerkleRoot(transactions.map(() => false)),
    nonce: 0n,
    bits: opts.bits ?? DEVNET_BITS,
  };
  return { header, transactions };
}

/** The hardest bits there are: no hash meets a target of 0 unless it is all zeros. */
export const IMPOSSIBLE_BITS = 0n;

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
