// A producer SIGKILLed right after persisting its signer record (the test-only crash point
// BYSTACK_BBFT_TEST_CRASH_AFTER_PERSIST=own: after the record is on disk, before the signature
// exists) and restarted does not sign a second block at that height: a different block offered at
// that height afterwards is refused by the guard, and no signature of it ever leaves the process.
// Real nats-server and redis-server, real LMDB, and real processes: the producer, and the node's
// validator and mempool on the side chain.
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
  devnetProducerXPrv,
  encodeSideBlock,
  nextProducerTurnStart,
  sideBlockId,
  sideDevnetParams,
  witnessWith,
  xprvSign,
  xprvToXPub,
} from '@bystack/protocol';
import { createLmdbStore, subject } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { StoreSignerGuard, signerKeyspace } from '../src/signer-guard.ts';
import { NetObserver, type ProducerProcess, waitFor, within } from './support/network.ts';
import { SideNode } from './support/side-node.ts';

const params = sideDevnetParams;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('a producer killed right after persisting a signature', { timeout: 60_000 }, () => {
  let nats: TestServer;
  let redis: TestServer;
  let node: SideNode;
  let observer: NetObserver;
  let dataDir: string;
  let victim: ProducerProcess;

  before(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    dataDir = mkdtempSync(path.join(tmpdir(), 'bbft-crash-'));
    node = await SideNode.start({ natsUrl: nats.url, redisUrl: redis.url, dataDir });
    observer = await NetObserver.start(nats.url, params.chainId);
  });

  after(async () => {
    await victim?.kill();
    await observer?.close();
    await node?.stop();
    await Promise.all([nats?.stop(), redis?.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('does not sign a second block at that height after a restart', async () => {
    const round = await node.roundAfter(node.genesis.id);
    const schedule = createProducerSchedule(params.consensus, round.producers, round.electionTimestampMs);
    // The producer whose turn begins soonest, leaving it time to start.
    const soon = BigInt(Date.now() + 2_500);
    const next = round.producers.producers
      .map((p) => ({ order: p.order, at: nextProducerTurnStart(schedule, p.producerKey, soon)! }))
      .sort((a, b) => (a.at < b.at ? -1 : 1))[0]!;
    victim = node.producer(next.order, false);
    await victim.start({ BYSTACK_BBFT_TEST_CRASH_AFTER_PERSIST: 'own' });

    // It builds block 1 in its slot, the validator takes it, the record is persisted: SIGKILL.
    const exit = await within(victim.exited(), 20_000, `the crash point:\n${victim.output.slice(-3000)}`);
    assert.equal(
      exit.signal,
      'SIGKILL',
      `the producer was not killed at its crash point:\n${victim.output.slice(-3000)}`,
    );
    const store = await createLmdbStore({ path: path.join(dataDir, 'lmdb') });
    const guard = new StoreSignerGuard(store, signerKeyspace(params.chainId, victim.xpub));
    const record = await guard.getLastSigned();
    await store.close();
    assert.ok(record, 'a signer record is on disk');
    assert.equal(record.height, 1n);
    const x = hex(record.id);
    // The validator checked the block before the signature (check_only); it files blocks once signed.
    assert.equal(await node.block(record.id), undefined, 'the block was never filed: it was never signed');
    assert.equal(observer.signatures.filter((s) => s.producer === victim.key).length, 0, 'no signature left');
    assert.equal(observer.blocks.filter((b) => b.key === x).length, 0, 'the block was never announced');

    await victim.start();
    // The record survived the crash (the victim may already have made block 2 on top of it in its turn).
    const restarted = await victim.status();
    assert.ok(restarted.lastSigned!.height >= 1n);
    if (restarted.lastSigned!.height === 1n) assert.equal(hex(restarted.lastSigned!.blockId), x);

    // Another producer's block at height 1 (its slot, its signature, valid): the victim must refuse it.
    const other = (next.order + 1) % round.producers.producers.length;
    const otherXPrv = devnetProducerXPrv(other);
    const ts = schedule.startMs + BigInt(other) * schedule.turnMs;
    const y = assembleSideBlock({
      parentId: node.genesis.id,
      height: 1n,
      timestampMs: ts,
      coinbase: createSideCoinbase(1n, new Uint8Array([0x51]), round.payouts),
      txs: [],
    });
    const yId = sideBlockId(y.header);
    const witness = witnessWith(round.producers.producers.length, other, xprvSign(otherXPrv, yId));
    assert.equal(hex(xprvToXPub(otherXPrv)), hex(round.producers.producers[other]!.producerKey));
    observer.bus.publish(subject(params.chainId, 'net', 'block'), chainV1.BlockAnnounce, {
      block: { bytes: Buffer.from(encodeSideBlock({ ...y, header: { ...y.header, witness } })) },
      originNode: 'test',
    });

    await waitFor('the victim to refuse block Y', async () => (await victim.status()).signaturesRefused >= 1n);
    assert.ok(await node.block(yId), 'Y is valid: the validator filed it');
    const victimAtHeight1 = observer.signatures.filter((s) => s.producer === victim.key && s.height === 1n);
    assert.deepEqual(
      victimAtHeight1.filter((s) => s.blockKey !== x),
      [],
      'the victim never signed another block at height 1',
    );
    const again = await createLmdbStore({ path: path.join(dataDir, 'lmdb') });
    const signed = await new StoreSignerGuard(again, signerKeyspace(params.chainId, victim.xpub)).getSigned(1n);
    await again.close();
    assert.equal(hex(signed!), x, 'height 1 still holds the first block');
    if (process.env.BBFT_TEST_DUMP) console.log(victim.output);
  });
});
