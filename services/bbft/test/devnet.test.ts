// Four producer processes (the side devnet's N=4 keys, one bbft process each, sharing one node's data
// dir, validator and mempool) on a real nats-server and redis-server, with the node's validator and
// mempool as real processes on the side chain. One scenario in steps:
//   1. all four: blocks in 500 ms slots, with the mempool's transactions (federation peg-ins), become
//      irreversible, at the producers and at the validator (signatures it takes from net.sig);
//      then a spend of a pegged-in coin, admitted against the hot tier the validator wrote, is mined;
//   2. one producer stopped: blocks keep becoming irreversible (3 of 4 signatures);
//   3. a block with an invalid transaction (its producer's slot and signature): the validator rejects
//      it with a typed code, no honest producer signs it, it never becomes irreversible;
//   4. two stopped: blocks are made but none becomes irreversible, until one producer returns;
//   5. a producer with the test-only double-sign switch: the others detect it, the evidence is
//      visible through gRPC, and its conflicting blocks get no honest signature.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chainV1 } from '@bystack/proto';
import {
  assembleSideBlock,
  createDevnetPegIn,
  createProducerSchedule,
  createSideCoinbase,
  createSideTxEntries,
  decodeDoubleSignEvidence,
  devnetControlProgram,
  devnetProducerXPrv,
  devnetXPrv,
  encodeSideBlock,
  producerSlotAt,
  ed25519ProducerVerifier as producerVerify,
  type SideTx,
  sha3,
  sideBlockId,
  sideDevnetParams,
  verifyDoubleSignEvidence,
  witnessWith,
  xprvSign,
  xprvToXPub,
  xpubToPublicKey,
} from '@bystack/protocol';
import { isRpcError, subject } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { NetObserver, type ProducerProcess, waitFor } from './support/network.ts';
import { type HeldBlock, SideNode } from './support/side-node.ts';

const params = sideDevnetParams;
const INTERVAL = params.consensus.blockIntervalMs;
const POOL = 12;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const RECIPIENT = devnetControlProgram(xprvToXPub(devnetXPrv('recipient', 0)));
/** A federation peg-in of main-chain output `n` (forged when `signedBy` is another key). */
const pegIn = (n: number, signedBy?: Uint8Array) =>
  createDevnetPegIn({
    sourceId: sha3(new TextEncoder().encode(`bbft devnet peg-in ${n}`)),
    amount: 1_000_000_000n,
    fee: 10_000_000n,
    controlProgram: RECIPIENT,
    signedBy,
  });

describe('four BBFT producers on the side devnet', { timeout: 120_000 }, () => {
  let nats: TestServer;
  let redis: TestServer;
  let node: SideNode;
  let observer: NetObserver;
  let dataDir: string;
  let producers: ProducerProcess[];
  const honest = () => producers.filter((p) => p.index !== 3);

  /** A producer's view of the last irreversible block, as the validator holds it. */
  const irreversibleOf = async (p: ProducerProcess): Promise<HeldBlock> => {
    const s = await p.status();
    const b = await node.block(s.irreversible!.blockId);
    assert.ok(b, 'the irreversible block is one the validator holds');
    return b;
  };

  before(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    dataDir = mkdtempSync(path.join(tmpdir(), 'bbft-devnet-'));
    node = await SideNode.start({ natsUrl: nats.url, redisUrl: redis.url, dataDir });
    await node.submitTxs(Array.from({ length: POOL }, (_, i) => pegIn(i)));
    observer = await NetObserver.start(nats.url, params.chainId);
    producers = [0, 1, 2, 3].map((index) => node.producer(index));
    await Promise.all(producers.map((p) => p.start()));
  });

  after(async () => {
    if (process.env.BBFT_TEST_DUMP) {
      for (const p of producers ?? []) console.log(`--- producer ${p.index}\n${p.output}`);
      console.log(`--- validator\n${node?.validator.output}\n--- mempool\n${node?.mempool.output}`);
    }
    await Promise.all((producers ?? []).map((p) => p.kill()));
    await observer?.close();
    await node?.stop();
    await Promise.all([nats?.stop(), redis?.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes blocks in 500 ms slots that become irreversible', async () => {
    const final = await waitFor(
      'six irreversible blocks from two producers',
      async () => {
        const b = await irreversibleOf(producers[0]!);
        if (b.height < 6n) return undefined;
        const upTo = (await node.mainChain()).filter((x) => x.height > 0n && x.height <= b.height);
        const owners = new Set(await Promise.all(upTo.map((x) => node.ownerOf(x))));
        return owners.size >= 2 ? b : undefined;
      },
      20_000,
    );
    const blocks = (await node.mainChain()).slice(1);
    const owners = await Promise.all(blocks.map((b) => node.ownerOf(b)));
    let consecutive = 0;
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i]!;
      assert.equal((b.block.header.timestamp - node.genesis.block.header.timestamp) % INTERVAL, 0n, 'on the slot grid');
      const prev = i === 0 ? node.genesis : blocks[i - 1]!;
      assert.ok(b.block.header.timestamp >= prev.block.header.timestamp + INTERVAL);
      if (i > 0 && owners[i] === owners[i - 1]) {
        assert.equal(b.block.header.timestamp - prev.block.header.timestamp, INTERVAL, 'one block per 500 ms slot');
        consecutive++;
      }
    }
    assert.ok(consecutive >= 3, 'producers make consecutive blocks in their turns');
    const included = blocks
      .filter((b) => b.height <= final.height)
      .reduce((n, b) => n + b.block.transactions.length - 1, 0);
    assert.equal(included, POOL, 'every pooled transaction is in an irreversible block');
    await waitFor('the mempool to let the confirmed transactions go', async () => {
      return (await node.pool.getPoolInfo({ chain: node.chainRef })).txCount === 0;
    });
    // The validator took the signatures from net.sig: it holds the block irreversible too.
    await waitFor(
      'the validator to hold it irreversible',
      async () => (await node.irreversible()).height >= final.height,
    );
    // More than 2/3 of the producers signed it (the observer may see the last signature a moment later).
    await waitFor('its signatures on net.sig', () => observer.signersOf(final.key).size >= 3);
    const statuses = await Promise.all(producers.map((p) => p.status()));
    assert.deepEqual(
      statuses.map((s) => [s.isProducer, s.order, s.producerCount]),
      [
        [true, 0, 4],
        [true, 1, 4],
        [true, 2, 4],
        [true, 3, 4],
      ],
    );
    assert.ok(statuses.every((s) => s.blocksProduced + s.blocksSigned > 0n && s.evidenceCount === 0));
  });

  it('spends a pegged-in coin: the mempool reads it from the hot tier, a producer includes it', async () => {
    const peg = pegIn(0);
    const coin = {
      sourceId: createSideTxEntries(peg).muxId,
      sourcePosition: 0n,
      assetId: peg.outputs[0]!.assetId,
      amount: peg.outputs[0]!.amount,
      controlProgram: RECIPIENT,
    };
    const owner = devnetXPrv('recipient', 0);
    /** The coin paid back to the recipient, less `fee`, signed by its key. */
    const spendOf = (fee: bigint) => {
      const unsigned: SideTx = {
        version: 1n,
        timeRange: 0n,
        inputs: [{ type: 'spend', ...coin, arguments: [] }],
        outputs: [{ type: 'intraChain', assetId: coin.assetId, amount: coin.amount - fee, controlProgram: RECIPIENT }],
      };
      const entries = createSideTxEntries(unsigned);
      const args = [xprvSign(owner, entries.sigHashes[0]!), xpubToPublicKey(xprvToXPub(owner))];
      return { tx: { ...unsigned, inputs: [{ type: 'spend' as const, ...coin, arguments: args }] }, id: entries.txId };
    };
    const spend = spendOf(10_000_000n);
    await node.submitTxs([spend.tx]);
    const status = await waitFor('the spend to be confirmed', async () => {
      const s = await node.chain.getTxStatus({ chain: node.chainRef, txId: Buffer.from(spend.id) });
      return s.status === chainV1.TxStatus.TX_STATUS_CONFIRMED ? s : undefined;
    });
    assert.ok(status.block!.height > 0n);
    // The coin is spent on the chain now (the hot tier no longer has it).
    await assert.rejects(
      node.submitTxs([spendOf(20_000_000n).tx]),
      (err: unknown) => isRpcError(err) && err.code === 'UNKNOWN_INPUT',
    );
  });

  it('keeps finality with one producer stopped (3 of 4 sign)', async () => {
    await producers[3]!.stop();
    const stoppedAt = BigInt(Date.now());
    const b = await waitFor(
      'an irreversible block made after the stop',
      async () => {
        const b = await irreversibleOf(producers[0]!);
        return b.block.header.timestamp > stoppedAt + INTERVAL ? b : undefined;
      },
      20_000,
    );
    const signers = await waitFor('its signatures on net.sig', () => {
      const signers = observer.signersOf(b.key);
      return signers.size >= 3 ? signers : undefined;
    });
    assert.ok(!signers.has(producers[3]!.key));
    assert.equal(signers.size, 3);
  });

  it('does not sign a block with an invalid transaction', async () => {
    // Producer 3 is down; in its turn the test makes a block as producer 3 would, with a forged peg-in.
    const forger = devnetProducerXPrv(3);
    const rejectedBefore = await Promise.all(honest().map(async (p) => (await p.status()).blocksRejected));
    const { parent, ts, round } = await waitFor(
      'a slot of producer 3',
      async () => {
        const parent = await node.tip();
        const round = await node.roundAfter(parent.id);
        const schedule = createProducerSchedule(params.consensus, round.producers, round.electionTimestampMs);
        const slot = producerSlotAt(schedule, BigInt(Date.now()));
        const ts = slot.slotStartMs;
        return slot.producer.order === 3 &&
          ts >= parent.block.header.timestamp + INTERVAL &&
          ts + INTERVAL - BigInt(Date.now()) > 150n
          ? { parent, ts, round }
          : undefined;
      },
      20_000,
      20,
    );
    const bad = assembleSideBlock({
      parentId: parent.id,
      height: parent.height + 1n,
      timestampMs: ts,
      coinbase: createSideCoinbase(parent.height + 1n, new Uint8Array([0x51]), round.payouts),
      txs: [pegIn(1000, devnetProducerXPrv(2))],
    });
    const badId = sideBlockId(bad.header);
    const witness = witnessWith(4, 3, xprvSign(forger, badId));
    const badBytes = Buffer.from(encodeSideBlock({ ...bad, header: { ...bad.header, witness } }));
    observer.bus.publish(subject(params.chainId, 'net', 'block'), chainV1.BlockAnnounce, {
      block: { bytes: badBytes },
      originNode: 'test',
    });
    await waitFor('every honest producer to reject it', async () => {
      const now = await Promise.all(honest().map(async (p) => (await p.status()).blocksRejected));
      return now.every((n, i) => n > rejectedBefore[i]!);
    });
    await assert.rejects(
      node.chain.submitBlock({ chain: node.chainRef, block: { bytes: badBytes } }),
      (err: unknown) => isRpcError(err) && err.code === 'BAD_SIGNATURE',
      'the validator refuses it with a typed code',
    );
    assert.deepEqual([...observer.signersOf(hex(badId))], [], 'nobody signed it');
    const final = await waitFor('finality past its height', async () => {
      const b = await irreversibleOf(producers[0]!);
      return b.height > bad.header.height ? b : undefined;
    });
    assert.equal(await node.block(badId), undefined, 'the validator never filed it');
    assert.notEqual((await node.atHeight(bad.header.height))!.key, hex(badId));
    assert.ok(final.height > bad.header.height);
  });

  it('makes no block irreversible with two producers stopped, until one returns', async () => {
    await producers[2]!.stop();
    const stoppedAt = BigInt(Date.now());
    const madeAfter = async () => (await node.mainChain()).filter((b) => b.block.header.timestamp > stoppedAt);
    await waitFor('three blocks made by the two producers left', async () => (await madeAfter()).length >= 3, 20_000);
    const stalled = await irreversibleOf(producers[0]!);
    assert.ok(stalled.block.header.timestamp <= stoppedAt, 'no block made after the stop is irreversible');
    assert.ok((await madeAfter()).every((b) => observer.signersOf(b.key).size <= 2));
    assert.ok((await node.irreversible()).block.header.timestamp <= stoppedAt, 'nor at the validator');

    await producers[2]!.start();
    const restartedAt = BigInt(Date.now());
    const resumed = await waitFor(
      'finality to resume',
      async () => {
        const b = await irreversibleOf(producers[0]!);
        return b.block.header.timestamp > restartedAt ? b : undefined;
      },
      20_000,
    );
    assert.ok(resumed.height > stalled.height);
  });

  it('detects a double signer, shows the evidence, and rejects its conflicting blocks', async () => {
    const faulty = producers[3]!;
    await faulty.start({ BYSTACK_BBFT_FAULT_DOUBLE_SIGN: '1' });
    const [record] = await waitFor(
      'evidence at producer 0',
      async () => {
        const { records } = await producers[0]!.client.listEvidence({});
        return records.length > 0 ? records : undefined;
      },
      20_000,
    );
    assert.ok(record);
    assert.equal(hex(record.producerXpub), faulty.key);
    const evidence = decodeDoubleSignEvidence(record.evidence);
    const heights = new Map<string, bigint>();
    for (const { blockId } of [evidence.first, evidence.second]) {
      const b = await node.block(blockId);
      if (b) heights.set(b.key, b.height);
    }
    const heightOf = (id: Uint8Array) => heights.get(hex(id));
    assert.equal(verifyDoubleSignEvidence(evidence, producerVerify, heightOf), true, 'the evidence proves it');

    const statuses = await waitFor('every honest producer to hold the evidence', async () => {
      const s = await Promise.all(honest().map((p) => p.status()));
      return s.every((x) => x.evidenceCount >= 1) ? s : undefined;
    });
    // The block of the pair announced second is the conflicting one: no honest producer signs it.
    // (The first may go unsigned too: a producer that holds the evidence before it signs it, or that
    // signed another block at that height, does not sign it.)
    const pair = [hex(evidence.first.blockId), hex(evidence.second.blockId)];
    const order = observer.blocks.filter((b) => pair.includes(b.key)).map((b) => b.key);
    const conflicting = order.find((k) => k !== order[0])!;
    const honestKeys = new Set(honest().map((p) => p.key));
    assert.deepEqual(
      [...observer.signersOf(conflicting)].filter((k) => honestKeys.has(k)),
      [],
    );
    // The three honest producers keep finality going past the double sign.
    await waitFor(
      'finality past the double-signed height',
      async () => (await irreversibleOf(producers[0]!)).height > evidence.height,
      20_000,
    );
    assert.ok(statuses[0]!.blocksRejected >= 1n);
  });
});
