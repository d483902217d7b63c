// Four producer processes (the side devnet's N=4 keys, one bbft process each, sharing one node's data
// dir and validator) on a real nats-server, with the node's validator and mempool served over real
// gRPC by an in-memory chain that runs the protocol's side-chain validation. One scenario in steps:
//   1. all four: blocks in 500 ms slots, with the mempool's transactions, become irreversible;
//   2. one producer stopped: blocks keep becoming irreversible (3 of 4 signatures);
//   3. a block with an invalid transaction (its producer's slot and signature): no honest signature;
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
  createProducerSchedule,
  createSideCoinbase,
  createSideDevnetGenesis,
  decodeDoubleSignEvidence,
  devnetProducerXPrv,
  encodeSideBlock,
  producerSlotAt,
  sideBlockId,
  sideDevnetParams,
  verifyDoubleSignEvidence,
  witnessWith,
  xprvSign,
} from '@bystack/protocol';
import { subject } from '@bystack/runtime';
import { startNats, type TestServer } from '@bystack/testing';
import { producerVerify } from '../src/bbft.ts';
import { NetObserver, ProducerProcess, waitFor } from './support/network.ts';
import {
  MemorySideChain,
  pegInTx,
  type SideChainServer,
  type StoredBlock,
  startSideChainServer,
} from './support/side-chain.ts';

const params = sideDevnetParams;
const INTERVAL = params.consensus.blockIntervalMs;
const POOL = 12;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('four BBFT producers on the side devnet', { timeout: 120_000 }, () => {
  let nats: TestServer;
  let server: SideChainServer;
  let chain: MemorySideChain;
  let observer: NetObserver;
  let dataDir: string;
  let producers: ProducerProcess[];
  const honest = () => producers.filter((p) => p.index !== 3);

  const ownerOf = (b: StoredBlock): number => {
    const round = chain.roundAfter(b.parentKey);
    const schedule = createProducerSchedule(params.consensus, round.producers, round.electionTimestampMs);
    return producerSlotAt(schedule, b.block.header.timestamp).producer.order;
  };
  /** P0's view of the last irreversible block, as the chain holds it. */
  const irreversibleOf = async (p: ProducerProcess): Promise<StoredBlock> => {
    const s = await p.status();
    const b = chain.blocks.get(hex(s.irreversible!.blockId));
    assert.ok(b, 'the irreversible block is one the validator holds');
    return b;
  };

  before(async () => {
    nats = await startNats();
    chain = new MemorySideChain(params, createSideDevnetGenesis(params));
    chain.addToPool(Array.from({ length: POOL }, (_, i) => pegInTx(i)));
    server = await startSideChainServer(chain);
    observer = await NetObserver.start(nats.url, params.chainId);
    dataDir = mkdtempSync(path.join(tmpdir(), 'bbft-devnet-'));
    producers = [0, 1, 2, 3].map(
      (index) => new ProducerProcess({ index, natsUrl: nats.url, validatorAddr: server.address, dataDir }),
    );
    await Promise.all(producers.map((p) => p.start()));
  });

  after(async () => {
    if (process.env.BBFT_TEST_DUMP)
      for (const p of producers ?? []) console.log(`--- producer ${p.index}\n${p.output}`);
    await Promise.all((producers ?? []).map((p) => p.kill()));
    await observer?.close();
    await server?.stop();
    await nats?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes blocks in 500 ms slots that become irreversible', async () => {
    const final = await waitFor(
      'six irreversible blocks from two producers',
      async () => {
        const b = await irreversibleOf(producers[0]!);
        const owners = new Set(
          chain
            .mainChain()
            .filter((x) => x.height > 0n && x.height <= b.height)
            .map(ownerOf),
        );
        return b.height >= 6n && owners.size >= 2 ? b : undefined;
      },
      20_000,
    );
    const blocks = chain.mainChain().slice(1);
    let consecutive = 0;
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i]!;
      assert.equal(
        (b.block.header.timestamp - chain.genesis.block.header.timestamp) % INTERVAL,
        0n,
        'on the slot grid',
      );
      const prev = i === 0 ? chain.genesis : blocks[i - 1]!;
      assert.ok(b.block.header.timestamp >= prev.block.header.timestamp + INTERVAL);
      if (i > 0 && ownerOf(b) === ownerOf(prev)) {
        assert.equal(b.block.header.timestamp - prev.block.header.timestamp, INTERVAL, 'one block per 500 ms slot');
        consecutive++;
      }
    }
    assert.ok(consecutive >= 3, 'producers make consecutive blocks in their turns');
    const included = blocks
      .filter((b) => b.height <= final.height)
      .reduce((n, b) => n + b.block.transactions.length - 1, 0);
    assert.equal(included, POOL, 'every pooled transaction is in an irreversible block');
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
      () => {
        const parent = chain.tip;
        const round = chain.roundAfter(parent.key);
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
      txs: [pegInTx(1000, devnetProducerXPrv(2))],
    });
    const badId = sideBlockId(bad.header);
    const witness = witnessWith(4, 3, xprvSign(forger, badId));
    observer.bus.publish(subject(params.chainId, 'net', 'block'), chainV1.BlockAnnounce, {
      block: { bytes: Buffer.from(encodeSideBlock({ ...bad, header: { ...bad.header, witness } })) },
      originNode: 'test',
    });
    await waitFor('every honest producer to reject it', async () => {
      const now = await Promise.all(honest().map(async (p) => (await p.status()).blocksRejected));
      return now.every((n, i) => n > rejectedBefore[i]!);
    });
    assert.ok(
      chain.rejections.some((r) => r.key === hex(badId)),
      'the validator refused it',
    );
    assert.deepEqual([...observer.signersOf(hex(badId))], [], 'nobody signed it');
    const final = await waitFor('finality past its height', async () => {
      const b = await irreversibleOf(producers[0]!);
      return b.height > bad.header.height ? b : undefined;
    });
    assert.equal(chain.blocks.has(hex(badId)), false);
    assert.notEqual(hex(chain.atHeight(bad.header.height)!.id), hex(badId));
    assert.ok(final.height > bad.header.height);
  });

  it('makes no block irreversible with two producers stopped, until one returns', async () => {
    await producers[2]!.stop();
    const stoppedAt = BigInt(Date.now());
    const madeAfter = () => chain.mainChain().filter((b) => b.block.header.timestamp > stoppedAt);
    await waitFor('three blocks made by the two producers left', () => madeAfter().length >= 3, 20_000);
    const stalled = await irreversibleOf(producers[0]!);
    assert.ok(stalled.block.header.timestamp <= stoppedAt, 'no block made after the stop is irreversible');
    assert.ok(madeAfter().every((b) => observer.signersOf(b.key).size <= 2));

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
    const heightOf = (id: Uint8Array) => chain.blocks.get(hex(id))?.height;
    assert.equal(verifyDoubleSignEvidence(evidence, producerVerify, heightOf), true, 'the evidence proves it');

    // The block of the pair announced second is the conflicting one: no honest producer signs it.
    const pair = [hex(evidence.first.blockId), hex(evidence.second.blockId)];
    const order = observer.blocks.filter((b) => pair.includes(b.key)).map((b) => b.key);
    const conflicting = order.find((k) => k !== order[0])!;
    const accepted = order[0]!;
    const honestKeys = new Set(honest().map((p) => p.key));
    await waitFor(
      'the first block to gather the honest signatures',
      () => [...observer.signersOf(accepted)].filter((k) => honestKeys.has(k)).length === 3,
    );
    assert.deepEqual(
      [...observer.signersOf(conflicting)].filter((k) => honestKeys.has(k)),
      [],
    );

    const statuses = await waitFor('every honest producer to hold the evidence', async () => {
      const s = await Promise.all(honest().map((p) => p.status()));
      return s.every((x) => x.evidenceCount >= 1) ? s : undefined;
    });
    assert.ok(statuses[0]!.blocksRejected >= 1n);
  });
});
