// The mempool's CPU per committed block on its chain-event follower, on real servers (nats-server's
// JetStream, redis-server; the mempool in process as its service builds it): BENCH_TXS pending
// transfers (default 2500, the side-chain TPS bench's average block), then the block confirming them
// published as a committed event
//   (a) as an older validator publishes it: the block's bytes, which the follower decodes (finding
//       each tx in the pool by its wire bytes instead of hashing it again);
//   (b) with the block's effects (tx ids, consumed and created outputs): nothing decoded.
// The figure is this process's CPU time (process.cpuUsage, user + system) from the publish of the
// pre-encoded event to the pool's tip reaching the block, alternating (a) and (b) BENCH_ROUNDS times
// (default 4); the best of each and every run are printed. Before each block, the ReapTxs answer a
// producer gets for it (the service's handler and its serializer, no HTTP/2) is timed the same way.
//   node services/mempool/bench/follower.bench.ts
import { setTimeout as sleep } from 'node:timers/promises';
import { chainV1 } from '@bystack/proto';
import { blockId } from '@bystack/protocol';
import { rawCodec, subject } from '@bystack/runtime';
import { ratio, report } from '@bystack/testing';
import { createMempoolService, mempoolServiceDefinition } from '../src/grpc-service.ts';
import { committedEvent, hex, type PublishOptions, txBytes } from '../test/fixtures.ts';
import { startTestMempool } from '../test/helpers.ts';
import { fundedTransfers, startBenchServers } from './bench-setup.ts';

const TXS = Number(process.env.BENCH_TXS ?? 2500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const PREFIX = 'bench';
const NODE = 'n0';
/** The ReapTxs handler reads nothing of its call's context. */
const NO_CALL = undefined as never;

const servers = await startBenchServers(NODE);
const { js, redis } = servers;
try {
  const { funded, signed } = await fundedTransfers(redis, PREFIX, TXS * ROUNDS * 2);
  const mp = await startTestMempool({
    natsUrl: servers.natsUrl,
    redisUrl: servers.redisUrl,
    prefix: PREFIX,
    nodeId: NODE,
    env: { BYSTACK_GOSSIP: 'false' },
  });
  const { mempool, follower } = mp.modules;
  const runs: Record<'decoded' | 'effects' | 'reap', number[]> = { decoded: [], effects: [], reap: [] };
  const service = createMempoolService(mempool, { maxBatchTxs: TXS });
  const cpuMs = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1000;
  };
  try {
    for (let i = 0; i < ROUNDS * 2; i++) {
      const kind = i % 2 === 0 ? 'decoded' : 'effects';
      const txs = signed.slice(i * TXS, (i + 1) * TXS);
      const admitted = await mempool.submitBatch(
        txs.map((tx) => txBytes(tx)),
        'api',
      );
      if (admitted.some((r) => !r.ok)) throw new Error('a transfer was not admitted');
      const block = await funded.chain.mine(txs);
      const opts: PublishOptions = kind === 'effects' ? { effects: true } : {};
      const event = chainV1.BlockCommitted.encode(committedEvent(block, opts)).finish();
      const decodedBefore = follower.blocksDecoded;
      await sleep(200); // the admission's leftovers (signature cache writes, GC) settle first
      const reapCpu = process.cpuUsage();
      const answer = await service.reapTxs({ chain: undefined, maxGas: 0n, maxTxs: 0 }, NO_CALL);
      const wire = mempoolServiceDefinition.reapTxs.responseSerialize(answer);
      runs.reap.push(cpuMs(reapCpu));
      if (answer.txs.length !== TXS || wire.length === 0) throw new Error(`reaped ${answer.txs.length} of ${TXS}`);
      const cpu = process.cpuUsage();
      await js.publish(subject('main', NODE, 'committed'), rawCodec, event, {
        msgId: `${hex(blockId(block.header))}-committed`,
        height: block.header.height,
      });
      while (mempool.state.tip?.height !== Number(block.header.height)) await sleep(1);
      runs[kind].push(cpuMs(cpu));
      if (mempool.pool.count !== 0) throw new Error(`${mempool.pool.count} txs still pending after their block`);
      const decodes = follower.blocksDecoded - decodedBefore;
      if (decodes !== (kind === 'decoded' ? 1 : 0)) throw new Error(`${kind}: ${decodes} block(s) decoded`);
    }
  } finally {
    await mp.stop();
    await funded.chain.close();
  }
  const best = (xs: number[]) => Math.min(...xs);
  const runsOf = (xs: number[]) => `best of ${xs.length}; runs ${xs.map((x) => x.toFixed(1)).join(', ')} ms`;
  const [decoded, effects] = [best(runs.decoded), best(runs.effects)];
  report(`committed event, block decoded: CPU per ${TXS}-tx block`, decoded, 'ms', runsOf(runs.decoded));
  report(`committed event with effects: CPU per ${TXS}-tx block`, effects, 'ms', runsOf(runs.effects));
  report(`ReapTxs answer (handler and serializer): CPU per ${TXS}-tx block`, best(runs.reap), 'ms', runsOf(runs.reap));
  report('per transfer, decoded', (decoded * 1000) / TXS, 'us CPU');
  report('per transfer, with effects', (effects * 1000) / TXS, 'us CPU', `${ratio(decoded, effects)} less`);
} finally {
  await servers.close();
}
