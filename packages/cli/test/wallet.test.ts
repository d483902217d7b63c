// The wallet against the protocol's own rules: every transaction it builds passes stateless
// validation (format, balance, gas, signatures) and connects to an in-memory UTXO set, its fee is
// exactly what the gas costs, and what it cannot build it refuses with a typed error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Block,
  BTM_ASSET_ID,
  connectTx,
  createMainDevnetGenesis,
  createRetireProgram,
  createRootXPrv,
  createSignatureVerifier,
  createTxEntries,
  createUtxoOverlay,
  decodeTx,
  devnetFaucetXPrv,
  encodeTx,
  isValidationError,
  mainDevnetParams,
  type Tx,
  type UtxoOverlay,
  validateTxStateless,
  verifySignatureSets,
} from '@bystack/protocol';
import { toHex } from '../src/hex.ts';
import {
  buildTx,
  createWalletKey,
  isMature,
  isWalletError,
  type ListedUtxo,
  type SpendableUtxo,
  selectCoins,
  signTx,
  spendableUtxos,
  type UtxoChainReader,
  WalletErrorCode,
  type WalletKey,
} from '../src/wallet/index.ts';

const params = mainDevnetParams;
const rate = BigInt(params.gas.vmGasRate);

let genesis: Block | undefined;

/** A chain in memory: blocks of one transaction each on the devnet genesis, and its UTXO set. */
class MemoryChain implements UtxoChainReader {
  readonly blocks: Block[] = [];
  readonly utxos: UtxoOverlay = createUtxoOverlay();

  constructor() {
    genesis ??= createMainDevnetGenesis();
    this.append(genesis);
    // The genesis coinbase matures: empty blocks up to the maturity height.
    for (let h = 1n; h < BigInt(params.coinbaseMaturity); h++) {
      this.append({ header: { ...genesis.header, height: h }, transactions: [] });
    }
  }

  get nextHeight(): bigint {
    return BigInt(this.blocks.length);
  }

  /** Checks `tx` as a validator would (stateless, signatures, connect) and mines it alone in a block. */
  async mine(tx: Tx): Promise<void> {
    const decoded = decodeTx(encodeTxChecked(tx));
    const entries = createTxEntries(decoded);
    const { signatureSets } = validateTxStateless(decoded, entries, { params, blockHeight: this.nextHeight });
    await verifySignatureSets(createSignatureVerifier(), signatureSets);
    const parent = this.blocks.at(-1)!;
    this.append({ header: { ...parent.header, height: this.nextHeight }, transactions: [decoded] });
  }

  private append(block: Block): void {
    const height = block.header.height;
    block.transactions.forEach((tx, i) => {
      const coinbase = height === 0n && i === 0;
      this.utxos.apply(connectTx(this.utxos, tx, createTxEntries(tx), { params, blockHeight: height, coinbase }));
    });
    this.blocks.push(block);
  }

  async listUtxos(program: Uint8Array): Promise<ListedUtxo[]> {
    return this.utxos
      .changes()
      .created.filter((c) => toHex(c.entry.controlProgram) === toHex(program))
      .map((c) => ({
        outputId: c.outputId,
        assetId: c.entry.assetId,
        amount: c.entry.amount,
        controlProgram: c.entry.controlProgram,
        height: c.entry.height,
        coinbase: c.entry.kind === 'coinbase',
      }));
  }

  async blockAt(height: bigint): Promise<Block> {
    return this.blocks[Number(height)]!;
  }

  /** Outputs spent by "pending" txs (sent, not mined), as a node's mempool answers. */
  readonly pending = new Set<string>();

  async pendingSpends(outputIds: readonly Uint8Array[]): Promise<ReadonlySet<string>> {
    return new Set(outputIds.map(toHex).filter((id) => this.pending.has(id)));
  }

  async coins(key: WalletKey): Promise<SpendableUtxo[]> {
    return spendableUtxos(this, key.controlProgram, {
      nextHeight: this.nextHeight,
      coinbaseMaturity: params.coinbaseMaturity,
    });
  }

  async balance(key: WalletKey, assetId: Uint8Array): Promise<bigint> {
    const coins = await this.listUtxos(key.controlProgram);
    return coins.filter((u) => toHex(u.assetId) === toHex(assetId)).reduce((sum, u) => sum + u.amount, 0n);
  }
}

function encodeTxChecked(tx: Tx): Uint8Array {
  return encodeTx(tx);
}

const faucet = createWalletKey(devnetFaucetXPrv());
const alice = createWalletKey(createRootXPrv(new TextEncoder().encode('wallet test alice')));
const bob = createWalletKey(createRootXPrv(new TextEncoder().encode('wallet test bob')));

async function fund(chain: MemoryChain, key: WalletKey, amount: bigint): Promise<void> {
  const built = await buildTx({
    key: faucet,
    utxos: await chain.coins(faucet),
    params,
    blockHeight: chain.nextHeight,
    payments: [{ assetId: BTM_ASSET_ID, amount, controlProgram: key.controlProgram }],
  });
  await chain.mine(built.tx);
}

describe('wallet', () => {
  it('a coin a pending transaction spends is not offered again: a second payment spends another', async () => {
    const chain = new MemoryChain();
    await fund(chain, alice, 300_000_000n);
    await fund(chain, alice, 400_000_000n);
    const pay = async () =>
      buildTx({
        key: alice,
        utxos: await chain.coins(alice),
        params,
        blockHeight: chain.nextHeight,
        payments: [{ assetId: BTM_ASSET_ID, amount: 100_000_000n, controlProgram: bob.controlProgram }],
      });
    const first = await pay();
    for (const c of first.spent) chain.pending.add(toHex(c.outputId)); // sent, not yet in a block
    const second = await pay();
    const spentIds = (b: typeof first) => b.spent.map((c) => toHex(c.outputId));
    assert.equal(spentIds(first).length, 1);
    assert.equal(spentIds(second).length, 1);
    assert.notDeepEqual(spentIds(second), spentIds(first), 'the second payment takes the other coin');
    await chain.mine(first.tx);
    await chain.mine(second.tx);
    assert.equal(await chain.balance(bob, BTM_ASSET_ID), 200_000_000n);
  });

  it('pays from the faucet: change returns to the key, the fee is whole gas units at the chain rate', async () => {
    const chain = new MemoryChain();
    const before = await chain.balance(faucet, BTM_ASSET_ID);
    const built = await buildTx({
      key: faucet,
      utxos: await chain.coins(faucet),
      params,
      blockHeight: chain.nextHeight,
      payments: [{ assetId: BTM_ASSET_ID, amount: 5_000_000_000n, controlProgram: alice.controlProgram }],
    });
    assert.ok(built.fee >= BigInt(built.gasUsed) * rate);
    assert.equal(built.fee % rate, 0n);
    assert.equal(built.tx.inputs.length, 1);
    assert.equal(built.tx.outputs.length, 2);
    await chain.mine(built.tx);
    assert.equal(await chain.balance(alice, BTM_ASSET_ID), 5_000_000_000n);
    assert.equal(await chain.balance(faucet, BTM_ASSET_ID), before - 5_000_000_000n - built.fee);
  });

  it('the fee is the smallest that validation accepts: one gas unit less is INSUFFICIENT_GAS', async () => {
    const chain = new MemoryChain();
    const base = {
      key: faucet,
      utxos: await chain.coins(faucet),
      params,
      blockHeight: chain.nextHeight,
      payments: [{ assetId: BTM_ASSET_ID, amount: 1_000n, controlProgram: alice.controlProgram }],
    };
    const exact = await buildTx(base);
    await assert.rejects(buildTx({ ...base, fee: exact.fee - rate }), (err: unknown) => {
      return isValidationError(err) && err.code === 'INSUFFICIENT_GAS';
    });
    const fixed = await buildTx({ ...base, fee: exact.fee + 12_345n });
    assert.equal(fixed.fee, exact.fee + 12_345n);
  });

  it('issues an asset, transfers part of it, retires part: balances per asset add up', async () => {
    const chain = new MemoryChain();
    await fund(chain, alice, 1_000_000_000n);
    const definition = new TextEncoder().encode(JSON.stringify({ name: 'GOLD', decimals: 0 }));

    const issued = await buildTx({
      key: alice,
      utxos: await chain.coins(alice),
      params,
      blockHeight: chain.nextHeight,
      payments: [],
      issuances: [{ definition, amount: 1_000n }],
    });
    const gold = issued.issuedAssetIds[0]!;
    assert.ok(issued.fee >= BigInt(issued.gasUsed) * rate);
    await chain.mine(issued.tx);
    assert.equal(await chain.balance(alice, gold), 1_000n);
    assert.equal(await chain.balance(alice, BTM_ASSET_ID), 1_000_000_000n - issued.fee);

    const sent = await buildTx({
      key: alice,
      utxos: await chain.coins(alice),
      params,
      blockHeight: chain.nextHeight,
      payments: [{ assetId: gold, amount: 300n, controlProgram: bob.controlProgram }],
    });
    await chain.mine(sent.tx);
    assert.equal(await chain.balance(alice, gold), 700n);
    assert.equal(await chain.balance(bob, gold), 300n);

    const retired = await buildTx({
      key: alice,
      utxos: await chain.coins(alice),
      params,
      blockHeight: chain.nextHeight,
      payments: [{ assetId: gold, amount: 200n, controlProgram: createRetireProgram() }],
    });
    await chain.mine(retired.tx);
    assert.equal(await chain.balance(alice, gold), 500n);
    assert.equal(await chain.balance(alice, BTM_ASSET_ID), 1_000_000_000n - issued.fee - sent.fee - retired.fee);
  });

  it('selects the smallest covering coin, else the largest first; refuses what it cannot cover', () => {
    const coin = (amount: bigint) => ({ amount }) as SpendableUtxo;
    const coins = [coin(5n), coin(50n), coin(20n), coin(100n)];
    assert.deepEqual(
      selectCoins(coins, 30n).selected.map((c) => c.amount),
      [50n],
    );
    assert.deepEqual(
      selectCoins(coins, 160n).selected.map((c) => c.amount),
      [100n, 50n, 20n],
    );
    assert.throws(
      () => selectCoins(coins, 176n),
      (err: unknown) => isWalletError(err) && err.code === WalletErrorCode.INSUFFICIENT_FUNDS,
    );
  });

  it('a key without enough BTM for the fee cannot issue', async () => {
    const chain = new MemoryChain();
    await assert.rejects(
      buildTx({
        key: bob,
        utxos: await chain.coins(bob),
        params,
        blockHeight: chain.nextHeight,
        payments: [],
        issuances: [{ definition: new Uint8Array([1]), amount: 1n }],
      }),
      (err: unknown) => isWalletError(err) && err.code === WalletErrorCode.INSUFFICIENT_FUNDS,
    );
  });

  it('a transaction signed by another key fails the signature check', async () => {
    const chain = new MemoryChain();
    await fund(chain, alice, 1_000_000n);
    const built = await buildTx({
      key: alice,
      utxos: await chain.coins(alice),
      params,
      blockHeight: chain.nextHeight,
      payments: [{ assetId: BTM_ASSET_ID, amount: 1n, controlProgram: bob.controlProgram }],
    });
    // Bob's signature with Alice's public key in the witness: the program hash matches, the signature does not.
    const forged = signTx(
      { ...built.tx, inputs: built.tx.inputs.map((i) => ({ ...i, arguments: [] })) },
      { ...bob, controlProgram: alice.controlProgram, publicKey: alice.publicKey },
    );
    await assert.rejects(chain.mine(forged), (err: unknown) => isValidationError(err) && err.code === 'BAD_SIGNATURE');
  });

  it('coinbase coins wait for maturity', () => {
    const m = params.coinbaseMaturity;
    assert.equal(isMature({ height: 10n, coinbase: true }, 10n + BigInt(m) - 1n, m), false);
    assert.equal(isMature({ height: 10n, coinbase: true }, 10n + BigInt(m), m), true);
    assert.equal(isMature({ height: 10n, coinbase: false }, 11n, m), true);
  });
});
