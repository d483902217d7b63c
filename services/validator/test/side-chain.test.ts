// The validator on a side chain (side-devnet), in process against real nats-server and redis-server:
// blocks signed by their slot's producer, peg-ins minted once, check-only submissions, every
// signature rule (missing, forged, out of slot) with its typed code and the chain unchanged,
// signatures from net.sig making blocks irreversible, and fork choice never going below the last
// irreversible block, also after a restart; a round's first block paying exactly the last round's
// rewards.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bbftV1, chainV1 } from '@bystack/proto';
import {
  createDevnetPegIn,
  createSideTxEntries,
  decodeSideBlock,
  devnetControlProgram,
  devnetXPrv,
  encodeSideBlock,
  type SideBlock,
  type SideTx,
  sha3,
  sideBlockId,
  sideDevnetParams,
  witnessWith,
  type XPrv,
  xprvSign,
  xprvToXPub,
  xpubToPublicKey,
} from '@bystack/protocol';
import { createNatsBus, isRpcError, type NatsBus, statusOfCode, subject } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { eventStreamSpec } from '../src/index.ts';
import { Disposition, hex, type InProcessValidator, startValidator, tempDir } from './devnet.ts';
import { SideBlockMaker } from './side-blocks.ts';

const params = sideDevnetParams;
const chain = { chainId: params.chainId };
const maker0 = new SideBlockMaker(params);
const genesis = maker0.genesis;
const INTERVAL = params.consensus.blockIntervalMs;
const recipient = devnetControlProgram(xprvToXPub(devnetXPrv('recipient', 0)));
const { producers } = maker0;

let pegIns = 0;
function pegIn(signedBy?: XPrv, sourceId = sha3(new TextEncoder().encode(`validator peg-in ${pegIns++}`))): SideTx {
  return createDevnetPegIn({ sourceId, amount: 1_000_000_000n, fee: 10_000_000n, controlProgram: recipient, signedBy });
}

async function rejects(promise: Promise<unknown>, code: string, status = 'INVALID_ARGUMENT'): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isRpcError(err), `expected an RpcError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.equal(err.grpcStatus, statusOfCode(status as 'INVALID_ARGUMENT'));
    return true;
  });
}

describe('the validator on a side chain', { timeout: 60_000 }, () => {
  let nats: TestServer;
  let redis: TestServer;
  let bus: NatsBus;
  let dir: ReturnType<typeof tempDir>;
  let v: InProcessValidator;
  const maker = new SideBlockMaker(params);
  const { tally } = maker;
  const blockOn = maker.blockOn.bind(maker);

  const submit = (block: SideBlock, checkOnly = false) =>
    v.client.submitBlock({ chain, block: { bytes: Buffer.from(encodeSideBlock(block)) }, checkOnly });
  const tip = () => v.client.getTip({ chain });
  const sign = (id: Uint8Array, height: bigint, producer: number) =>
    bus.publish(subject(params.chainId, 'net', 'sig'), bbftV1.BlockSignature, {
      blockId: Buffer.from(id),
      height,
      producerXpub: Buffer.from(xprvToXPub(producers[producer]!)),
      signature: Buffer.from(xprvSign(producers[producer]!, id)),
    });

  before(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    bus = await createNatsBus({ servers: nats.url, name: 'side-chain-test' });
    dir = tempDir('side');
    v = await startValidator({ natsUrl: nats.url, redisUrl: redis.url, dataDir: dir.path, chain: 'side-devnet' });
  });

  after(async () => {
    await v?.stop();
    await bus?.close();
    dir?.remove();
    await Promise.all([nats?.stop(), redis?.stop()]);
  });

  const T0 = genesis.header.timestamp + 10n * INTERVAL;
  let b1: SideBlock;

  test('starts at the side devnet genesis; its chain id is the side chain id', async () => {
    const t = await tip();
    assert.equal(hex(t.tip!.blockId), hex(sideBlockId(genesis.header)));
    assert.equal(hex(t.irreversible!.blockId), hex(sideBlockId(genesis.header)));
    await rejects(v.client.getTip({ chain: { chainId: 'main' } }), 'UNKNOWN_CHAIN', 'NOT_FOUND');
  });

  test('checks a block without filing it, then takes it signed by the owner of its slot', async () => {
    const tx = pegIn();
    const { block, id } = await blockOn(genesis, T0, [tx], 'none');
    const checked = await submit(block, true);
    assert.equal(checked.disposition, Disposition.BLOCK_DISPOSITION_CHECKED);
    await rejects(
      v.client.getBlock({ chain, selector: { $case: 'blockId', value: Buffer.from(id) } }),
      'BLOCK_NOT_FOUND',
      'NOT_FOUND',
    );
    await rejects(submit(block), 'PRODUCER_SIGNATURE_MISSING');
    const signed = await blockOn(genesis, T0, [tx]);
    assert.equal((await submit(signed.block)).disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
    b1 = signed.block;
    const t = await tip();
    assert.equal(t.tip!.height, 1n);
    const stored = decodeSideBlock(
      (await v.client.getBlock({ chain, selector: { $case: 'height', value: 1n } })).block!.bytes,
    );
    assert.equal(hex(stored.header.witness[signed.owner]!), hex(signed.block.header.witness[signed.owner]!));
    const status = await v.client.getTxStatus({ chain, txId: Buffer.from(createSideTxEntries(tx).txId) });
    assert.equal(status.status, chainV1.TxStatus.TX_STATUS_CONFIRMED);
    const { utxos } = await v.client.listUtxos({ chain, controlProgram: Buffer.from(recipient) });
    assert.ok(utxos.some((u) => u.amount === 990_000_000n && !u.coinbase));
    // Its committed event: the peg-in consumes the main-chain output it mints (a pending copy conflicts).
    await v.v.events.idle();
    const js = await bus.jetstream();
    const last = await js.manager.streams.getMessage(eventStreamSpec(params.chainId, 'n0').name, {
      last_by_subj: subject(params.chainId, 'n0', 'committed'),
    });
    const effects = chainV1.BlockCommitted.decode(last!.data).effects!;
    const entries = signed.block.transactions.map((t) => createSideTxEntries(t));
    assert.deepEqual(
      effects.txIds.map(hex),
      entries.map((e) => hex(e.txId)),
    );
    assert.deepEqual(effects.consumedOutputIds.map(hex), [hex(createSideTxEntries(tx).mainchainOutputIds[0]!)]);
    for await (const { ref, block } of v.client.watchBlocks({ chain, fromHeight: 0n, fromTip: false })) {
      if (ref!.height === 0n) continue;
      assert.equal(hex(sideBlockId(decodeSideBlock(block!.bytes).header)), hex(signed.id), 'WatchBlocks streams it');
      break;
    }
  });

  test('rejects blocks their slot owner did not sign, invalid txs and double mints; the chain stays', async () => {
    const ts = T0 + INTERVAL;
    const outsider = devnetXPrv('not-a-producer', 0);
    await rejects(submit((await blockOn(b1, ts, [], outsider)).block), 'BAD_PRODUCER_SIGNATURE');
    // Signed by another producer, in that producer's own witness slot: not the owner of the slot.
    const { block: unsigned, owner } = await blockOn(b1, ts, [], 'none');
    const other = (owner + 1) % 4;
    const outOfSlot = {
      ...unsigned,
      header: {
        ...unsigned.header,
        witness: witnessWith(4, other, xprvSign(producers[other]!, sideBlockId(unsigned.header))),
      },
    };
    await rejects(submit(outOfSlot), 'PRODUCER_SIGNATURE_MISSING');
    await rejects(submit((await blockOn(b1, ts, [pegIn(producers[0])])).block), 'BAD_SIGNATURE');
    const again = b1.transactions[1]!.inputs[0]!;
    assert.equal(again.type, 'crossChain');
    const doubleMint = (
      await blockOn(b1, ts, [pegIn(undefined, again.type === 'crossChain' ? again.sourceId : undefined)])
    ).block;
    await rejects(submit(doubleMint), 'DOUBLE_MINT', 'FAILED_PRECONDITION');
    // A producer's check before it signs gets the same typed rejections from stage 2 (not INTERNAL).
    await rejects(submit(doubleMint, true), 'DOUBLE_MINT', 'FAILED_PRECONDITION');
    const owner0 = devnetXPrv('recipient', 0);
    const unknownCoin = {
      sourceId: sha3(new TextEncoder().encode('no such output')),
      sourcePosition: 0n,
      assetId: again.type === 'crossChain' ? again.assetId : new Uint8Array(32),
      amount: 1_000_000_000n,
      controlProgram: recipient,
    };
    const unsignedSpend: SideTx = {
      version: 1n,
      timeRange: 0n,
      inputs: [{ type: 'spend', ...unknownCoin, arguments: [] }],
      outputs: [{ type: 'intraChain', assetId: unknownCoin.assetId, amount: 900_000_000n, controlProgram: recipient }],
    };
    const sighash = createSideTxEntries(unsignedSpend).sigHashes[0]!;
    const spendOfNothing: SideTx = {
      ...unsignedSpend,
      inputs: [
        { type: 'spend', ...unknownCoin, arguments: [xprvSign(owner0, sighash), xpubToPublicKey(xprvToXPub(owner0))] },
      ],
    };
    await rejects(
      submit((await blockOn(b1, ts, [spendOfNothing])).block, true),
      'UNKNOWN_INPUT',
      'FAILED_PRECONDITION',
    );
    await rejects(submit((await blockOn(b1, b1.header.timestamp + 1n)).block), 'BAD_TIMESTAMP');
    assert.equal((await tip()).tip!.height, 1n);
  });

  test('signatures on net.sig make a block irreversible; no reorganization below it', async () => {
    const b2 = await blockOn(b1, T0 + INTERVAL);
    assert.equal((await submit(b2.block)).disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
    // Two more producers: 3 of 4 (> 2/3) signed block 2.
    const signers = [0, 1, 2, 3].filter((p) => p !== b2.owner).slice(0, 2);
    for (const p of signers) sign(b2.id, 2n, p);
    await bus.flush();
    for (let i = 0; i < 50 && hex((await tip()).irreversible!.blockId) !== hex(b2.id); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(hex((await tip()).irreversible!.blockId), hex(b2.id), 'block 2 is irreversible');
    const stored = decodeSideBlock(
      (await v.client.getBlock({ chain, selector: { $case: 'blockId', value: Buffer.from(b2.id) } })).block!.bytes,
    );
    assert.equal(stored.header.witness.filter((s) => s.length > 0).length, 3, 'the witness keeps the signatures');

    // A longer branch forking below the irreversible block stays a side branch.
    const f2 = await blockOn(b1, T0 + 2n * INTERVAL);
    const f3 = await blockOn(f2.block, T0 + 3n * INTERVAL);
    assert.equal((await submit(f2.block)).disposition, Disposition.BLOCK_DISPOSITION_SIDE_BRANCH);
    assert.equal((await submit(f3.block)).disposition, Disposition.BLOCK_DISPOSITION_SIDE_BRANCH);
    assert.equal(hex((await tip()).tip!.blockId), hex(b2.id));
    // Above it, the longer branch wins.
    const b3 = await blockOn(b2.block, T0 + 2n * INTERVAL);
    const g3 = await blockOn(b2.block, T0 + 3n * INTERVAL);
    const g4 = await blockOn(g3.block, T0 + 4n * INTERVAL);
    assert.equal((await submit(b3.block)).disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
    assert.equal((await submit(g3.block)).disposition, Disposition.BLOCK_DISPOSITION_SIDE_BRANCH, 'first seen stays');
    assert.equal((await submit(g4.block)).disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
    assert.equal(hex((await tip()).tip!.blockId), hex(g4.id));
  });

  test('a restart finds the tip and the last irreversible block in the store', async () => {
    const before = await tip();
    await v.stop();
    v = await startValidator({ natsUrl: nats.url, redisUrl: redis.url, dataDir: dir.path, chain: 'side-devnet' });
    const now = await tip();
    assert.equal(hex(now.tip!.blockId), hex(before.tip!.blockId));
    assert.equal(now.irreversible!.height, 2n);
    assert.equal(hex(now.irreversible!.blockId), hex(before.irreversible!.blockId));
  });

  test("a round's first block pays exactly the previous round's rewards", async () => {
    const roundLength = params.consensus.roundLength;
    let parent = maker.made(hex((await tip()).tip!.blockId))!;
    let ts = parent.header.timestamp;
    while (parent.header.height < roundLength) {
      ts += INTERVAL;
      const next = await blockOn(parent, ts);
      assert.equal((await submit(next.block)).disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
      parent = next.block;
    }
    const round2 = await tally.roundAfter(sideBlockId(parent.header));
    assert.equal(round2.payouts.length, 4, 'every producer earned in round 1');
    ts += INTERVAL;
    const short = await blockOn(parent, ts, [], 'owner', round2.payouts.slice(1));
    await rejects(submit(short.block), 'BAD_COINBASE_AMOUNT');
    const reordered = await blockOn(parent, ts, [], 'owner', [...round2.payouts].reverse());
    await rejects(submit(reordered.block), 'CONSENSUS_REWARD_PAYOUT_MISMATCH');
    const exact = await blockOn(parent, ts);
    assert.equal((await submit(exact.block)).disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
    assert.equal((await tip()).tip!.height, roundLength + 1n);
  });

  test('signatures that come before their block are kept for it', async () => {
    const parent = maker.made(hex((await tip()).tip!.blockId))!;
    const next = await blockOn(parent, parent.header.timestamp + INTERVAL);
    for (const p of [0, 1, 2, 3].filter((p) => p !== next.owner).slice(0, 2))
      sign(next.id, next.block.header.height, p);
    await bus.flush();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await submit(next.block)).disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
    assert.equal(hex((await tip()).irreversible!.blockId), hex(next.id), 'irreversible as it is filed');
  });

  test('a shorter branch whose block becomes irreversible takes over', async () => {
    const parent = maker.made(hex((await tip()).tip!.blockId))!;
    const ts = parent.header.timestamp + INTERVAL;
    const a1 = await blockOn(parent, ts);
    const a2 = await blockOn(a1.block, ts + INTERVAL);
    const b1 = await blockOn(parent, ts + 2n * INTERVAL);
    for (const b of [a1, a2])
      assert.equal((await submit(b.block)).disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
    assert.equal((await submit(b1.block)).disposition, Disposition.BLOCK_DISPOSITION_SIDE_BRANCH);
    for (const p of [0, 1, 2, 3].filter((p) => p !== b1.owner).slice(0, 2)) sign(b1.id, b1.block.header.height, p);
    await bus.flush();
    for (let i = 0; i < 50 && hex((await tip()).tip!.blockId) !== hex(b1.id); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const t = await tip();
    assert.equal(hex(t.tip!.blockId), hex(b1.id), 'the irreversible branch is the chain');
    assert.equal(hex(t.irreversible!.blockId), hex(b1.id));
  });
});
