// The Bbft engine in process, as the composition root wires it (real NATS, the gRPC clients of the
// node's validator and mempool, real processes on the side chain, the LMDB signer guard), with the
// test playing the other producers: a block that
// arrives without its producer's signature waits for it on net.sig and is then signed; evidence
// received on net.evidence is verified and kept, and the double signer's block at that height is
// rejected. The engine's clock sits in another producer's slot, so it never produces itself.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bbftV1, chainV1 } from '@bystack/proto';
import {
  assembleSideBlock,
  createProducerSchedule,
  createSideCoinbase,
  detectDoubleSign,
  devnetProducerXPrv,
  encodeDoubleSignEvidence,
  encodeSideBlock,
  type ProducerSchedule,
  type SideBlock,
  sideBlockId,
  sideDevnetParams,
  witnessWith,
  xprvSign,
  xprvToXPub,
} from '@bystack/protocol';
import { subject } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import type { Bbft } from '../src/bbft.ts';
import { type Engine, startEngine } from './support/engine.ts';
import { NetObserver, waitFor } from './support/network.ts';
import { SideNode } from './support/side-node.ts';

const params = sideDevnetParams;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const keys = [0, 1, 2, 3].map(devnetProducerXPrv);

describe('the Bbft engine', { timeout: 30_000 }, () => {
  let nats: TestServer;
  let redis: TestServer;
  let node: SideNode;
  let observer: NetObserver;
  let dir: string;
  let engine: Engine;
  let bbft: Bbft;
  let schedule: ProducerSchedule;

  /** A block by producer `order` on `parent` in its first slot of the first cycle (+ `slot`). */
  const blockBy = (order: number, parent: { id: Uint8Array; height: bigint }, slot: number, tag?: string): SideBlock =>
    assembleSideBlock({
      parentId: parent.id,
      height: parent.height + 1n,
      timestampMs: schedule.startMs + BigInt(order) * schedule.turnMs + BigInt(slot) * schedule.blockIntervalMs,
      coinbase: createSideCoinbase(
        parent.height + 1n,
        new Uint8Array([0x51]),
        [],
        tag ? new TextEncoder().encode(tag) : undefined,
      ),
      txs: [],
    });
  const signed = (block: SideBlock, signedBy?: number): Buffer => {
    const id = sideBlockId(block.header);
    const witness = signedBy === undefined ? [] : witnessWith(4, signedBy, xprvSign(keys[signedBy]!, id));
    return Buffer.from(encodeSideBlock({ ...block, header: { ...block.header, witness } }));
  };
  const announce = (block: SideBlock, signedBy?: number) => {
    observer.bus.publish(subject(params.chainId, 'net', 'block'), chainV1.BlockAnnounce, {
      block: { bytes: signed(block, signedBy) },
      originNode: 'test',
    });
  };

  before(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    dir = mkdtempSync(path.join(tmpdir(), 'bbft-engine-'));
    node = await SideNode.start({ natsUrl: nats.url, redisUrl: redis.url, dataDir: dir });
    const round = await node.roundAfter(node.genesis.id);
    schedule = createProducerSchedule(params.consensus, round.producers, round.electionTimestampMs);
    observer = await NetObserver.start(nats.url, params.chainId);
    engine = await startEngine({
      node,
      natsUrl: nats.url,
      dataDir: dir,
      xprv: keys[0]!,
      clock: () => Number(schedule.startMs + schedule.turnMs),
    });
    bbft = engine.bbft;
  });

  after(async () => {
    await engine?.stop();
    await observer?.close();
    await node?.stop();
    await Promise.all([nats?.stop(), redis?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('signs a block once its producer signature arrives on net.sig', async () => {
    const b1 = blockBy(1, node.genesis, 0);
    const id = sideBlockId(b1.header);
    announce(b1);
    // Announced bare (as a validator relays it): nothing happens until its producer's signature.
    await observer.bus.flush();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(bbft.tree?.has(hex(id)), false);
    observer.bus.publish(subject(params.chainId, 'net', 'sig'), bbftV1.BlockSignature, {
      blockId: Buffer.from(id),
      height: 1n,
      producerXpub: Buffer.from(xprvToXPub(keys[1]!)),
      signature: Buffer.from(xprvSign(keys[1]!, id)),
    });
    await waitFor('the engine to sign it', () => observer.signersOf(hex(id)).has(hex(xprvToXPub(keys[0]!))));
    assert.equal(bbft.tree?.get(hex(id))?.source, 'network');
    assert.equal(bbft.status().lastSigned?.height, 1n);
  });

  it('keeps verified evidence from the network and rejects the double signer’s block', async () => {
    const parent = await node.tip();
    const a = blockBy(2, parent, 0, 'a');
    const b = blockBy(2, parent, 1, 'b');
    // Both valid and signed by their producer: the validator files them (one connected, one aside).
    for (const block of [a, b])
      await node.chain.submitBlock({ chain: node.chainRef, block: { bytes: signed(block, 2) } });
    const signedBy2 = (block: SideBlock) => {
      const blockId = sideBlockId(block.header);
      return { producerKey: xprvToXPub(keys[2]!), height: 2n, blockId, signature: xprvSign(keys[2]!, blockId) };
    };
    const evidence = detectDoubleSign(signedBy2(a), signedBy2(b))!;
    // Unproven evidence (a wrong height) is ignored.
    const forged = { ...evidence, height: 3n };
    observer.bus.publish(subject(params.chainId, 'net', 'evidence'), bbftV1.DoubleSignEvidence, {
      evidence: Buffer.from(encodeDoubleSignEvidence(forged)),
    });
    observer.bus.publish(subject(params.chainId, 'net', 'evidence'), bbftV1.DoubleSignEvidence, {
      evidence: Buffer.from(encodeDoubleSignEvidence(evidence)),
    });
    const [record] = await waitFor('the evidence', () => {
      const list = bbft.evidenceRecords();
      return list.length > 0 ? list : undefined;
    });
    assert.equal(record!.source, 'received');
    assert.equal(record!.evidence.height, 2n);
    assert.equal(bbft.status().evidenceCount, 1);

    announce(a, 2);
    await waitFor('the block to be rejected', () => bbft.status().blocksRejected >= 1);
    assert.equal(bbft.tree?.has(hex(sideBlockId(a.header))), false);
    assert.deepEqual([...observer.signersOf(hex(sideBlockId(a.header)))], []);
  });
});
