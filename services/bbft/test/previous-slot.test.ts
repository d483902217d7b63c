// A producer whose slot starts before the previous slot's block has arrived (a big block is checked
// by its producer's validator before it is signed, and can land a little into the next slot) waits
// for it instead of building beside it, which would fork the chain and waste one of the two blocks.
// If it does not come, the producer builds on what it has once the wait is over. The engines'
// clocks stand still in their own slots (real NATS, the node's validator and mempool over gRPC).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { chainV1 } from '@bystack/proto';
import {
  assembleSideBlock,
  createProducerSchedule,
  createSideCoinbase,
  devnetProducerXPrv,
  encodeSideBlock,
  type ProducerSchedule,
  sideBlockId,
  sideDevnetParams,
  witnessWith,
  xprvSign,
  xprvToXPub,
} from '@bystack/protocol';
import { subject } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { type Engine, startEngine } from './support/engine.ts';
import { NetObserver, waitFor } from './support/network.ts';
import { SideNode } from './support/side-node.ts';

const params = sideDevnetParams;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const keys = [0, 1, 2, 3].map(devnetProducerXPrv);

describe('a producer and the previous slot’s block', { timeout: 60_000 }, () => {
  let nats: TestServer;
  let redis: TestServer;
  let node: SideNode;
  let observer: NetObserver;
  const dirs: string[] = [];
  const engines: Engine[] = [];
  let schedule: ProducerSchedule;

  /** The first slot of producer `order`'s turn in the first cycle, plus `slot`. */
  const slotOf = (order: number, slot = 0) =>
    schedule.startMs + BigInt(order) * schedule.turnMs + BigInt(slot) * schedule.blockIntervalMs;
  /** An engine for producer `order`, its clock standing at the start of its turn. */
  const engineOf = async (order: number, previousSlotWaitMs: number) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bbft-slot-'));
    dirs.push(dataDir);
    const engine = await startEngine({
      node,
      natsUrl: nats.url,
      dataDir,
      xprv: keys[order]!,
      clock: () => Number(slotOf(order)),
      previousSlotWaitMs,
    });
    engines.push(engine);
    return engine;
  };
  const producedBy = (order: number) => {
    const xpub = hex(xprvToXPub(keys[order]!));
    const own = new Set(observer.signatures.filter((s) => s.producer === xpub).map((s) => s.blockKey));
    return observer.blocks.filter((b) => own.has(b.key) && b.block.header.timestamp === slotOf(order));
  };

  before(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    const dir = mkdtempSync(path.join(tmpdir(), 'bbft-slot-node-'));
    dirs.push(dir);
    node = await SideNode.start({ natsUrl: nats.url, redisUrl: redis.url, dataDir: dir });
    const round = await node.roundAfter(node.genesis.id);
    schedule = createProducerSchedule(params.consensus, round.producers, round.electionTimestampMs);
    observer = await NetObserver.start(nats.url, params.chainId);
  });

  after(async () => {
    for (const e of engines) await e.stop();
    await observer?.close();
    await node?.stop();
    await Promise.all([nats?.stop(), redis?.stop()]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('waits for a late block of the previous slot and builds on it', async () => {
    await engineOf(1, 60_000);
    // Three of its ticks go by: the previous slot's block (producer 0's last of its turn) is missing.
    await sleep(1_600);
    assert.deepEqual(producedBy(1), [], 'nothing built beside the missing block');
    const late = assembleSideBlock({
      parentId: node.genesis.id,
      height: 1n,
      timestampMs: slotOf(0, Number(params.consensus.blocksPerProducerTurn) - 1),
      coinbase: createSideCoinbase(1n, new Uint8Array([0x51]), []),
      txs: [],
    });
    const lateId = sideBlockId(late.header);
    observer.bus.publish(subject(params.chainId, 'net', 'block'), chainV1.BlockAnnounce, {
      block: {
        bytes: Buffer.from(
          encodeSideBlock({
            ...late,
            header: { ...late.header, witness: witnessWith(4, 0, xprvSign(keys[0]!, lateId)) },
          }),
        ),
      },
      originNode: 'test',
    });
    const [own] = await waitFor('producer 1 to build', () => producedBy(1).length > 0 && producedBy(1));
    assert.equal(own!.block.header.height, 2n);
    assert.equal(hex(own!.block.header.previousBlockId), hex(lateId));
  });

  it('builds on its head once the wait is over when the previous slot’s block never comes', async () => {
    const head = await node.tip();
    assert.equal(head.height, 2n);
    // Producer 2's slot follows producer 1's last, which nobody made.
    const started = Date.now();
    await engineOf(2, 700);
    const [own] = await waitFor('producer 2 to build', () => producedBy(2).length > 0 && producedBy(2));
    assert.ok(own!.at - started >= 700, `built ${own!.at - started} ms after its start, before the wait was over`);
    assert.equal(own!.block.header.height, 3n);
    assert.equal(hex(own!.block.header.previousBlockId), hex(head.id));
  });
});
