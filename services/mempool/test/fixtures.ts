// Reusable test fixtures for the main chain's mempool (and anyone who needs signed devnet txs and a
// hot tier with UTXOs in it):
//   - devnet keys (`devnetXPrv`) with their P2WPKH programs;
//   - signed transfers: every spend input signed over its sighash (`createTxEntries(tx).sigHashes`)
//     with `xprvSign`, witness [signature, public key] as the VM's P2WPKH program expects;
//   - a test chain committed through the runtime's TieredStore (LMDB + Redis hot tier): the devnet
//     genesis, coinbase-only blocks, and a funding block that splits the faucet's genesis output
//     among test keys, so the hot tier holds spendable UTXOs the way the validator would leave it;
//   - the node's chain events (BlockCommitted / BlockReorged) published on the stream the validator
//     would use.
// Blocks here are well-formed (ids, Merkle roots) but not mined or validated: the store and the
// mempool do not check proof of work.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chainV1 } from '@bystack/proto';
import {
  type Block,
  type BlockHeader,
  BTM_ASSET_ID,
  blockId,
  blockSubsidy,
  computeSpentOutputId,
  createMainDevnetGenesis,
  createTxEntries,
  DEVNET_BITS,
  devnetControlProgram,
  devnetFaucetXPrv,
  devnetXPrv,
  encodeBlock,
  encodeBlockHeader,
  encodeTx,
  isRetirementProgram,
  type MainChainParams,
  mainDevnetParams,
  type SpendCommitment,
  type Tx,
  type TxOutput,
  txMerkleRoot,
  txStatusMerkleRoot,
  validateTxStateless,
  type XPrv,
  type XPub,
  xprvSign,
  xprvToXPub,
  xpubToPublicKey,
} from '@bystack/protocol';
import {
  type BlockCommit,
  type ChainTip,
  createLmdbStore,
  createRedisHotTier,
  createTieredStore,
  type DurableStore,
  type JetStreamBus,
  subject,
  type TieredStore,
  type UtxoRecord,
} from '@bystack/runtime';
import type { Redis } from 'ioredis';

// ---------------------------------------------------------------------------------------------
// Keys and transactions

export type TestKey = {
  readonly xprv: XPrv;
  readonly xpub: XPub;
  readonly publicKey: Uint8Array;
  /** P2WPKH control program. */
  readonly program: Uint8Array;
};

export function keyOf(xprv: XPrv): TestKey {
  const xpub = xprvToXPub(xprv);
  return { xprv, xpub, publicKey: xpubToPublicKey(xpub), program: devnetControlProgram(xpub) };
}

/** Devnet key `name`/`index` (public seed: for tests only). */
export function devnetKey(name: string, index = 0): TestKey {
  return keyOf(devnetXPrv(name, index));
}

export const faucetKey: TestKey = keyOf(devnetFaucetXPrv());

/** An output to spend: its commitment (what the spend input carries) and the key that controls it. */
export type Spendable = SpendCommitment & { readonly key: TestKey };

/** Output `i` of `tx` as a spendable commitment controlled by `key` (`muxId`: the tx's, if known). */
export function outputOf(tx: Tx, i: number, key: TestKey, muxId = createTxEntries(tx).muxId): Spendable {
  const o = tx.outputs[i]!;
  return {
    sourceId: muxId,
    assetId: o.assetId,
    amount: o.amount,
    sourcePosition: BigInt(i),
    controlProgram: o.controlProgram,
    key,
  };
}

/** The id the hot tier files a spendable output under. */
export function outputIdOf(s: SpendCommitment): Uint8Array {
  return computeSpentOutputId(s);
}

export function nativeOutput(program: Uint8Array, amount: bigint): TxOutput {
  return { assetId: BTM_ASSET_ID, amount, controlProgram: program };
}

/** Signs every spend input with its key: witness [signature, public key] (P2WPKH). */
export function signTx(unsigned: Tx, keys: readonly (TestKey | undefined)[]): Tx {
  const { sigHashes } = createTxEntries(unsigned);
  return {
    ...unsigned,
    inputs: unsigned.inputs.map((input, i) => {
      const key = keys[i];
      if (input.type !== 'spend' || key === undefined) return input;
      return { ...input, arguments: [xprvSign(key.xprv, sigHashes[i]!), key.publicKey] };
    }),
  };
}

/** A copy of `tx` whose input `i` carries a signature with one bit flipped. */
export function withBadSignature(tx: Tx, i = 0): Tx {
  const inputs = tx.inputs.map((input, j) => {
    if (j !== i || input.type !== 'spend') return input;
    const [sig, ...rest] = input.arguments;
    const bad = Uint8Array.from(sig ?? new Uint8Array(64));
    bad[0]! ^= 1;
    return { ...input, arguments: [bad, ...rest] };
  });
  return { ...tx, inputs };
}

export type TransferOptions = {
  /** Native fee (default 1,000,000 neu, about 590 neu per gas for one input and one output). */
  readonly fee?: bigint;
  /** Highest block height that may include it (default 0: none). */
  readonly timeRange?: bigint;
  /** Where the change goes (default: the first input's key). */
  readonly changeTo?: Uint8Array;
};

export const DEFAULT_FEE = 1_000_000n;

/**
 * A signed transfer of native units: `from` spent, `to` paid, the fee left over, the rest back as
 * change (after the payments) when there is any.
 */
export function transfer(from: readonly Spendable[], to: readonly TxOutput[], opts: TransferOptions = {}): Tx {
  const fee = opts.fee ?? DEFAULT_FEE;
  const inputs = from.reduce((sum, s) => sum + s.amount, 0n);
  const paid = to.reduce((sum, o) => sum + o.amount, 0n);
  const change = inputs - paid - fee;
  if (change < 0n) throw new RangeError(`inputs ${inputs} cannot pay ${paid} plus a fee of ${fee}`);
  const outputs = [...to];
  if (change > 0n) outputs.push(nativeOutput(opts.changeTo ?? from[0]!.key.program, change));
  const unsigned: Tx = {
    version: 1n,
    timeRange: opts.timeRange ?? 0n,
    inputs: from.map((s) => ({
      type: 'spend' as const,
      sourceId: s.sourceId,
      assetId: s.assetId,
      amount: s.amount,
      sourcePosition: s.sourcePosition,
      controlProgram: s.controlProgram,
      arguments: [],
    })),
    outputs,
  };
  return signTx(
    unsigned,
    from.map((s) => s.key),
  );
}

/** A simple payment of `amount` from one output to `to`, change back to the payer. */
export function pay(from: Spendable, to: TestKey, amount: bigint, opts: TransferOptions = {}): Tx {
  return transfer([from], [nativeOutput(to.program, amount)], opts);
}

/** Fee and gas as the protocol computes them (at `height`). */
export function feeAndGas(tx: Tx, height = 6n, params: MainChainParams = mainDevnetParams) {
  const { fee, gasUsed } = validateTxStateless(tx, createTxEntries(tx), { params, blockHeight: height });
  return { fee, gasUsed, feeRate: Number(fee) / gasUsed };
}

export const txBytes = (tx: Tx): Uint8Array => encodeTx(tx);
export const txIdOf = (tx: Tx): Uint8Array => createTxEntries(tx).txId;
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// ---------------------------------------------------------------------------------------------
// Blocks and the chain in the store

export type BlockParent = { readonly id: Uint8Array; readonly height: bigint; readonly timestamp: bigint };

export function parentOf(block: Block): BlockParent {
  return { id: blockId(block.header), height: block.header.height, timestamp: block.header.timestamp };
}

/** A block on `parent`: a coinbase paying the subsidy plus `fees` to `miner`, then `txs`. */
export function makeBlock(
  parent: BlockParent,
  txs: readonly Tx[],
  miner: TestKey,
  opts: { fees?: bigint; arbitrary?: string; params?: MainChainParams } = {},
): Block {
  const height = parent.height + 1n;
  const params = opts.params ?? mainDevnetParams;
  const coinbase: Tx = {
    version: 1n,
    timeRange: 0n,
    inputs: [{ type: 'coinbase', arbitrary: new TextEncoder().encode(opts.arbitrary ?? `h${height}`) }],
    outputs: [nativeOutput(miner.program, blockSubsidy(params, Number(height)) + (opts.fees ?? 0n))],
  };
  const transactions = [coinbase, ...txs];
  const header: BlockHeader = {
    version: 1n,
    height,
    previousBlockId: parent.id,
    timestamp: parent.timestamp + 2n,
    transactionsMerkleRoot: txMerkleRoot(transactions.map((t) => createTxEntries(t).txId)),
    transactionStatusHash: txStatusMerkleRoot(transactions.map(() => false)),
    nonce: 0n,
    bits: DEVNET_BITS,
  };
  return { header, transactions };
}

/** What the validator hands the store for `block`. */
export function blockCommitOf(chain: string, block: Block): BlockCommit {
  const height = Number(block.header.height);
  const spent: Uint8Array[] = [];
  const created: UtxoRecord[] = [];
  block.transactions.forEach((tx, i) => {
    const entries = createTxEntries(tx);
    for (const id of entries.spentOutputIds) if (id !== undefined) spent.push(id);
    tx.outputs.forEach((o, j) => {
      if (isRetirementProgram(o.controlProgram)) return;
      created.push({
        outputId: entries.outputIds[j]!,
        assetId: o.assetId,
        amount: o.amount,
        controlProgram: o.controlProgram,
        height,
        coinbase: i === 0,
      });
    });
  });
  return {
    chain,
    height,
    blockId: blockId(block.header),
    parentId: height === 0 ? new Uint8Array(0) : block.header.previousBlockId,
    header: encodeBlockHeader(block.header),
    work: BigInt(height + 1),
    blockBytes: encodeBlock(block),
    txIds: block.transactions.map((t) => createTxEntries(t).txId),
    spent,
    created,
  };
}

let genesisCache: Block | undefined;
/** The devnet genesis (its Tensority search runs once per process). */
export function devnetGenesis(): Block {
  genesisCache ??= createMainDevnetGenesis();
  return genesisCache;
}

export type TestChainOptions = {
  readonly redis: Redis;
  /** Hot tier key prefix (default "bystack"); a distinct one per test keeps tests apart. */
  readonly prefix?: string;
  /** Chain id (default "main"). */
  readonly chain?: string;
};

/**
 * A chain in a TieredStore (LMDB in a temporary directory + the Redis hot tier), built the way the
 * validator would commit it. `blocks[h]` is the main-chain block at height h.
 */
export class TestChain {
  readonly chain: string;
  readonly store: TieredStore;
  readonly blocks: Block[] = [];
  readonly #durable: DurableStore;
  readonly #dir: string;

  private constructor(chain: string, store: TieredStore, durable: DurableStore, dir: string) {
    this.chain = chain;
    this.store = store;
    this.#durable = durable;
    this.#dir = dir;
  }

  static async open(opts: TestChainOptions): Promise<TestChain> {
    const dir = mkdtempSync(path.join(tmpdir(), 'bystack-mempool-chain-'));
    const durable = await createLmdbStore({ path: dir });
    const hot = createRedisHotTier({ redis: opts.redis, prefix: opts.prefix ?? 'bystack' });
    return new TestChain(opts.chain ?? 'main', createTieredStore({ durable, hot }), durable, dir);
  }

  get tipBlock(): Block {
    const b = this.blocks.at(-1);
    if (b === undefined) throw new Error('empty chain');
    return b;
  }

  get tip(): ChainTip {
    const b = this.tipBlock;
    return { height: Number(b.header.height), blockId: blockId(b.header) };
  }

  /** Commits `block` on the tip through the tiered store. */
  async commit(block: Block): Promise<Block> {
    await this.store.commitBlock(blockCommitOf(this.chain, block));
    this.blocks.push(block);
    return block;
  }

  /** Builds and commits the next block holding `txs`. */
  async mine(txs: readonly Tx[] = [], miner: TestKey = minerKey, arbitrary?: string): Promise<Block> {
    return this.commit(makeBlock(parentOf(this.tipBlock), txs, miner, { arbitrary }));
  }

  /** Disconnects the tip block (a reorg's undo). */
  async revertTip(): Promise<Block> {
    const block = this.tipBlock;
    await this.store.revertBlock(this.chain, blockId(block.header));
    this.blocks.pop();
    return block;
  }

  async close(): Promise<void> {
    await this.#durable.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

export const minerKey: TestKey = devnetKey('miner');

export type FundedChain = {
  readonly chain: TestChain;
  /** The funding tx (height 5). */
  readonly funding: Tx;
  /** Its outputs, one per funded key in order (then the faucet's change). */
  readonly outputs: readonly Spendable[];
  /** The faucet's change output of the funding tx. */
  readonly change: Spendable;
  /** The coinbase outputs of blocks 1..5 (paying `minerKey`), by height - 1. */
  readonly coinbases: readonly Spendable[];
};

/**
 * The devnet genesis, four coinbase-only blocks, then at height 5 (when the genesis coinbase is
 * mature) a funding tx paying `amount` to each of `keys` with the rest back to the faucet. The
 * tip is 5: the pool checks txs for height 6, where the coinbase of block 1 is mature and those of
 * blocks 2..5 are not (devnet coinbase maturity: 5 blocks).
 */
export async function fundedChain(
  opts: TestChainOptions,
  keys: readonly TestKey[],
  amount: bigint,
): Promise<FundedChain> {
  const chain = await TestChain.open(opts);
  const genesis = devnetGenesis();
  await chain.commit(genesis);
  for (let h = 1; h <= 4; h++) await chain.mine();
  const faucetOut = outputOf(genesis.transactions[0]!, 0, faucetKey);
  const funding = transfer(
    [faucetOut],
    keys.map((k) => nativeOutput(k.program, amount)),
    { fee: 0n },
  );
  await chain.mine([funding]);
  const { muxId } = createTxEntries(funding);
  const outputs = keys.map((k, i) => outputOf(funding, i, k, muxId));
  const change = outputOf(funding, keys.length, faucetKey, muxId);
  const coinbases = chain.blocks.slice(1).map((b) => outputOf(b.transactions[0]!, 0, minerKey));
  return { chain, funding, outputs, change, coinbases };
}

// ---------------------------------------------------------------------------------------------
// The node's chain events, as the validator publishes them

/** The stream the mempool follows by default for `nodeId` and chain `chain`. */
export async function declareEventsStream(js: JetStreamBus, nodeId: string, chain = 'main'): Promise<string> {
  const name = `EVENTS_${nodeId}_${chain}`;
  await js.declareStream({
    name,
    subjects: [subject(chain, nodeId, 'committed'), subject(chain, nodeId, 'reorged')],
    storage: 'memory',
  });
  return name;
}

/** How a committed event is published (see publishCommitted). */
export type PublishOptions = { readonly effects?: boolean; readonly body?: boolean };

/**
 * A block's committed event. As an older validator publishes it by default: with its bytes only;
 * `effects` adds what its txs did as the validator files it (ids in block order; the outputs spent
 * and left unspent, net of those created and spent again in the block), `body: false` leaves the
 * bytes out.
 */
export function committedEvent(block: Block, opts: PublishOptions = {}): chainV1.BlockCommitted {
  const entries = block.transactions.map((tx) => createTxEntries(tx));
  const spent = entries.flatMap((e) => e.spentOutputIds.flatMap((out) => (out ? [Buffer.from(out)] : [])));
  const created = entries.flatMap((e) => e.outputIds.map((out) => Buffer.from(out)));
  const [spentKeys, createdKeys] = [new Set(spent.map(hex)), new Set(created.map(hex))];
  const effects = {
    txIds: entries.map((e) => Buffer.from(e.txId)),
    consumedOutputIds: spent.filter((out) => !createdKeys.has(hex(out))),
    createdOutputIds: created.filter((out) => !spentKeys.has(hex(out))),
  };
  return chainV1.BlockCommitted.fromPartial({
    ref: { blockId: Buffer.from(blockId(block.header)), height: block.header.height },
    ...(opts.body === false ? {} : { block: { bytes: Buffer.from(encodeBlock(block)) } }),
    ...(opts.effects ? { effects } : {}),
  });
}

/** Publishes `committedEvent(block, opts)` on the node's stream. */
export async function publishCommitted(
  js: JetStreamBus,
  nodeId: string,
  block: Block,
  chain = 'main',
  opts: PublishOptions = {},
): Promise<void> {
  await js.publish(subject(chain, nodeId, 'committed'), chainV1.BlockCommitted, committedEvent(block, opts), {
    msgId: `${hex(blockId(block.header))}-committed`,
    height: block.header.height,
  });
}

/** `detached` tip first, `attached` in height order, as the validator lists them. */
export async function publishReorged(
  js: JetStreamBus,
  nodeId: string,
  forkPoint: Block,
  detached: readonly Block[],
  attached: readonly Block[],
  chain = 'main',
): Promise<void> {
  const forkId = blockId(forkPoint.header);
  const tip = attached.at(-1) ?? forkPoint;
  await js.publish(
    subject(chain, nodeId, 'reorged'),
    chainV1.BlockReorged,
    {
      forkPoint: { blockId: Buffer.from(forkId), height: forkPoint.header.height },
      detached: detached.map((b) => ({ bytes: Buffer.from(encodeBlock(b)) })),
      attached: attached.map((b) => ({ bytes: Buffer.from(encodeBlock(b)) })),
    },
    { msgId: `${hex(blockId(tip.header))}-reorged`, height: tip.header.height },
  );
}
