// What the mempool benches share: real servers with the node's event stream, and the transfers
// they feed the pool (a chain funding outputs, each paid on to bob).
import { createNatsBus, type JetStreamBus } from '@bystack/runtime';
import { startNats, startRedis } from '@bystack/testing';
import { Redis } from 'ioredis';
import { declareEventsStream, devnetKey, type FundedChain, fundedChain, pay } from '../test/fixtures.ts';

export type BenchServers = {
  readonly natsUrl: string;
  readonly redisUrl: string;
  readonly redis: Redis;
  readonly js: JetStreamBus;
  close(): Promise<void>;
};

/** nats-server (JetStream, room for a block of thousands of transfers) and redis-server, with `node`'s event stream. */
export async function startBenchServers(node: string): Promise<BenchServers> {
  const [nats, redisServer] = await Promise.all([startNats({ maxPayload: 8 * 1024 * 1024 }), startRedis()]);
  const redis = new Redis(redisServer.url);
  const bus = await createNatsBus({ servers: nats.url });
  const js = await bus.jetstream();
  await declareEventsStream(js, node);
  return {
    natsUrl: nats.url,
    redisUrl: redisServer.url,
    redis,
    js,
    async close() {
      await bus.close();
      redis.disconnect();
      await Promise.all([nats.stop(), redisServer.stop()]);
    },
  };
}

/** A chain funding `count` outputs (16 keys in turn) and a signed transfer of each. */
export async function fundedTransfers(redis: Redis, prefix: string, count: number) {
  const keys = Array.from({ length: 16 }, (_, i) => devnetKey('bench', i));
  const funded: FundedChain = await fundedChain(
    { redis, prefix },
    Array.from({ length: count }, (_, i) => keys[i % keys.length]!),
    1_000_000_000n,
  );
  const bob = devnetKey('bob');
  return { funded, signed: funded.outputs.map((o) => pay(o, bob, 100_000_000n)) };
}
