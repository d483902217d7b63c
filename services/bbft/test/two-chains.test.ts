// A node following two side chains at once (side-devnet "side-1" and side-devnet-2 "side-2"): one
// nats-server, one redis-server and one data dir, a validator and a mempool process per chain, and
// four producers per chain. Both chains make blocks that become irreversible, each under its own
// chain id and genesis, and neither validator takes the other chain's blocks.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chainV1 } from '@bystack/proto';
import { encodeSideBlock } from '@bystack/protocol';
import { isRpcError } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { type ProducerProcess, waitFor } from './support/network.ts';
import { type SideChainName, SideNode } from './support/side-node.ts';

const CHAINS: readonly SideChainName[] = ['side-devnet', 'side-devnet-2'];

describe('a node on two side chains', { timeout: 120_000 }, () => {
  let nats: TestServer;
  let redis: TestServer;
  let dataDir: string;
  const nodes: SideNode[] = [];
  const producers: ProducerProcess[] = [];

  before(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    dataDir = mkdtempSync(path.join(tmpdir(), 'bbft-two-chains-'));
    for (const chain of CHAINS) {
      const node = await SideNode.start({ natsUrl: nats.url, redisUrl: redis.url, dataDir, chain });
      nodes.push(node);
      for (const index of [0, 1, 2, 3]) producers.push(node.producer(index));
    }
    await Promise.all(producers.map((p) => p.start()));
  });

  after(async () => {
    await Promise.all(producers.map((p) => p.kill()));
    for (const node of nodes) await node.stop();
    await Promise.all([nats?.stop(), redis?.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes irreversible blocks on both, each chain its own', async () => {
    const [one, two] = nodes as [SideNode, SideNode];
    assert.notEqual(one.params.chainId, two.params.chainId);
    assert.notEqual(one.genesis.key, two.genesis.key);
    const finals = await waitFor(
      'three irreversible blocks on each chain (at its validator)',
      async () => {
        const f = await Promise.all(nodes.map((n) => n.irreversible()));
        return f.every((b) => b.height >= 3n) ? f : undefined;
      },
      40_000,
    );
    for (const [i, node] of nodes.entries()) {
      const chain = await node.mainChain();
      assert.equal(chain[0]!.key, node.genesis.key, `${node.params.chainId} starts at its own genesis`);
      assert.ok(chain.some((b) => b.key === finals[i]!.key));
    }
    // A block of one chain is nothing to the other's validator: the wrong chain id is refused, and
    // under the right one it has no parent there.
    const block = (await one.atHeight(1n))!;
    const bytes = Buffer.from(encodeSideBlock(block.block));
    await assert.rejects(
      two.chain.submitBlock({ chain: one.chainRef, block: { bytes } }),
      (err: unknown) => isRpcError(err) && err.code === 'UNKNOWN_CHAIN',
    );
    const res = await two.chain.submitBlock({ chain: two.chainRef, block: { bytes } });
    assert.equal(res.disposition, chainV1.BlockDisposition.BLOCK_DISPOSITION_ORPHAN, 'its parent is side-1 genesis');
    assert.equal(await two.block(block.id), undefined);
  });
});
