// Done-when 2: a double spend, a bad signature, an unknown input, a fee below the minimum and
// malformed bytes are each rejected with their typed code (the RpcError code of the mempool's
// SubmitTx), and the chain state is unchanged: no rejected transaction is pending or mined, and
// the coins they tried to spend are still where they were. The CLI turns the same codes into
// sentences.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  type BuiltTx,
  buildTx,
  createWalletKey,
  type NodeClient,
  type SpendableUtxo,
  spendableUtxos,
  type WalletKey,
} from '@bystack/cli';
import {
  BTM_ASSET_ID,
  createRootXPrv,
  DecodeErrorCode,
  devnetFaucetXPrv,
  encodeTx,
  mainDevnetParams,
  type Tx,
} from '@bystack/protocol';
import { isRpcError } from '@bystack/runtime';
import { runCli, startTestDevnet, type TestDevnet, tempDir, waitFor } from './support.ts';

const params = mainDevnetParams;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

let devnet: TestDevnet;
let client: NodeClient;
const faucet = createWalletKey(devnetFaucetXPrv());
const alice = createWalletKey(createRootXPrv(randomBytes(32)));
const bob = createWalletKey(createRootXPrv(randomBytes(32)));

async function coins(key: WalletKey): Promise<SpendableUtxo[]> {
  const tip = await client.tip();
  return spendableUtxos(client, key.controlProgram, {
    nextHeight: tip.height + 1n,
    coinbaseMaturity: params.coinbaseMaturity,
  });
}

async function pay(key: WalletKey, utxos: readonly SpendableUtxo[], to: Uint8Array, amount: bigint, fee?: bigint) {
  const tip = await client.tip();
  return buildTx({
    key,
    utxos,
    params,
    blockHeight: tip.height + 1n,
    payments: [{ assetId: BTM_ASSET_ID, amount, controlProgram: to }],
    feeRate: 300n,
    ...(fee === undefined ? {} : { fee }),
  });
}

/** The code SubmitTx rejects `bytes` with. */
async function rejection(bytes: Uint8Array): Promise<string> {
  try {
    await client.submitTx(bytes);
  } catch (err) {
    assert.ok(isRpcError(err), `a typed RpcError, got ${err}`);
    return err.code;
  }
  assert.fail('the mempool accepted it');
}

async function confirmed(txId: Uint8Array): Promise<boolean> {
  return (await client.txStatus(txId)).status === 'confirmed';
}

before(async () => {
  devnet = await startTestDevnet('reject');
  client = devnet.client();
  // The faucet's genesis coin matures at height 5; fund alice with one coin.
  await waitFor('the faucet coin to mature', async () => (await coins(faucet)).length > 0);
  const funding = await pay(faucet, await coins(faucet), alice.controlProgram, 10_000_000_000n);
  await client.submitTx(funding.bytes);
  await waitFor('alice funded', () => confirmed(funding.txId));
});
after(async () => {
  await devnet?.dispose();
});

describe('rejections carry typed codes and change nothing', () => {
  const rejected: Uint8Array[] = [];
  let first: BuiltTx;
  let aliceCoinsBefore: string[];
  let faucetCoinsBefore: string[];
  let poolBefore: number;

  test('a double spend of a coin a pending transaction spends: DOUBLE_SPEND', async () => {
    const aliceCoins = await coins(alice);
    aliceCoinsBefore = aliceCoins.map((c) => hex(c.outputId));
    faucetCoinsBefore = (await coins(faucet)).map((c) => hex(c.outputId));
    poolBefore = (await client.poolInfo()).txCount;
    // Both built first, then sent back to back: the second meets the first in the pool, not in a block.
    first = await pay(alice, aliceCoins, bob.controlProgram, 1_000n);
    const second = await pay(alice, aliceCoins, bob.controlProgram, 2_000n);
    await client.submitTx(first.bytes);
    assert.deepEqual(
      second.spent.map((c) => hex(c.outputId)),
      first.spent.map((c) => hex(c.outputId)),
    );
    assert.equal(await rejection(second.bytes), 'DOUBLE_SPEND');
    rejected.push(second.txId);
  });

  test('a signature that does not verify: BAD_SIGNATURE', async () => {
    const valid = await pay(faucet, await coins(faucet), bob.controlProgram, 3_000n);
    const input = valid.tx.inputs[0];
    assert.ok(input?.type === 'spend');
    const [sig, pub] = input.arguments;
    const badSig = Uint8Array.from(sig!);
    badSig[10]! ^= 0x01;
    const tampered: Tx = {
      ...valid.tx,
      inputs: valid.tx.inputs.map((input, i) => (i === 0 ? { ...input, arguments: [badSig, pub!] } : input)),
    };
    assert.equal(await rejection(encodeTx(tampered)), 'BAD_SIGNATURE');
    rejected.push(valid.txId);
  });

  test('an input that spends an output the chain never had: UNKNOWN_INPUT', async () => {
    const phantom: SpendableUtxo = {
      outputId: new Uint8Array(32),
      assetId: BTM_ASSET_ID,
      amount: 50_000_000n,
      controlProgram: alice.controlProgram,
      height: 1n,
      coinbase: false,
      sourceId: randomBytes(32),
      sourcePosition: 0n,
    };
    const tx = await pay(alice, [phantom], bob.controlProgram, 1_000n);
    assert.equal(await rejection(tx.bytes), 'UNKNOWN_INPUT');
    rejected.push(tx.txId);
  });

  test('a fee the protocol accepts but below the mempool’s minimum rate: FEE_TOO_LOW', async () => {
    // The smallest fee validation accepts (gas x 200 neu) is below the mempool's 300 neu per gas.
    const utxos = await coins(faucet);
    const cheapest = await buildTx({
      key: faucet,
      utxos,
      params,
      blockHeight: (await client.tip()).height + 1n,
      payments: [{ assetId: BTM_ASSET_ID, amount: 4_000n, controlProgram: bob.controlProgram }],
    });
    assert.ok(cheapest.fee < BigInt(cheapest.gasUsed) * 300n);
    assert.equal(await rejection(cheapest.bytes), 'FEE_TOO_LOW');
    rejected.push(cheapest.txId);
  });

  test('malformed bytes: decode error codes', async () => {
    const valid = await pay(faucet, await coins(faucet), bob.controlProgram, 5_000n);
    const decodeCodes = new Set<string>(Object.values(DecodeErrorCode));
    const truncated = await rejection(valid.bytes.subarray(0, valid.bytes.length - 3));
    assert.ok(decodeCodes.has(truncated), truncated);
    assert.equal(await rejection(new Uint8Array(0)), 'TRUNCATED');
    assert.equal(await rejection(Uint8Array.of(...valid.bytes, 0)), 'TRAILING_BYTES');
    assert.equal(await rejection(Uint8Array.of(0xff, ...valid.bytes.subarray(1))), 'BAD_SERFLAGS');
    rejected.push(valid.txId);
  });

  test('the CLI says the same in sentences', async () => {
    const keysDir = tempDir('keys');
    const run = (args: string[]) => runCli(args, { dataDir: devnet.dataDir, keysDir });
    const cheapest = await buildTx({
      key: faucet,
      utxos: await coins(faucet),
      params,
      blockHeight: (await client.tip()).height + 1n,
      payments: [{ assetId: BTM_ASSET_ID, amount: 4_000n, controlProgram: bob.controlProgram }],
    });
    // Below what validation accepts: the wallet refuses to build it.
    const invalid = await run(['faucet', 'devnet:miner/7', '--amount', '4000', '--fee', String(cheapest.fee / 2n)]);
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /error \[INSUFFICIENT_GAS\]: The fee does not pay for the gas/);
    // Valid, but below the mempool's rate: the mempool's FEE_TOO_LOW, as a sentence.
    const low = await run(['faucet', 'devnet:miner/7', '--amount', '4000', '--fee', String(cheapest.fee)]);
    assert.equal(low.code, 1);
    assert.match(low.stderr, /error \[FEE_TOO_LOW\]: The fee is below the minimum the mempool accepts/);
    const garbage = await run(['tx', 'status', 'zz']);
    assert.equal(garbage.code, 2);
    assert.match(garbage.stderr, /transaction id must be hex/);
    rmSync(keysDir, { recursive: true, force: true });
  });

  test('nothing rejected is pending or mined, and its coins did not move', async () => {
    await waitFor('the valid spend to be mined', () => confirmed(first.txId));
    // A few more blocks: anything wrongly kept would have been mined by now.
    const tip = (await client.tip()).height;
    await waitFor('two more blocks', async () => (await client.tip()).height >= tip + 2n);
    for (const id of rejected) {
      assert.equal((await client.txStatus(id)).status, 'unknown');
      assert.equal(await client.isPending(id), false);
    }
    const aliceNow = (await coins(alice)).map((c) => hex(c.outputId));
    for (const spent of aliceCoinsBefore) assert.ok(!aliceNow.includes(spent), 'the valid spend consumed its coin');
    assert.deepEqual((await coins(faucet)).map((c) => hex(c.outputId)).sort(), [...faucetCoinsBefore].sort());
    assert.equal((await client.poolInfo()).txCount, poolBefore);
  });
});
