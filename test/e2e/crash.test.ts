// Done-when 4: the validator killed with SIGKILL while committing (right after the durable commit of
// a block, before the events; Redis, which takes the block alongside, may or may not have it), then
// restarted: the same tip, no transaction lost or applied twice. The miner killed: the network goes
// on, and mining resumes on restart.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  buildTx,
  createWalletKey,
  type NodeClient,
  type ServiceProcess,
  spendableUtxos,
  type WalletKey,
} from '@bystack/cli';
import { BTM_ASSET_ID, createRootXPrv, devnetFaucetXPrv, mainDevnetParams } from '@bystack/protocol';
import { BTM, balances, sameTip, startTestDevnet, type TestDevnet, waitFor } from './support.ts';

const params = mainDevnetParams;
const key = () => createWalletKey(createRootXPrv(randomBytes(32)));
const faucet = createWalletKey(devnetFaucetXPrv());
const [alice, bob, carol] = [key(), key(), key()];

let devnet: TestDevnet;
let n0: NodeClient;
let n1: NodeClient;

async function pay(client: NodeClient, from: WalletKey, to: WalletKey, amount: bigint) {
  const tip = await client.tip();
  const utxos = await spendableUtxos(client, from.controlProgram, {
    nextHeight: tip.height + 1n,
    coinbaseMaturity: params.coinbaseMaturity,
  });
  const built = await buildTx({
    key: from,
    utxos,
    params,
    blockHeight: tip.height + 1n,
    feeRate: 300n,
    payments: [{ assetId: BTM_ASSET_ID, amount, controlProgram: to.controlProgram }],
  });
  await client.submitTx(built.bytes);
  return built;
}

const confirmedOn = async (client: NodeClient, txId: Uint8Array) =>
  (await client.txStatus(txId)).status === 'confirmed';

const SETTLE_MS = 2000;

/**
 * Stops the miners once both nodes have one tip. The crash height must be the block after it: a block
 * still on its way to node 0 would be filed before the restart, and two blocks mined at one height
 * (a tie: neither node switches) leave the nodes apart until a block on one of them breaks it.
 */
async function stopMiningOnOneTip(miners: readonly ServiceProcess[]) {
  for (;;) {
    await Promise.all(miners.map((m) => m.stop()));
    const tip = await sameTip([n0, n1], 'the nodes to settle once mining stopped', 10_000).catch(() => undefined);
    // A block the miner submitted as it stopped is still being validated: the tip must hold a while.
    await sleep(SETTLE_MS);
    const held = await sameTip([n0, n1], 'the tip to hold', 0).catch(() => undefined);
    if (tip && held && Buffer.from(held.blockId).equals(tip.blockId)) return tip;
    if (held) continue;
    const heights = (await Promise.all([n0.tip(), n1.tip()])).map((t) => t.height);
    const above = async (client: NodeClient) => {
      const { height } = await client.tip();
      return heights.every((h) => height > h);
    };
    await miners[0]!.start();
    await waitFor('a block above the tie', async () => (await above(n0)) && above(n1));
  }
}

before(async () => {
  devnet = await startTestDevnet('crash', { nodes: 2 });
  n0 = devnet.client(0);
  n1 = devnet.client(1);
  await waitFor('height 6', async () => (await n0.tip()).height >= 6n);
  const funding = await pay(n0, faucet, alice, 1_000_000_000n);
  await waitFor('alice funded on both nodes', async () => {
    return (await confirmedOn(n0, funding.txId)) && confirmedOn(n1, funding.txId);
  });
});
after(async () => {
  await devnet?.dispose();
});

test('a validator SIGKILLed between the durable commit and the hot tier restarts at the same tip, losing nothing', async () => {
  const validator = devnet.node(0).service('validator');
  const miners = devnet.nodes.map((n) => n.service('miner'));
  // No mining while the stage is set: the next block is then built with the spend in it.
  const tip = await stopMiningOnOneTip(miners);
  const spend = await pay(n0, alice, bob, 100_000_000n);
  await waitFor(
    'the spend pending on both nodes',
    async () => (await n0.isPending(spend.txId)) && n1.isPending(spend.txId),
  );
  const crashHeight = tip.height + 1n;
  validator.updateEnv({ BYSTACK_TEST_CRASH_POINT: `after-durable-commit:${crashHeight}` });
  await validator.restart();
  await Promise.all(miners.map((m) => m.start()));
  await waitFor('the validator to crash committing the next block', () => !validator.running);
  assert.ok(
    devnet.exits.some((e) => e.startsWith('n0/validator') && e.includes('SIGKILL')),
    devnet.exits.join('; '),
  );

  // The network goes on without it.
  const n1Before = (await n1.tip()).height;
  await waitFor('node 1 to mine on', async () => (await n1.tip()).height >= n1Before + 2n);

  validator.updateEnv({ BYSTACK_TEST_CRASH_POINT: undefined });
  await validator.start();
  assert.ok((await n0.tip()).height >= crashHeight, 'the durably committed block is on its chain');
  await sameTip([n0, n1], 'node 0 to catch up with node 1');

  // The spend is in the block whose commit was cut short, exactly once, on both nodes.
  for (const client of [n0, n1]) {
    const status = await client.txStatus(spend.txId);
    assert.equal(status.status, 'confirmed');
    assert.equal(status.height, crashHeight);
  }
  await sameTip([n0, n1]);
  for (const client of [n0, n1]) {
    const bobCoins = await client.listUtxos(bob.controlProgram);
    assert.equal(bobCoins.length, 1, 'one output to bob');
    assert.equal(bobCoins[0]!.amount, 100_000_000n);
    assert.equal((await balances(client, alice.controlProgram)).get(BTM), 1_000_000_000n - 100_000_000n - spend.fee);
  }
  assert.equal(await n0.isPending(spend.txId), false, 'not pending again');
});

test('a killed miner: the network goes on, and mining resumes on restart', async () => {
  const miner = devnet.node(0).service('miner');
  await miner.kill();
  const start = (await n0.tip()).height;
  // Node 1 mines; node 0's validator follows; node 0's mempool still admits and gossips.
  const spend = await pay(n0, alice, carol, 50_000_000n);
  await waitFor('node 0 to follow node 1’s blocks', async () => (await n0.tip()).height >= start + 2n);
  await waitFor('node 0’s transaction mined by node 1', async () => {
    return (await confirmedOn(n0, spend.txId)) && confirmedOn(n1, spend.txId);
  });

  const restartHeight = (await n0.tip()).height;
  await miner.start();
  await waitFor(
    'a block mined by node 0’s restarted miner',
    async () => {
      const coins = await n0.listUtxos(devnet.node(0).minerProgram);
      return coins.some((c) => c.coinbase && c.height > restartHeight);
    },
    120_000,
  );
  await sameTip([n0, n1]);
});
