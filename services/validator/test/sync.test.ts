// Two validators on two nats-servers joined by a leafnode link (each its own JetStream domain): the
// second starts late, hears a block announced on net.block whose parent it lacks, asks
// net.getblocks with a locator, and catches up to the first's tip.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, ServerProcess, startRedis, type TestServer } from '@bystack/testing';
import {
  Disposition,
  fromGenesis,
  hex,
  type InProcessValidator,
  type MinedBlock,
  mineChain,
  startValidator,
  submit,
  tempDir,
} from './devnet.ts';

type Nats = { url: string; leafPort: number; proc: ServerProcess };

async function startLeafNats(dir: string, name: string, hub?: Nats): Promise<Nats> {
  const port = await freePort();
  const leafPort = await freePort();
  const conf = path.join(dir, `${name}.conf`);
  const leafnodes = hub
    ? `leafnodes { remotes: [ { url: "nats-leaf://127.0.0.1:${hub.leafPort}" } ] }`
    : `leafnodes { listen: "127.0.0.1:${leafPort}" }`;
  writeFileSync(
    conf,
    `listen: "127.0.0.1:${port}"\nserver_name: ${name}\njetstream { store_dir: "${path.join(dir, name)}", domain: ${name} }\n${leafnodes}\n`,
  );
  const proc = new ServerProcess({
    name: 'nats-server',
    command: process.env.BYSTACK_NATS_SERVER ?? 'nats-server',
    args: ['-c', conf],
    port,
    installHint: 'install it with `apt-get install nats-server`',
  });
  await proc.start();
  return { url: `nats://127.0.0.1:${port}`, leafPort, proc };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('net.getblocks catch-up between two nodes', () => {
  let redis: TestServer;
  let dir: ReturnType<typeof tempDir>;
  let hub: Nats;
  let leaf: Nats;
  let a: InProcessValidator;
  let b: InProcessValidator | undefined;

  before(async () => {
    dir = tempDir('sync');
    redis = await startRedis();
    hub = await startLeafNats(dir.path, 'n0');
    leaf = await startLeafNats(dir.path, 'n1', hub);
    a = await startValidator({
      natsUrl: hub.url,
      redisUrl: redis.url,
      dataDir: path.join(dir.path, 'a'),
      nodeId: 'n0',
    });
  });

  after(async () => {
    await b?.stop();
    await a?.stop();
    await leaf?.proc.stop();
    await hub?.proc.stop();
    await redis?.stop();
    dir?.remove();
  });

  test('a node that missed blocks catches up from an announcement', async () => {
    const blocks: MinedBlock[] = mineChain(fromGenesis(), 6, { tag: 'sync' });
    for (const blk of blocks.slice(0, 5)) {
      assert.equal((await submit(a.client, blk)).disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
    }
    b = await startValidator({
      natsUrl: leaf.url,
      redisUrl: redis.url,
      dataDir: path.join(dir.path, 'b'),
      nodeId: 'n1',
    });
    const bClient = b.client;
    assert.equal(Number((await bClient.getTip({})).tip!.height), 0);
    // Let the leafnode link carry b's subscriptions before a announces.
    await sleep(300);
    assert.equal((await submit(a.client, blocks[5]!)).disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
    await until('node b to reach height 6', async () => Number((await bClient.getTip({})).tip!.height) === 6);
    assert.equal(hex((await bClient.getTip({})).tip!.blockId), hex(blocks[5]!.id));
    assert.ok(b.v.sync.received >= 5, `blocks received through getblocks: ${b.v.sync.received}`);
    // The blocks b fetched are announced by nobody: a hears no echo of its own chain.
    assert.equal(Number((await a.client.getTip({})).tip!.height), 6);
  });
});
