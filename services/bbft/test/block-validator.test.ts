// GrpcBlockValidator against a real validator process: a signed block the validator checked a moment
// ago goes by its header alone (its body, a megabyte at full load, is not sent again); a block the
// validator does not hold is refused by header (UNKNOWN_BLOCK_BODY) and then sent whole. Either way
// the verdict is the one the whole block gets. The validator's log says how each block came.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  assembleSideBlock,
  createProducerSchedule,
  createSideCoinbase,
  devnetProducerXPrv,
  type ProducerSchedule,
  type SideBlock,
  sideBlockId,
  sideDevnetParams,
  witnessWith,
  xprvSign,
} from '@bystack/protocol';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { createValidatorClient, GrpcBlockValidator } from '../src/chain-client.ts';
import { SideNode } from './support/side-node.ts';

const params = sideDevnetParams;
const keys = [0, 1, 2, 3].map(devnetProducerXPrv);

describe('GrpcBlockValidator', { timeout: 30_000 }, () => {
  let nats: TestServer;
  let redis: TestServer;
  let node: SideNode;
  let dir: string;
  let schedule: ProducerSchedule;

  /** Producer 0's block in its turn's slot `slot`, on `parent`, signed by it when `signed`. */
  const blockOn = (parent: { id: Uint8Array; height: bigint }, slot: number, signed: boolean): SideBlock => {
    const block = assembleSideBlock({
      parentId: parent.id,
      height: parent.height + 1n,
      timestampMs: schedule.startMs + BigInt(slot) * schedule.blockIntervalMs,
      coinbase: createSideCoinbase(parent.height + 1n, new Uint8Array([0x51]), []),
      txs: [],
    });
    if (!signed) return block;
    const witness = witnessWith(4, 0, xprvSign(keys[0]!, sideBlockId(block.header)));
    return { ...block, header: { ...block.header, witness } };
  };
  /** How the validator's log says each connected block came (height -> source). */
  const sources = () =>
    new Map(
      node.validator.output
        .split('\n')
        .filter((line) => line.includes('"block connected"'))
        .map((line) => JSON.parse(line) as { height: number; source: string })
        .map((l) => [l.height, l.source]),
    );

  before(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    dir = mkdtempSync(path.join(tmpdir(), 'bbft-block-validator-'));
    node = await SideNode.start({ natsUrl: nats.url, redisUrl: redis.url, dataDir: dir });
    const round = await node.roundAfter(node.genesis.id);
    schedule = createProducerSchedule(params.consensus, round.producers, round.electionTimestampMs);
  });

  after(async () => {
    await node?.stop();
    await Promise.all([nats?.stop(), redis?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sends a checked block by its header, a block the validator lacks whole', async () => {
    const client = createValidatorClient(node.validator.address, { deadlineMs: 5_000 });
    const validator = new GrpcBlockValidator(client, params.chainId);
    try {
      const first = blockOn(node.genesis, 0, false);
      assert.deepEqual(await validator.checkBlock(first), { kind: 'valid', disposition: 'checked' });
      const firstSigned = blockOn(node.genesis, 0, true);
      assert.deepEqual(await validator.validateBlock(firstSigned), { kind: 'valid', disposition: 'connected' });

      const second = blockOn({ id: sideBlockId(first.header), height: 1n }, 1, true);
      assert.deepEqual(await validator.validateBlock(second), { kind: 'valid', disposition: 'connected' });
      // A block without its producer's signature is refused the same way by header or whole.
      const third = blockOn({ id: sideBlockId(second.header), height: 2n }, 2, false);
      const verdict = await validator.validateBlock(third);
      assert.equal(verdict.kind, 'invalid');
      assert.equal(verdict.kind === 'invalid' && verdict.code, 'PRODUCER_SIGNATURE_MISSING');

      const came = sources();
      assert.equal(came.get(1), 'rpc-header', 'the checked block: its header alone');
      assert.equal(came.get(2), 'rpc', 'a block the validator did not hold: whole');
    } finally {
      client.close();
    }
  });
});
