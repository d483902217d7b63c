// Admission through gRPC on real servers (nats-server, redis-server), against a hot tier the
// runtime's TieredStore filled: a valid transfer is admitted and reaped; every rejection carries
// its stable code and status and leaves the pool unchanged; batches answer per tx and may chain;
// chained txs are reaped parent first; a full pool evicts the cheapest with its descendants.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DecodeErrorCode } from '@bystack/protocol';
import { statusName } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { Redis } from 'ioredis';
import { MempoolErrorCode } from '../src/index.ts';
import {
  devnetKey,
  type FundedChain,
  feeAndGas,
  fundedChain,
  hex,
  outputOf,
  pay,
  type Spendable,
  txBytes,
  txIdOf,
  withBadSignature,
} from './fixtures.ts';
import { rpcCode, startTestMempool, type TestMempool } from './helpers.ts';

const PREFIX = 'adm';
const bob = devnetKey('bob');
const carol = devnetKey('carol');
const alices = Array.from({ length: 24 }, (_, i) => devnetKey('alice', i));
const BTM = 100_000_000n;

let nats: TestServer;
let redisServer: TestServer;
let redis: Redis;
let funded: FundedChain;
let mp: TestMempool;
let next = 0;
/** A funded output no test used yet. */
const fresh = (): Spendable => funded.outputs[next++]!;

before(async () => {
  [nats, redisServer] = await Promise.all([startNats(), startRedis()]);
  redis = new Redis(redisServer.url);
  funded = await fundedChain({ redis, prefix: PREFIX }, alices, 10n * BTM);
  mp = await startTestMempool({
    natsUrl: nats.url,
    redisUrl: redisServer.url,
    prefix: PREFIX,
    env: { BYSTACK_GOSSIP: 'false' },
  });
});

after(async () => {
  await mp?.stop();
  await funded?.chain.close();
  redis?.disconnect();
  await Promise.all([nats?.stop(), redisServer?.stop()]);
});

async function poolState(m: TestMempool = mp) {
  const info = await m.client.getPoolInfo({ chain: { chainId: 'main' } });
  const reaped = await m.client.reapTxs({ chain: undefined, maxGas: 0n, maxTxs: 0 });
  return { count: info.txCount, bytes: info.totalBytes, txs: reaped.txs.map((t) => hex(t.bytes)) };
}

describe('admission', () => {
  test('a signed transfer is admitted, pending and reaped', async () => {
    const tx = pay(fresh(), bob, 3n * BTM);
    const { fee, gasUsed } = feeAndGas(tx);
    const res = await mp.client.submitTx({ chain: { chainId: 'main' }, tx: { bytes: Buffer.from(txBytes(tx)) } });
    assert.equal(hex(res.txId), hex(txIdOf(tx)));
    const pending = await mp.client.getPendingTx({ chain: undefined, txId: res.txId });
    assert.equal(pending.pending, true);
    assert.equal(hex(pending.tx!.bytes), hex(txBytes(tx)));
    const reaped = await mp.client.reapTxs({ chain: undefined, maxGas: 0n, maxTxs: 0 });
    assert.deepEqual(
      reaped.txs.map((t) => hex(t.bytes)),
      [hex(txBytes(tx))],
    );
    assert.equal(reaped.totalFee, fee);
    assert.equal(reaped.totalGas, BigInt(gasUsed));
    assert.equal(reaped.tip?.height, 5n);
    assert.equal(hex(reaped.tip!.blockId), hex(funded.chain.tip.blockId));
    const info = await mp.client.getPoolInfo({ chain: undefined });
    assert.equal(info.txCount, 1);
    assert.equal(info.totalBytes, BigInt(txBytes(tx).length));
    assert.equal(info.minFeeRate, 300n);
    const missing = await mp.client.getPendingTx({ chain: undefined, txId: Buffer.alloc(32) });
    assert.equal(missing.pending, false);
  });

  test('every rejection has its code and status, and the pool is unchanged', async () => {
    const pending = pay(fresh(), bob, BTM);
    await mp.client.submitTx({ chain: undefined, tx: { bytes: Buffer.from(txBytes(pending)) } });
    const before = await poolState();
    const spentByPool = funded.outputs[next - 1]!;

    const good = pay(fresh(), carol, BTM);
    const badSig = withBadSignature(good);
    const unknown: Spendable = { ...fresh(), sourceId: new Uint8Array(32).fill(7) };
    const lowFee = pay(fresh(), carol, BTM, { fee: 400_000n });
    assert.ok(feeAndGas(lowFee).feeRate < 300 && feeAndGas(lowFee).feeRate > 200, 'between the protocol floor and 300');
    const coinbaseTx = funded.chain.blocks[2]!.transactions[0]!;

    const cases: [string, Uint8Array, string, string][] = [
      [
        'double spend of a pending spend',
        txBytes(pay(spentByPool, carol, 2n * BTM)),
        'DOUBLE_SPEND',
        'FAILED_PRECONDITION',
      ],
      ['bad signature', txBytes(badSig), 'BAD_SIGNATURE', 'INVALID_ARGUMENT'],
      ['unknown input', txBytes(pay(unknown, carol, BTM)), 'UNKNOWN_INPUT', 'FAILED_PRECONDITION'],
      ['fee below the minimum rate', txBytes(lowFee), 'FEE_TOO_LOW', 'INVALID_ARGUMENT'],
      [
        'a fee that buys too little gas',
        txBytes(pay(fresh(), carol, BTM, { fee: 1000n })),
        'INSUFFICIENT_GAS',
        'INVALID_ARGUMENT',
      ],
      ['a length past the end', txBytes(good).subarray(0, 40), DecodeErrorCode.LENGTH_TOO_LARGE, 'INVALID_ARGUMENT'],
      ['no bytes', new Uint8Array(0), DecodeErrorCode.TRUNCATED, 'INVALID_ARGUMENT'],
      ['cut short', txBytes(good).subarray(0, 3), DecodeErrorCode.TRUNCATED, 'INVALID_ARGUMENT'],
      ['trailing bytes', new Uint8Array([...txBytes(good), 0]), DecodeErrorCode.TRAILING_BYTES, 'INVALID_ARGUMENT'],
      ['immature coinbase', txBytes(pay(funded.coinbases[1]!, carol, BTM)), 'IMMATURE_COINBASE', 'FAILED_PRECONDITION'],
      ['expired time range', txBytes(pay(fresh(), carol, BTM, { timeRange: 5n })), 'TX_EXPIRED', 'FAILED_PRECONDITION'],
      ['already pending', txBytes(pending), 'DUPLICATE_TX', 'ALREADY_EXISTS'],
      ['a coinbase', txBytes(coinbaseTx), 'BAD_COINBASE', 'INVALID_ARGUMENT'],
    ];
    for (const [what, bytes, code, status] of cases) {
      await assert.rejects(
        mp.client.submitTx({ chain: undefined, tx: { bytes: Buffer.from(bytes) } }),
        (err: unknown) => rpcCode(code)(err) && statusName((err as { grpcStatus: number }).grpcStatus) === status,
        what,
      );
      assert.deepEqual(await poolState(), before, `${what}: pool unchanged`);
    }

    await assert.rejects(
      mp.client.submitTx({ chain: { chainId: 'side-9' }, tx: { bytes: Buffer.from(txBytes(good)) } }),
      rpcCode(MempoolErrorCode.UNKNOWN_CHAIN),
    );
    // The double spend names the pending tx it conflicts with.
    await assert.rejects(
      mp.client.submitTx({ chain: undefined, tx: { bytes: Buffer.from(txBytes(pay(spentByPool, bob, 5n))) } }),
      (err: unknown) => (err as { fields: Record<string, string> }).fields.conflictingTx === hex(txIdOf(pending)),
    );
    // A mature coinbase (block 1's, at height 6) is spendable.
    await mp.client.submitTx({
      chain: undefined,
      tx: { bytes: Buffer.from(txBytes(pay(funded.coinbases[0]!, carol, BTM))) },
    });

    const rejected = await mp.handle.metrics.registry.getSingleMetricAsString('bystack_mempool_tx_rejected_total');
    for (const code of ['DOUBLE_SPEND', 'BAD_SIGNATURE', 'UNKNOWN_INPUT', 'FEE_TOO_LOW', 'TRUNCATED', 'DUPLICATE_TX']) {
      assert.match(rejected, new RegExp(`code="${code}"`), `rejections counted by code (${code})`);
    }
  });

  test('a batch answers one result per tx; a child may spend its parent; reaped parent first', async () => {
    const { count: before } = await poolState();
    const a = pay(fresh(), bob, BTM, { fee: 1_000_000n });
    const parent = pay(fresh(), bob, BTM, { fee: 600_000n });
    const child = pay(outputOf(parent, 0, bob), carol, BTM / 2n, { fee: 5_000_000n });
    const grandchild = pay(outputOf(child, 0, carol), bob, BTM / 4n, { fee: 4_000_000n });
    const sibling = pay(outputOf(parent, 0, bob), carol, BTM / 3n); // double spends the child's input
    const orphan = pay(outputOf(a, 0, bob), carol, BTM / 2n); // its parent comes later in the batch
    const res = await mp.client.submitTxBatch({
      chain: undefined,
      txs: [orphan, parent, child, grandchild, new Uint8Array([1, 2, 3]), sibling, a].map((t) => ({
        bytes: Buffer.from(t instanceof Uint8Array ? t : txBytes(t)),
      })),
    });
    assert.deepEqual(
      res.results.map((r) => (r.accepted ? 'ok' : r.error?.code)),
      ['UNKNOWN_INPUT', 'ok', 'ok', 'ok', 'BAD_SERFLAGS', 'DOUBLE_SPEND', 'ok'],
    );
    assert.equal(hex(res.results[1]!.txId), hex(txIdOf(parent)));
    assert.equal(res.results[4]!.txId.length, 0, 'no id for undecodable bytes');
    assert.equal((await poolState()).count, before + 4);

    const order = (await mp.client.reapTxs({ chain: undefined, maxGas: 0n, maxTxs: 0 })).txs.map((t) => hex(t.bytes));
    const at = (t: Parameters<typeof txBytes>[0]) => order.indexOf(hex(txBytes(t)));
    assert.ok(at(parent) < at(child) && at(child) < at(grandchild), 'parents before children');
    assert.ok(at(a) < at(parent), 'a pays more per gas than parent');
    assert.ok(at(child) === at(parent) + 1, 'the child (best rate) goes as soon as its parent is in');
  });

  test('a batch larger than the limit is refused whole', async () => {
    const m = await startTestMempool({
      natsUrl: nats.url,
      redisUrl: redisServer.url,
      prefix: PREFIX,
      nodeId: 'batch',
      env: { BYSTACK_GOSSIP: 'false', BYSTACK_MAX_BATCH_TXS: '2' },
    });
    try {
      const txs = [1, 2, 3].map(() => ({ bytes: Buffer.from([0]) }));
      await assert.rejects(m.client.submitTxBatch({ chain: undefined, txs }), rpcCode('BATCH_TOO_LARGE'));
    } finally {
      await m.stop();
    }
  });

  test('a full pool evicts the cheapest with its descendants, or refuses with POOL_FULL', async () => {
    const m = await startTestMempool({
      natsUrl: nats.url,
      redisUrl: redisServer.url,
      prefix: PREFIX,
      nodeId: 'full',
      env: { BYSTACK_GOSSIP: 'false', BYSTACK_MAX_POOL_TXS: '3' },
    });
    try {
      const submit = (tx: Parameters<typeof txBytes>[0]) =>
        m.client.submitTx({ chain: undefined, tx: { bytes: Buffer.from(txBytes(tx)) } });
      const x = pay(fresh(), bob, BTM, { fee: 600_000n });
      const y = pay(outputOf(x, 0, bob), carol, BTM / 2n, { fee: 3_000_000n });
      const z = pay(fresh(), bob, BTM, { fee: 1_000_000n });
      for (const t of [x, y, z]) await submit(t);
      const full = await m.client.getPoolInfo({ chain: undefined });
      assert.equal(full.txCount, 3);
      assert.ok(full.minFeeRate > 300n, 'full: the floor is the cheapest pending rate');
      assert.equal(full.minFeeRate, BigInt(Math.floor(feeAndGas(x).feeRate)) + 1n);

      const w = pay(fresh(), bob, BTM, { fee: 1_500_000n });
      await submit(w);
      const afterEvict = await poolState(m);
      assert.deepEqual(afterEvict.txs.sort(), [hex(txBytes(w)), hex(txBytes(z))].sort(), 'x and its child y evicted');

      await submit(pay(fresh(), bob, BTM, { fee: 2_000_000n }));
      const before = await poolState(m);
      await assert.rejects(submit(pay(fresh(), bob, BTM, { fee: 700_000n })), rpcCode(MempoolErrorCode.POOL_FULL));
      assert.deepEqual(await poolState(m), before, 'refused: pool unchanged');

      const removed = await m.handle.metrics.registry.getSingleMetricAsString('bystack_mempool_tx_removed_total');
      assert.match(removed, /reason="evicted"[^}]*} 2/);
    } finally {
      await m.stop();
    }
  });
});
