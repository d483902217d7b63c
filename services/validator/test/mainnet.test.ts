// The bytom-mainnet chain config: the validator starts a chain whose genesis is Bytom's own block
// (id a75483...), and real mainnet difficulty rejects a block without the work.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { blockId, decodeBlock, MAINNET_GENESIS_BLOCK_BYTES, MAINNET_GENESIS_BLOCK_ID } from '@bystack/protocol';
import { isRpcError } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { hex, type InProcessValidator, mine, startValidator, submit, tempDir } from './devnet.ts';

describe('bytom-mainnet chain config', () => {
  let nats: TestServer;
  let redis: TestServer;
  let dir: ReturnType<typeof tempDir>;
  let node: InProcessValidator;

  before(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    dir = tempDir('mainnet');
    node = await startValidator({ natsUrl: nats.url, redisUrl: redis.url, dataDir: dir.path, chain: 'bytom-mainnet' });
  });

  after(async () => {
    await node?.stop();
    await Promise.all([nats?.stop(), redis?.stop()]);
    dir?.remove();
  });

  test("starts at Bytom's mainnet genesis", async () => {
    const tip = (await node.client.getTip({ chain: { chainId: 'main' } })).tip!;
    assert.equal(hex(tip.blockId), 'a75483474799ea1aa6bb910a1a5025b4372bf20bef20f246a2c2dc5e12e8a053');
    assert.equal(hex(tip.blockId), hex(MAINNET_GENESIS_BLOCK_ID));
    assert.equal(Number(tip.height), 0);
    const block = await node.client.getBlock({ selector: { $case: 'height', value: 0n } });
    assert.equal(hex(block.block!.bytes), hex(MAINNET_GENESIS_BLOCK_BYTES));
  });

  test('a block without the work of mainnet difficulty is BAD_POW', async () => {
    const genesis = decodeBlock(MAINNET_GENESIS_BLOCK_BYTES);
    const parent = {
      block: genesis,
      bytes: MAINNET_GENESIS_BLOCK_BYTES,
      id: blockId(genesis.header),
      height: 0,
      parent: undefined,
    };
    const child = mine(parent, { spacing: 150n, badPow: true });
    await assert.rejects(submit(node.client, child), (err: unknown) => isRpcError(err) && err.code === 'BAD_POW');
    assert.equal(Number((await node.client.getTip({})).tip!.height), 0);
  });
});
