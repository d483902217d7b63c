// Issue 5, point 7: a side-chain validator restarted 2,000 blocks behind catches up through PSWV
// windows, at least 5x faster than the same validator catching up the same blocks block by block
// (windowSize=1), both measured in this run on real processes (validator child processes, a real
// nats-server and redis-server). The network is a peer in this test answering net.getblocks from
// the 2,100 producer-signed side-devnet blocks it holds; it announces its tip, the validator sees
// an orphan and catches up by locator rounds.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chainV1 } from '@bystack/proto';
import {
  createDevnetPegIn,
  devnetControlProgram,
  devnetXPrv,
  encodeSideBlock,
  sha3,
  xprvToXPub,
} from '@bystack/protocol';
import { createGrpcClient, createNatsBus, type NatsBus, subject } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { spawnValidator, tempDir as validatorTempDir } from './devnet.ts';
import { SideBlockMaker } from './side-blocks.ts';

const BEHIND = 2000;
const FIRST = 100;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('PSWV catch-up (issue 5, point 7)', { timeout: 240_000 }, () => {
  let nats: TestServer;
  let redis: TestServer;
  let peer: NatsBus;
  const maker = new SideBlockMaker();
  const chainId = maker.params.chainId;
  const recipient = devnetControlProgram(xprvToXPub(devnetXPrv('catch-up', 0)));
  let blocks: { id: Uint8Array; bytes: Uint8Array }[] = [];
  /** How many blocks the peer serves (it "has" only these). */
  let served = 0;

  before(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    let pegIns = 0;
    // Side blocks as a quiet chain makes them: one peg-in in every fourth block.
    const made = await maker.chain(maker.genesis, FIRST + BEHIND, (height) =>
      height % 4n === 0n
        ? [
            createDevnetPegIn({
              sourceId: sha3(new TextEncoder().encode(`catch-up ${pegIns++}`)),
              amount: 1_000_000_000n,
              fee: 10_000_000n,
              controlProgram: recipient,
            }),
          ]
        : [],
    );
    blocks = made.map((m) => ({ id: m.id, bytes: encodeSideBlock(m.block) }));
    const position = new Map<string, number>([[hex(made[0]!.block.header.previousBlockId), -1]]);
    for (const [i, b] of blocks.entries()) position.set(hex(b.id), i);
    peer = await createNatsBus({ servers: nats.url, name: 'catch-up-peer' });
    peer.reply(subject(chainId, 'net', 'getblocks'), chainV1.GetBlocksRequest, chainV1.GetBlocksResponse, (req) => {
      const from = req.locator.map((id) => position.get(hex(id))).find((p) => p !== undefined);
      if (from === undefined) return { blocks: [] };
      const upTo = Math.min(served, from + 1 + req.maxBlocks);
      return { blocks: blocks.slice(from + 1, upTo).map((b) => ({ bytes: Buffer.from(b.bytes) })) };
    });
  });

  after(async () => {
    await peer?.close();
    await Promise.all([nats?.stop(), redis?.stop()]);
  });

  /** Announces block `height` (1-based) as the peer's tip and waits until the validator's tip is it; ms taken. */
  async function catchUpTo(port: number, height: number): Promise<number> {
    served = height;
    const client = createGrpcClient(chainV1.ChainServiceService, `127.0.0.1:${port}`);
    try {
      const started = performance.now();
      peer.publish(subject(chainId, 'net', 'block'), chainV1.BlockAnnounce, {
        block: { bytes: Buffer.from(blocks[height - 1]!.bytes) },
        originNode: 'peer',
      });
      const deadline = Date.now() + 120_000;
      while ((await client.getTip({ chain: { chainId } })).tip?.height !== BigInt(height)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for the validator at height ${height}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      const ms = performance.now() - started;
      const tip = await client.getTip({ chain: { chainId } });
      assert.equal(hex(tip.tip!.blockId), hex(blocks[height - 1]!.id));
      return ms;
    } finally {
      client.close();
    }
  }

  /** A validator synced to FIRST blocks, stopped, restarted BEHIND blocks behind, caught up: the catch-up's ms. */
  async function restartedBehind(name: string, windowSize: number): Promise<number> {
    const dir = validatorTempDir(`catch-up-${name}`);
    const env = {
      natsUrl: nats.url,
      redisUrl: redis.url,
      dataDir: dir.path,
      nodeId: name,
      chain: 'side-devnet' as const,
      extra: { BYSTACK_WINDOW_SIZE: String(windowSize), BYSTACK_VERIFIER_THREADS: '2', BYSTACK_LOG_LEVEL: 'warn' },
    };
    try {
      const first = await spawnValidator(env);
      await catchUpTo(first.port, FIRST);
      first.kill('SIGTERM');
      assert.equal((await first.exited).code, 0);
      const again = await spawnValidator(env);
      try {
        return await catchUpTo(again.port, FIRST + BEHIND);
      } finally {
        again.kill('SIGTERM');
        await again.exited;
      }
    } finally {
      dir.remove();
    }
  }

  test(`restarted ${BEHIND} blocks behind: PSWV windows catch up at least 5x faster than block by block`, async () => {
    const windowed = await restartedBehind('windows', 128);
    const oneByOne = await restartedBehind('one-by-one', 1);
    const speedup = oneByOne / windowed;
    console.log(
      `catch-up of ${BEHIND} blocks: windows of 128 ${windowed.toFixed(0)} ms, block by block ${oneByOne.toFixed(0)} ms, ${speedup.toFixed(2)}x`,
    );
    assert.ok(speedup >= 5, `PSWV is ${speedup.toFixed(2)}x block by block (${windowed} ms vs ${oneByOne} ms)`);
  });
});
