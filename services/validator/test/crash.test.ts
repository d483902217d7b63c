// The validator as a real process, SIGKILLed by its test-only crash hook (BYSTACK_TEST_CRASH_POINT)
// at the worst moments: after the durable commit before Redis, before and after publishing a block's
// event, and in the middle of a reorganization (after a durable revert). After each restart: the
// same tip as the durable store, the hot tier repaired to it, every committed event published
// exactly once (per epoch), and the UTXO set as the chain says: no transaction lost or applied twice.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chainV1 } from '@bystack/proto';
import { createGrpcClient, createNatsBus, createRedisHotTier, isRpcError, type NatsBus } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { Redis } from 'ioredis';
import { eventStreamSpec } from '../src/index.ts';
import {
  btm,
  type ChildValidator,
  coinsOf,
  Disposition,
  devnetGenesis,
  FEE,
  faucet,
  fromGenesis,
  hex,
  type MinedBlock,
  mine,
  mineChain,
  outputIdOf,
  spawnValidator,
  tempDir,
  testKey,
  transfer,
  type ValidatorEnv,
} from './devnet.ts';

describe('validator killed with SIGKILL at the worst moments', () => {
  let nats: TestServer;
  let redis: TestServer;
  let dir: ReturnType<typeof tempDir>;
  let bus: NatsBus;
  let redisClient: Redis;
  let env: ValidatorEnv;
  let child: ChildValidator | undefined;

  before(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    dir = tempDir('crash');
    env = { natsUrl: nats.url, redisUrl: redis.url, dataDir: dir.path, nodeId: 'n0' };
    bus = await createNatsBus({ servers: nats.url });
    redisClient = new Redis(redis.url);
  });

  after(async () => {
    child?.kill();
    await child?.exited;
    redisClient?.disconnect();
    await bus?.close();
    await Promise.all([nats?.stop(), redis?.stop()]);
    dir?.remove();
  });

  async function run(crashPoint?: string) {
    child = await spawnValidator(crashPoint ? { ...env, extra: { BYSTACK_TEST_CRASH_POINT: crashPoint } } : env);
    const client = createGrpcClient(chainV1.ChainServiceService, `127.0.0.1:${child.port}`);
    return { client, child };
  }

  /**
   * Submits the blocks; the last one must kill the process. A crash point in its processing kills it
   * before it answers; one in the event publisher, which runs beside the pipeline once the block is
   * committed, may let the answer out first (`inBackground`).
   */
  async function submitUntilKilled(blocks: MinedBlock[], inBackground = false) {
    const { client, child: c } = await run(crashPointOf(blocks));
    for (const [i, b] of blocks.entries()) {
      const call = client.submitBlock({ block: { bytes: Buffer.from(b.bytes) } });
      if (i < blocks.length - 1) {
        assert.notEqual((await call).disposition, Disposition.BLOCK_DISPOSITION_UNSPECIFIED);
      } else if (inBackground) {
        await call.catch((err: unknown) => assert.ok(isRpcError(err) && err.code === 'UNAVAILABLE', String(err)));
      } else {
        await assert.rejects(call, (err: unknown) => isRpcError(err) && err.code === 'UNAVAILABLE');
      }
    }
    const exit = await c.exited;
    assert.equal(exit.signal, 'SIGKILL', c.output());
    client.close();
  }
  let pendingCrash = '';
  const crashPointOf = (_blocks: MinedBlock[]) => pendingCrash;

  async function tipOf(client: ReturnType<typeof createGrpcClient<typeof chainV1.ChainServiceService>>) {
    const t = (await client.getTip({})).tip!;
    return { id: hex(t.blockId), height: Number(t.height) };
  }

  /** The committed events in the stream: height -> how many times, per epoch-free block id. */
  async function committedEvents(): Promise<{ height: number; id: string }[]> {
    const js = await bus.jetstream();
    const name = eventStreamSpec('main', 'n0').name;
    const info = await js.manager.streams.info(name);
    const out: { height: number; id: string }[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await js.manager.streams.getMessage(name, { seq });
      if (m?.subject.endsWith('.committed')) {
        const e = chainV1.BlockCommitted.decode(m.data);
        out.push({ height: Number(e.ref!.height), id: hex(e.ref!.blockId) });
      }
    }
    return out;
  }

  async function hotTip() {
    const hot = createRedisHotTier({ redis: redisClient, prefix: 't-n0' });
    const t = await hot.getTip('main');
    return t && { id: hex(t.blockId), height: t.height };
  }

  test('restarts at the same tip after each crash; nothing lost or applied twice', async () => {
    const A = testKey('a');
    const B = testKey('b');
    const C = testKey('c');
    const genesisCoin = coinsOf(devnetGenesis().transactions[0]!, faucet)[0]!;
    const main = mineChain(fromGenesis(), 5);
    const split = transfer(
      [genesisCoin],
      [btm(1_000_000_000n, A.program), btm(genesisCoin.amount - 1_000_000_000n - FEE, faucet.program)],
    );
    main.push(mine(main.at(-1)!, { txs: [split] })); // 6
    const coin = coinsOf(split, A)[0]!;
    const toB = transfer([coin], [btm(coin.amount - FEE, B.program)]);
    main.push(mine(main.at(-1)!, { txs: [toB] })); // 7
    main.push(mine(main.at(-1)!)); // 8
    const toC = transfer([coin], [btm(coin.amount - 2n * FEE, C.program)]);
    const s7 = mine(main[5]!, { tag: 's', txs: [toC] });
    const s8 = mine(s7, { tag: 's' });
    const s9 = mine(s8, { tag: 's' });

    // 1. Killed after the durable commit of block 4, before Redis saw it.
    pendingCrash = 'after-durable-commit:4';
    await submitUntilKilled(main.slice(0, 4));
    // 2. Restart: tip 4 (it was durable), Redis repaired; killed before block 6's event is published.
    pendingCrash = 'before-publish:6';
    {
      const { client } = await run(pendingCrash);
      assert.deepEqual(await tipOf(client), { id: hex(main[3]!.id), height: 4 });
      assert.deepEqual(await hotTip(), { id: hex(main[3]!.id), height: 4 });
      assert.equal(
        (await client.submitBlock({ block: { bytes: Buffer.from(main[3]!.bytes) } })).disposition,
        Disposition.BLOCK_DISPOSITION_DUPLICATE,
      );
      assert.equal((await client.submitBlock({ block: { bytes: Buffer.from(main[4]!.bytes) } })).disposition, 1);
      // The publisher may still be busy with block 5's event when block 6 is answered: the answer can
      // come before the crash. Either way the process dies before block 6's event goes out.
      await client.submitBlock({ block: { bytes: Buffer.from(main[5]!.bytes) } }).catch(() => {});
      assert.equal((await child!.exited).signal, 'SIGKILL');
      client.close();
    }
    // 3. Killed after block 7's event was published, before the marker moved.
    pendingCrash = 'after-publish:7';
    await submitUntilKilled([main[6]!], true);
    // 4. Killed in the middle of a reorganization, right after block 8 was reverted durably.
    pendingCrash = 'after-durable-revert:8';
    await submitUntilKilled([main[7]!, s7, s8, s9]);
    // 5. Restart for good: the reorganization is finished, at the branch with the most work.
    const { client } = await run();
    assert.deepEqual(await tipOf(client), { id: hex(s9.id), height: 9 });
    assert.deepEqual(await hotTip(), { id: hex(s9.id), height: 9 });
    const utxos = async (program: Uint8Array) =>
      (await client.listUtxos({ controlProgram: Buffer.from(program) })).utxos.map((u) => u.amount);
    assert.deepEqual(await utxos(A.program), []);
    assert.deepEqual(await utxos(B.program), [], 'the detached payment to B is gone');
    assert.deepEqual(await utxos(C.program), [coin.amount - 2n * FEE], 'the branch payment to C is there, once');
    const faucetLeft = await utxos(faucet.program);
    assert.deepEqual(faucetLeft, [genesisCoin.amount - 1_000_000_000n - FEE]);
    // The hot tier (what the mempool reads) holds exactly the same outputs as the durable tier.
    const hot = createRedisHotTier({ redis: redisClient, prefix: 't-n0' });
    const ids = [genesisCoin, coin, coinsOf(toB, B)[0]!, coinsOf(toC, C)[0]!, coinsOf(split, faucet)[1]!].map(
      outputIdOf,
    );
    assert.deepEqual(
      (await hot.getUtxos('main', ids)).map((r) => r?.amount),
      [undefined, undefined, undefined, coin.amount - 2n * FEE, genesisCoin.amount - 1_000_000_000n - FEE],
    );

    // Every main-chain block's committed event is in the stream once per epoch: 0..8 of the first
    // epoch (none twice, despite the crashes around publishing), then 7'..9' after the reorganization.
    const events = await committedEvents();
    const line = events.map((e) => `${e.height}:${e.id.slice(0, 6)}`);
    const expected = [...[fromGenesis(), ...main].map((b) => b), s7, s8, s9].map(
      (b) => `${b.height}:${hex(b.id).slice(0, 6)}`,
    );
    assert.deepEqual(line, expected);
    child!.kill('SIGTERM');
    assert.equal((await child!.exited).code, 0);
    client.close();
  });
});
