// The mempool's CPU per reorganization on its chain-event follower, on real servers (nats-server's
// JetStream, redis-server; the mempool in process as its service builds it), as two producers
// racing at one height make it: a block of BENCH_TXS transfers (default 3000) is committed and its
// event followed, BENCH_TXS / 2 more transfers are pending, then a rival block at the same height
// holding the same transfers replaces it (the validator commits it, then publishes the reorg). The
// figure is this process's CPU time (process.cpuUsage, user + system) from the publish of the
// pre-encoded reorg event to the follower having handled it, BENCH_ROUNDS times (default 4); the
// best and every run are printed.
//   node services/mempool/bench/reorg.bench.ts
import { setTimeout as sleep } from 'node:timers/promises';
import { chainV1 } from '@bystack/proto';
import { blockId, encodeBlock } from '@bystack/protocol';
import { rawCodec, subject } from '@bystack/runtime';
import { report } from '@bystack/testing';
import { hex, makeBlock, minerKey, parentOf, publishCommitted, txBytes } from '../test/fixtures.ts';
import { startTestMempool } from '../test/helpers.ts';
import { fundedTransfers, startBenchServers } from './bench-setup.ts';

const TXS = Number(process.env.BENCH_TXS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const PENDING = Math.floor(TXS / 2);
const PREFIX = 'bench';
const NODE = 'n0';

const servers = await startBenchServers(NODE);
const { js, redis } = servers;
try {
  const { funded, signed } = await fundedTransfers(redis, PREFIX, (TXS + PENDING) * ROUNDS);
  const mp = await startTestMempool({
    natsUrl: servers.natsUrl,
    redisUrl: servers.redisUrl,
    prefix: PREFIX,
    nodeId: NODE,
    env: { BYSTACK_GOSSIP: 'false', BYSTACK_REVALIDATE_INTERVAL: '0' },
  });
  const { mempool, follower } = mp.modules;
  const runs: number[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const txs = signed.slice(i * (TXS + PENDING), i * (TXS + PENDING) + TXS);
      const next = signed.slice(i * (TXS + PENDING) + TXS, (i + 1) * (TXS + PENDING));
      const admitted = await mempool.submitBatch(
        [...txs, ...next].map((tx) => txBytes(tx)),
        'api',
      );
      if (admitted.some((r) => !r.ok)) throw new Error('a transfer was not admitted');
      const fork = funded.chain.tipBlock;
      const block = await funded.chain.mine(txs);
      await publishCommitted(js, NODE, block, 'main', { effects: true });
      while (mempool.state.tip?.height !== Number(block.header.height)) await sleep(1);
      await funded.chain.revertTip();
      const rival = await funded.chain.commit(makeBlock(parentOf(fork), txs, minerKey, { arbitrary: `rival-${i}` }));
      const event = chainV1.BlockReorged.encode({
        forkPoint: { blockId: Buffer.from(blockId(fork.header)), height: fork.header.height },
        detached: [{ bytes: Buffer.from(encodeBlock(block)) }],
        attached: [{ bytes: Buffer.from(encodeBlock(rival)) }],
      }).finish();
      const handled = follower.handled;
      await sleep(200); // the admission's leftovers (signature cache writes, GC) settle first
      const cpu = process.cpuUsage();
      await js.publish(subject('main', NODE, 'reorged'), rawCodec, event, {
        msgId: `${hex(blockId(rival.header))}-reorged`,
        height: fork.header.height,
      });
      while (follower.handled === handled) await sleep(1);
      const used = process.cpuUsage(cpu);
      runs.push((used.user + used.system) / 1000);
      const tip = mempool.state.tip;
      if (tip?.height !== Number(rival.header.height) || hex(tip.blockId) !== hex(blockId(rival.header)))
        throw new Error('the pool did not move to the rival block');
      if (mempool.pool.count !== PENDING) throw new Error(`${mempool.pool.count} txs pending, not ${PENDING}`);
      // The next round's block goes on the rival; the pending transfers leave with the round.
      await publishCommitted(js, NODE, rival, 'main', { effects: true });
      for (const tx of mempool.pool.values()) mempool.pool.removeConfirmed(tx.key);
    }
  } finally {
    await mp.stop();
    await funded.chain.close();
  }
  const runsOf = (xs: number[]) => `best of ${xs.length}; runs ${xs.map((x) => x.toFixed(1)).join(', ')} ms`;
  const best = Math.min(...runs);
  report(`reorg replacing a ${TXS}-tx block by a rival with the same txs: CPU`, best, 'ms', runsOf(runs));
  report('per transfer', (best * 1000) / TXS, 'us CPU');
} finally {
  await servers.close();
}
