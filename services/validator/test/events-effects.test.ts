// The effects a committed event carries (in process, real nats-server and redis-server): the block's
// tx ids in block order and its net changes as the validator files them (the outputs it spends, the
// outputs it leaves unspent; an output it creates and spends again in neither), next to its bytes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chainV1 } from '@bystack/proto';
import { createTxEntries, type Tx } from '@bystack/protocol';
import { createNatsBus, type NatsBus, subject } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { eventStreamSpec } from '../src/index.ts';
import {
  btm,
  coinsOf,
  Disposition,
  devnetGenesis,
  FEE,
  faucet,
  fromGenesis,
  hex,
  type InProcessValidator,
  type MinedBlock,
  mine,
  mineChain,
  outputIdOf,
  startValidator,
  submit,
  tempDir,
  testKey,
  transfer,
} from './devnet.ts';

let nats: TestServer;
let redis: TestServer;
let dir: ReturnType<typeof tempDir>;
let node: InProcessValidator;
let bus: NatsBus;

before(async () => {
  [nats, redis] = await Promise.all([startNats(), startRedis()]);
  dir = tempDir('effects');
  node = await startValidator({ natsUrl: nats.url, redisUrl: redis.url, dataDir: dir.path });
  bus = await createNatsBus({ servers: nats.url });
});

after(async () => {
  await bus?.close();
  await node?.stop();
  await Promise.all([nats?.stop(), redis?.stop()]);
  dir?.remove();
});

/** The last committed event the validator published. */
async function lastCommitted(): Promise<chainV1.BlockCommitted> {
  await node.v.events.idle();
  const js = await bus.jetstream();
  const m = await js.manager.streams.getMessage(eventStreamSpec('main', 'n0').name, {
    last_by_subj: subject('main', 'n0', 'committed'),
  });
  return chainV1.BlockCommitted.decode(m!.data);
}

const sorted = (ids: readonly Uint8Array[]) => ids.map(hex).sort();
const outputIds = (txs: readonly Tx[]) => txs.flatMap((tx) => createTxEntries(tx).outputIds);

test("a block's committed event: its tx ids in order, the outputs it spends and leaves, its bytes", async () => {
  const A = testKey('a');
  const B = testKey('b');
  const blocks = mineChain(fromGenesis(), 5); // the faucet's genesis coin is mature after 5 blocks
  const genesisCoin = coinsOf(devnetGenesis().transactions[0]!, faucet)[0]!;
  const split = transfer(
    [genesisCoin],
    [btm(1_000_000_000n, A.program), btm(genesisCoin.amount - 1_000_000_000n - FEE, faucet.program)],
  );
  // Spends the split's first output in the same block: created and spent again, in neither list.
  const toSpend = coinsOf(split, A)[0];
  const pay = transfer([toSpend!], [btm(toSpend!.amount - FEE, B.program)]);
  const block: MinedBlock = mine(blocks.at(-1)!, { txs: [split, pay] });
  for (const b of [...blocks, block]) {
    assert.equal((await submit(node.client, b)).disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
  }

  const event = await lastCommitted();
  assert.equal(Number(event.ref!.height), 6);
  const effects = event.effects!;
  assert.ok(effects, 'effects');
  const txs = block.block.transactions;
  assert.deepEqual(
    effects.txIds.map(hex),
    txs.map((tx) => hex(createTxEntries(tx).txId)),
  );
  assert.deepEqual(effects.consumedOutputIds.map(hex), [hex(outputIdOf(genesisCoin))]);
  const left = outputIds(txs).filter((id) => hex(id) !== hex(outputIdOf(toSpend!)));
  assert.deepEqual(sorted(effects.createdOutputIds), sorted(left));
  assert.equal(hex(event.block!.bytes), hex(block.bytes), 'the bytes are still there for other consumers');
  assert.equal(node.v.effects.size, 0, 'forgotten once published');
});
