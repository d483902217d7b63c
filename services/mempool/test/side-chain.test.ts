// The mempool on a side chain (side-devnet) against real nats-server and redis-server: peg-ins the
// devnet federation signed are admitted (a forged one is BAD_SIGNATURE, a second mint of the same
// main-chain output DOUBLE_MINT), ReapTxs returns them by fee rate under the count cap, each with its
// id, and a committed side block (the validator's JetStream event) takes out the txs it confirms and
// those minting what it minted.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chainV1 } from '@bystack/proto';
import {
  assembleSideBlock,
  createDevnetPegIn,
  createSideCoinbase,
  createSideDevnetGenesis,
  createSideTxEntries,
  decodeSideTx,
  devnetControlProgram,
  devnetProducerXPrv,
  devnetXPrv,
  encodeSideBlock,
  encodeSideTx,
  type SideTx,
  sha3,
  sideBlockId,
  sideDevnetParams,
  xprvToXPub,
} from '@bystack/protocol';
import { createNatsBus, type JetStreamBus, type NatsBus, subject } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { declareEventsStream, hex } from './fixtures.ts';
import { eventually, rpcCode, startTestMempool, type TestMempool } from './helpers.ts';

const params = sideDevnetParams;
const chain = { chainId: params.chainId };
const NODE = 'n0';
const recipient = devnetControlProgram(xprvToXPub(devnetXPrv('recipient', 0)));
const source = (n: number) => sha3(new TextEncoder().encode(`mempool peg-in ${n}`));
const pegIn = (n: number, fee: bigint, signedBy?: Uint8Array) =>
  createDevnetPegIn({ sourceId: source(n), amount: 1_000_000_000n, fee, controlProgram: recipient, signedBy });
const idOf = (tx: SideTx) => hex(createSideTxEntries(tx).txId);

describe('the mempool on a side chain', { timeout: 30_000 }, () => {
  let nats: TestServer;
  let redis: TestServer;
  let bus: NatsBus;
  let js: JetStreamBus;
  let mp: TestMempool;

  before(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    bus = await createNatsBus({ servers: nats.url });
    js = await bus.jetstream();
    await declareEventsStream(js, NODE, params.chainId);
    mp = await startTestMempool({
      natsUrl: nats.url,
      redisUrl: redis.url,
      nodeId: NODE,
      env: { BYSTACK_CHAIN: 'side-devnet', BYSTACK_GOSSIP: 'false' },
    });
  });

  after(async () => {
    await mp?.stop();
    await bus?.close();
    await Promise.all([nats?.stop(), redis?.stop()]);
  });

  const cheap = pegIn(1, 10_000_000n);
  const rich = pegIn(2, 40_000_000n);
  const middle = pegIn(3, 20_000_000n);

  test('admits federation peg-ins; refuses forged ones and second mints', async () => {
    for (const tx of [cheap, rich, middle]) {
      const { txId } = await mp.client.submitTx({ chain, tx: { bytes: Buffer.from(encodeSideTx(tx)) } });
      assert.equal(hex(txId), idOf(tx));
    }
    const forged = pegIn(4, 10_000_000n, devnetProducerXPrv(0));
    await assert.rejects(
      mp.client.submitTx({ chain, tx: { bytes: Buffer.from(encodeSideTx(forged)) } }),
      rpcCode('BAD_SIGNATURE'),
    );
    // The same main-chain output as `cheap`, another fee: another tx minting it again.
    const again = pegIn(1, 11_000_000n);
    await assert.rejects(
      mp.client.submitTx({ chain, tx: { bytes: Buffer.from(encodeSideTx(again)) } }),
      rpcCode('DOUBLE_MINT'),
    );
    assert.equal((await mp.client.getPoolInfo({ chain })).txCount, 3);
  });

  test('reaps by fee rate under the count cap', async () => {
    const all = await mp.client.reapTxs({ chain, maxGas: 0n, maxTxs: 0 });
    assert.deepEqual(
      all.txs.map((t) => idOf(decodeSideTx(t.bytes))),
      [rich, middle, cheap].map(idOf),
    );
    const two = await mp.client.reapTxs({ chain, maxGas: 0n, maxTxs: 2 });
    assert.deepEqual(
      two.txs.map((t) => idOf(decodeSideTx(t.bytes))),
      [rich, middle].map(idOf),
    );
    // Each tx comes with its id, the one the block maker would compute from its bytes.
    assert.deepEqual(
      all.txIds.map(hex),
      all.txs.map((t) => idOf(decodeSideTx(t.bytes))),
    );
    assert.deepEqual(two.txIds.map(hex), [rich, middle].map(idOf));
    // Peg-ins run the federation's program on the minted credit: no gas, so only the count caps them.
    assert.equal(all.totalGas, 0n);
    assert.equal(all.totalFee, 70_000_000n);
  });

  test('a committed block removes what it confirms and what mints the same outputs', async () => {
    const genesis = createSideDevnetGenesis(params);
    // The block confirms `rich` and mints `middle`'s main-chain output in another tx.
    const rival = pegIn(3, 25_000_000n);
    const block = assembleSideBlock({
      parentId: sideBlockId(genesis.header),
      height: 1n,
      timestampMs: genesis.header.timestamp + 500n,
      coinbase: createSideCoinbase(1n, recipient, []),
      txs: [rich, rival],
    });
    const id = sideBlockId(block.header);
    await js.publish(
      subject(params.chainId, NODE, 'committed'),
      chainV1.BlockCommitted,
      { ref: { blockId: Buffer.from(id), height: 1n }, block: { bytes: Buffer.from(encodeSideBlock(block)) } },
      { msgId: `${hex(id)}-committed`, height: 1n },
    );
    await eventually(async () => (await mp.client.getPoolInfo({ chain })).txCount === 1, 5_000, 'the block applied');
    const left = await mp.client.reapTxs({ chain, maxGas: 0n, maxTxs: 0 });
    assert.deepEqual(
      left.txs.map((t) => idOf(decodeSideTx(t.bytes))),
      [idOf(cheap)],
    );
    assert.equal(left.tip?.height, 1n);
  });
});
