// Done-when 5: the chain config built from Bytom's mainnet genesis starts a chain whose genesis id
// is Bytom's. A validator process with BYSTACK_CHAIN=bytom-mainnet (its own nats-server and
// redis-server), asked through gRPC.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MAINNET_GENESIS_BLOCK_BYTES, MAINNET_GENESIS_BLOCK_ID } from '@bystack/protocol';
import { startTestDevnet, type TestDevnet } from './support.ts';

let devnet: TestDevnet;

before(async () => {
  devnet = await startTestDevnet('mainnet', { chain: 'bytom-mainnet', services: ['validator'] });
});
after(async () => {
  await devnet?.dispose();
});

test('a bytom-mainnet validator starts at Bytom’s genesis block', async () => {
  const client = devnet.client();
  const tip = await client.tip();
  assert.equal(tip.height, 0n);
  assert.equal(Buffer.from(tip.blockId).toString('hex'), Buffer.from(MAINNET_GENESIS_BLOCK_ID).toString('hex'));
  assert.equal(
    Buffer.from(MAINNET_GENESIS_BLOCK_ID).toString('hex'),
    'a75483474799ea1aa6bb910a1a5025b4372bf20bef20f246a2c2dc5e12e8a053',
  );
  const res = await client.chain.getBlock({ chain: { chainId: 'main' }, selector: { $case: 'height', value: 0n } });
  assert.deepEqual(new Uint8Array(res.block!.bytes), MAINNET_GENESIS_BLOCK_BYTES);
  assert.deepEqual(new Uint8Array(res.ref!.blockId), MAINNET_GENESIS_BLOCK_ID);
});
