// Done-when 3: two nodes mine apart while a TCP proxy cuts the leafnode link between their NATS
// servers, each on its own branch; when the link returns, both end on the most-work branch, the
// losing branch's transaction is back in its mempool (or mined again), and balances agree.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { buildTx, createWalletKey, type NodeClient, spendableUtxos, type WalletKey } from '@bystack/cli';
import { BTM_ASSET_ID, createRootXPrv, devnetFaucetXPrv, mainDevnetParams, workFromBits } from '@bystack/protocol';
import { balances, blockIdAt, sameTip, startTestDevnet, type TestDevnet, waitFor } from './support.ts';

const params = mainDevnetParams;
const key = () => createWalletKey(createRootXPrv(randomBytes(32)));
const faucet = createWalletKey(devnetFaucetXPrv());
const [alice, bob, carol, dave] = [key(), key(), key(), key()];

let devnet: TestDevnet;
let n0: NodeClient;
let n1: NodeClient;

async function pay(client: NodeClient, from: WalletKey, payments: [WalletKey, bigint][]) {
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
    payments: payments.map(([to, amount]) => ({ assetId: BTM_ASSET_ID, amount, controlProgram: to.controlProgram })),
  });
  await client.submitTx(built.bytes);
  return built.txId;
}

/** Work of a node's blocks at heights from..to. */
async function branchWork(client: NodeClient, from: bigint, to: bigint): Promise<bigint> {
  let work = 0n;
  for (let h = from; h <= to; h++) work += workFromBits((await client.blockAt(h)).header.bits);
  return work;
}

const confirmedOn = async (client: NodeClient, txId: Uint8Array) =>
  (await client.txStatus(txId)).status === 'confirmed';

before(async () => {
  devnet = await startTestDevnet('partition', { nodes: 2, partitionable: true });
  n0 = devnet.client(0);
  n1 = devnet.client(1);
});
after(async () => {
  await devnet?.dispose();
});

test('partitioned nodes mine apart, then converge on the most-work branch', async () => {
  // Connected: both follow one chain; the faucet's genesis coin matures.
  await waitFor('height 6 on node 1', async () => (await n1.tip()).height >= 6n);
  const funding = await pay(n0, faucet, [
    [alice, 1_000_000_000n],
    [bob, 1_000_000_000n],
  ]);
  await waitFor('the funding on both nodes', async () => (await confirmedOn(n0, funding)) && confirmedOn(n1, funding));

  const common = await sameTip([n0, n1], 'a common tip before the cut');
  devnet.node(1).proxy!.cut();
  // A block in flight at the cut may still reach the other side: the branches part at most one later.
  await waitFor('each node to mine its own branch', async () => {
    const [t0, t1] = await Promise.all([n0.tip(), n1.tip()]);
    let top = t0.height;
    if (t1.height < top) top = t1.height;
    return top >= common.height + 3n && (await blockIdAt(n0, top)) !== (await blockIdAt(n1, top));
  });

  // One transaction on each side of the partition.
  const onN0 = await pay(n0, alice, [[carol, 100_000_000n]]);
  const onN1 = await pay(n1, bob, [[dave, 200_000_000n]]);
  await waitFor('each side to mine its own transaction', async () => {
    return (await confirmedOn(n0, onN0)) && (await confirmedOn(n1, onN1));
  });
  assert.equal(await confirmedOn(n0, onN1), false, 'node 0 never saw node 1’s transaction');

  // Node 1 stops mining, so node 0's branch gets ahead in work: the sum of each block's work from
  // the first height where the branches differ.
  await devnet.node(1).service('miner').stop();
  let fork = common.height + 1n;
  while ((await blockIdAt(n0, fork)) === (await blockIdAt(n1, fork))) fork++;
  const losing = await branchWork(n1, fork, (await n1.tip()).height);
  const winner = await waitFor('node 0’s branch to hold more work', async () => {
    const tip = await n0.tip();
    return (await branchWork(n0, fork, tip.height)) > losing ? tip : undefined;
  });

  devnet.node(1).proxy!.restore();
  await waitFor('node 1 to reorganize onto node 0’s branch', async () => {
    return (await blockIdAt(n1, winner.height)) === Buffer.from(winner.blockId).toString('hex');
  });
  // The losing branch's transaction is pending again, or already mined on the winning branch.
  await waitFor('node 1’s transaction back in a mempool or re-mined', async () => {
    return (await n1.isPending(onN1)) || (await n0.isPending(onN1)) || (await confirmedOn(n0, onN1));
  });

  await devnet.node(1).service('miner').start();
  await waitFor('both transactions confirmed on both nodes', async () => {
    const all = await Promise.all([n0, n1].flatMap((c) => [confirmedOn(c, onN0), confirmedOn(c, onN1)]));
    return all.every(Boolean);
  });
  await waitFor('balances to agree on both nodes', async () => {
    await sameTip([n0, n1]);
    for (const who of [alice, bob, carol, dave]) {
      const [b0, b1] = await Promise.all([balances(n0, who.controlProgram), balances(n1, who.controlProgram)]);
      const show = (b: Map<string, bigint>) => [...b].map(([a, v]) => `${a}=${v}`).join(',');
      if (show(b0) !== show(b1)) return false;
    }
    return true;
  });
  const ff = 'ff'.repeat(32);
  assert.equal((await balances(n0, carol.controlProgram)).get(ff), 100_000_000n);
  assert.equal((await balances(n1, dave.controlProgram)).get(ff), 200_000_000n);
});
