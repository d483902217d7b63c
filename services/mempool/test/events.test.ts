// The node's chain events on a real JetStream, with the chain committed through the TieredStore the
// way the validator does it (store first, event after): a committed block removes the txs it
// confirms and those it conflicts with (their descendants too) but keeps the children of confirmed
// txs; a passing tip expires txs by time range; a reorganization re-admits the detached blocks'
// txs that are still valid on the new chain, and drops the pending txs that spent what the detached
// blocks made and the new chain does not have. The follower resumes after a restart.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Tx } from '@bystack/protocol';
import { createNatsBus, type JetStreamBus, type NatsBus } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { Redis } from 'ioredis';
import {
  declareEventsStream,
  devnetKey,
  type FundedChain,
  fundedChain,
  hex,
  makeBlock,
  minerKey,
  nativeOutput,
  outputOf,
  type PublishOptions,
  parentOf,
  pay,
  publishCommitted,
  publishReorged,
  type Spendable,
  transfer,
  txBytes,
  txIdOf,
} from './fixtures.ts';
import { eventually, startTestMempool, type TestMempool } from './helpers.ts';

const PREFIX = 'evt';
const NODE = 'n0';
const bob = devnetKey('bob');
const carol = devnetKey('carol');
const alices = Array.from({ length: 16 }, (_, i) => devnetKey('alice', i));
const BTM = 100_000_000n;

let nats: TestServer;
let redisServer: TestServer;
let redis: Redis;
let bus: NatsBus;
let js: JetStreamBus;
let funded: FundedChain;
let mp: TestMempool;
let next = 0;
const fresh = (): Spendable => funded.outputs[next++]!;

before(async () => {
  [nats, redisServer] = await Promise.all([startNats(), startRedis()]);
  redis = new Redis(redisServer.url);
  bus = await createNatsBus({ servers: nats.url });
  js = await bus.jetstream();
  funded = await fundedChain({ redis, prefix: PREFIX }, alices, 10n * BTM);
  // The mempool starts before the validator's stream exists: it waits for it.
  mp = await startTestMempool({
    natsUrl: nats.url,
    redisUrl: redisServer.url,
    prefix: PREFIX,
    nodeId: NODE,
    // No periodic revalidation: what the events do is what is tested.
    env: { BYSTACK_GOSSIP: 'false', BYSTACK_REVALIDATE_INTERVAL: '0' },
  });
  await declareEventsStream(js, NODE);
});

after(async () => {
  await mp?.stop();
  await bus?.close();
  await funded?.chain.close();
  redis?.disconnect();
  await Promise.all([nats?.stop(), redisServer?.stop()]);
});

const submit = (m: TestMempool, tx: Tx) =>
  m.client.submitTx({ chain: undefined, tx: { bytes: Buffer.from(txBytes(tx)) } });
const isPending = async (tx: Tx, m: TestMempool = mp) =>
  (await m.client.getPendingTx({ chain: undefined, txId: Buffer.from(txIdOf(tx)) })).pending;
const tipHeight = async (m: TestMempool = mp) =>
  (await m.client.reapTxs({ chain: undefined, maxGas: 0n, maxTxs: 1 })).tip?.height;

/**
 * What the validator does for a new block: commit through the store, then publish the event (as an
 * older validator by default: the block's bytes, no effects).
 */
async function commitAndPublish(txs: Tx[] = [], opts: PublishOptions = {}): Promise<void> {
  const block = await funded.chain.mine(txs);
  await publishCommitted(js, NODE, block, 'main', opts);
  await eventually(async () => (await tipHeight()) === block.header.height, 5000, `tip ${block.header.height}`);
}

const removedCount = async (reason: string) => {
  const text = await mp.handle.metrics.registry.getSingleMetricAsString('bystack_mempool_tx_removed_total');
  return Number(new RegExp(`reason="${reason}"[^}]*} (\\d+)`).exec(text)?.[1] ?? 0);
};

/**
 * Five pending txs, then a block (published as `opts` says) that confirms one and spends the input of
 * another: the confirmed tx leaves and its child stays; the conflicting tx leaves with its child; an
 * unrelated tx stays. Returns the txs that stay.
 */
async function confirmAndConflict(opts: PublishOptions = {}): Promise<{ child: Tx; unrelated: Tx }> {
  const confirmed = pay(fresh(), bob, 2n * BTM);
  const child = pay(outputOf(confirmed, 0, bob), carol, BTM);
  const outA = fresh();
  const conflicting = pay(outA, bob, 3n * BTM);
  const conflictChild = pay(outputOf(conflicting, 0, bob), carol, BTM);
  const unrelated = pay(fresh(), bob, BTM);
  const pendingBefore = (await mp.client.getPoolInfo({ chain: undefined })).txCount;
  for (const tx of [confirmed, child, conflicting, conflictChild, unrelated]) await submit(mp, tx);
  assert.equal((await mp.client.getPoolInfo({ chain: undefined })).txCount, pendingBefore + 5);

  const winner = pay(outA, carol, 4n * BTM); // spends outA too: the block's version wins
  await commitAndPublish([confirmed, winner], opts);

  assert.equal(await isPending(confirmed), false, 'confirmed: gone');
  assert.equal(await isPending(child), true, 'its child stays, now spending a chain output');
  assert.equal(await isPending(conflicting), false, 'conflicting: gone');
  assert.equal(await isPending(conflictChild), false, 'and its descendants');
  assert.equal(await isPending(unrelated), true);
  return { child, unrelated };
}

describe('chain events', () => {
  test('a committed block removes confirmed and conflicting txs, keeps children of confirmed ones', async () => {
    const decoded = mp.modules.follower.blocksDecoded;
    const { child, unrelated } = await confirmAndConflict();
    assert.equal(mp.modules.follower.blocksDecoded, decoded + 1, 'an event without effects: the body decoded');
    // The child is spendable from the chain now: the reap hands it out alone.
    const reaped = await mp.client.reapTxs({ chain: undefined, maxGas: 0n, maxTxs: 0 });
    assert.deepEqual(reaped.txs.map((t) => hex(t.bytes)).sort(), [hex(txBytes(child)), hex(txBytes(unrelated))].sort());
    assert.equal(await removedCount('confirmed'), 1);
    assert.equal(await removedCount('conflict'), 2);
  });

  test("a committed event with the block's effects: confirmed and conflicting txs leave, no body decoded", async () => {
    const [confirmedBefore, conflictsBefore] = [await removedCount('confirmed'), await removedCount('conflict')];
    const decoded = mp.modules.follower.blocksDecoded;
    // Without the block's bytes: only the effects can tell the follower what the block did.
    await confirmAndConflict({ effects: true, body: false });
    assert.equal(mp.modules.follower.blocksDecoded, decoded, 'nothing decoded');
    assert.equal(await removedCount('confirmed'), confirmedBefore + 1);
    assert.equal(await removedCount('conflict'), conflictsBefore + 2);
    // With the bytes too (as the validator publishes it), the effects are still what is read.
    const next = pay(fresh(), bob, BTM);
    await submit(mp, next);
    await commitAndPublish([next], { effects: true });
    assert.equal(await isPending(next), false);
    assert.equal(mp.modules.follower.blocksDecoded, decoded, 'still nothing decoded');
  });

  test('effects net of in-block spends: a pending child spending what the block spent again is evicted', async () => {
    const parent = transfer([fresh()], [nativeOutput(bob.program, 2n * BTM), nativeOutput(bob.program, 3n * BTM)]);
    const spendsFirst = pay(outputOf(parent, 0, bob), carol, BTM);
    const spendsSecond = pay(outputOf(parent, 1, bob), carol, BTM);
    for (const tx of [parent, spendsFirst, spendsSecond]) await submit(mp, tx);
    const decoded = mp.modules.follower.blocksDecoded;

    // The block confirms the parent and spends its first output again in another tx: that output is
    // in neither of the event's lists.
    const rival = pay(outputOf(parent, 0, bob), bob, BTM + 1n);
    await commitAndPublish([parent, rival], { effects: true, body: false });

    assert.equal(mp.modules.follower.blocksDecoded, decoded, 'nothing decoded');
    assert.equal(await isPending(parent), false, 'confirmed');
    assert.equal(await isPending(spendsFirst), false, 'its output was spent in the block: a conflict');
    assert.equal(await isPending(spendsSecond), true, 'its output is on the chain, unspent');
  });

  test('txs whose time range the next height passes expire', async () => {
    const height = funded.chain.tip.height; // next height = height + 1
    const lasting = pay(fresh(), bob, BTM, { timeRange: BigInt(height + 2) });
    await submit(mp, lasting);
    await commitAndPublish(); // next height = height + 2: still fine
    assert.equal(await isPending(lasting), true);
    await commitAndPublish(); // next height = height + 3 > time range
    assert.equal(await isPending(lasting), false);
  });

  test('a reorg re-admits the detached txs still valid on the new chain', async () => {
    const fork = funded.chain.tipBlock;
    const outB = fresh();
    const stays = pay(fresh(), bob, BTM); // in the detached block only: comes back
    const lost = pay(outB, bob, BTM); // the new branch spends outB otherwise: cannot come back
    const pendingBefore = pay(fresh(), carol, BTM); // pending all along
    const inBoth = pay(fresh(), carol, BTM); // the new branch holds it too: neither hashed nor offered again
    await submit(mp, pendingBefore);
    await commitAndPublish([stays, lost, inBoth]);
    assert.equal(await isPending(stays), false);
    const orphaned = pay(outputOf(lost, 0, bob), carol, BTM / 2n); // spends what `lost` made: goes with it
    await submit(mp, orphaned);

    // The validator switches to a heavier branch: revert, commit the new blocks, publish.
    const detached = await funded.chain.revertTip();
    const rival = pay(outB, carol, 2n * BTM);
    const b1 = await funded.chain.commit(
      makeBlock(parentOf(fork), [rival, inBoth], minerKey, { arbitrary: 'branch-b-1' }),
    );
    const b2 = await funded.chain.mine([], minerKey, 'branch-b-2');
    await publishReorged(js, NODE, fork, [detached], [b1, b2]);
    await publishCommitted(js, NODE, b1);
    await publishCommitted(js, NODE, b2);
    await eventually(async () => (await tipHeight()) === b2.header.height, 5000, 'the new tip');
    await eventually(() => isPending(stays), 5000, 're-admission');
    assert.equal(await isPending(lost), false, 'double spent on the new chain');
    await eventually(async () => !(await isPending(orphaned)), 5000, 'the spender of what `lost` made dropped');
    assert.equal(await isPending(rival), false, 'confirmed on the new chain');
    assert.equal(await isPending(pendingBefore), true);
    assert.equal(await isPending(inBoth), false, 'confirmed on both branches');
    const admitted = await mp.handle.metrics.registry.getSingleMetricAsString('bystack_mempool_tx_admitted_total');
    assert.match(admitted, /source="reorg"[^}]*} 1/);
    const rejected = await mp.handle.metrics.registry.getSingleMetricAsString('bystack_mempool_tx_rejected_total');
    const offeredBack = [...rejected.matchAll(/source="reorg"[^}]*} (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
    assert.equal(offeredBack, 1, 'only `lost` was offered again and refused');
  });

  test('a re-admitted tx is the parent of the pending tx spending its output: reaped first, removed with it', async () => {
    const fork = funded.chain.tipBlock;
    const input = fresh();
    const parent = pay(input, bob, 2n * BTM); // in the block the reorg detaches: comes back
    await commitAndPublish([parent], { effects: true });
    // Admitted while the parent's output is on the chain; paying more, it would go first on its own.
    const child = pay(outputOf(parent, 0, bob), carol, BTM, { fee: 10_000_000n });
    await submit(mp, child);

    const detached = await funded.chain.revertTip();
    const b1 = await funded.chain.commit(makeBlock(parentOf(fork), [], minerKey, { arbitrary: 'branch-c-1' }));
    const b2 = await funded.chain.mine([], minerKey, 'branch-c-2');
    await publishReorged(js, NODE, fork, [detached], [b1, b2]);
    await publishCommitted(js, NODE, b1, 'main', { effects: true });
    await publishCommitted(js, NODE, b2, 'main', { effects: true });
    await eventually(async () => (await tipHeight()) === b2.header.height, 5000, 'the new tip');
    await eventually(() => isPending(parent), 5000, 're-admission');
    assert.equal(await isPending(child), true, 'its input exists again, made by a pending tx');

    const reaped = (await mp.client.reapTxs({ chain: undefined, maxGas: 0n, maxTxs: 0 })).txs.map((t) => hex(t.bytes));
    const [p, c] = [reaped.indexOf(hex(txBytes(parent))), reaped.indexOf(hex(txBytes(child)))];
    assert.ok(p >= 0 && c > p, `the parent (at ${p}) is reaped before its child (at ${c})`);

    // A block spends the parent's input otherwise: the parent conflicts, and its child leaves with it.
    await commitAndPublish([pay(input, carol, BTM)], { effects: true });
    assert.equal(await isPending(parent), false, 'conflicting: gone');
    assert.equal(await isPending(child), false, 'its descendant too');
  });

  test('a restarted mempool follows on from where its consumer was', async () => {
    await mp.stop();
    const tx = pay(fresh(), bob, BTM);
    const block = await funded.chain.mine([tx]); // committed while the mempool is down
    await publishCommitted(js, NODE, block);
    mp = await startTestMempool({
      natsUrl: nats.url,
      redisUrl: redisServer.url,
      prefix: PREFIX,
      nodeId: NODE,
      env: { BYSTACK_GOSSIP: 'false' },
    });
    assert.equal(await tipHeight(), block.header.height, 'starts at the hot tier tip');
    await eventually(() => mp.modules.follower.handled > 0, 5000, 'the missed event handled');
    await assert.rejects(submit(mp, tx), (err: unknown) => (err as { code: string }).code === 'UNKNOWN_INPUT');
  });
});
