// Catch-up of a side chain, in process on LMDB + a real redis-server: the same 2,000 side-devnet
// blocks (producer-signed, 4 federation peg-ins each) connected block by block (one commit and one
// signature batch per block, as windowSize=1 does) and by PSWV windows of 128 (stage 1 of a window
// at once, stage 2 in order, one commit per window), and by windows with blocks of 256+ transactions
// checked on a tx check pool (BENCH_PEG_INS=300 BENCH_BLOCKS=200 for such blocks).
// Run: node services/validator/bench/catchup.bench.ts
import { availableParallelism } from 'node:os';
import {
  createDevnetPegIn,
  createSignatureVerifierPool,
  createTxCheckPool,
  devnetControlProgram,
  devnetXPrv,
  encodeSideBlock,
  sha3,
  type TxCheckPool,
  xprvToXPub,
} from '@bystack/protocol';
import { ratio, report, startRedis } from '@bystack/testing';
import { Redis } from 'ioredis';
import type { SideChain } from '../src/side-chain.ts';
import { tempDir } from '../test/devnet.ts';
import { openSideDevnetChain, SideBlockMaker } from '../test/side-blocks.ts';

const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 2000);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 128);
const PEG_INS = Number(process.env.BENCH_PEG_INS ?? 4);

const redisServer = await startRedis();
const redis = new Redis(redisServer.url);
const dir = tempDir('catchup');
const pool = createSignatureVerifierPool({ workers: availableParallelism() });
const maker = new SideBlockMaker();

let chains = 0;
function freshChain(txChecks?: TxCheckPool): Promise<SideChain> {
  const prefix = `c${chains++}`;
  return openSideDevnetChain(maker, { dir: `${dir.path}/${prefix}`, redis, prefix, verifier: pool, txChecks });
}

let t = performance.now();
const recipient = devnetControlProgram(xprvToXPub(devnetXPrv('catchup', 0)));
let pegIns = 0;
const made = await maker.chain(maker.genesis, BLOCKS, () =>
  Array.from({ length: PEG_INS }, () =>
    createDevnetPegIn({
      sourceId: sha3(new TextEncoder().encode(`catch-up peg-in ${pegIns++}`)),
      amount: 1_000_000_000n,
      fee: 10_000_000n,
      controlProgram: recipient,
    }),
  ),
);
const blocks = made.map((m) => encodeSideBlock(m.block));
report(`setup: ${BLOCKS} signed side blocks of ${PEG_INS} peg-ins`, performance.now() - t, 'ms');

const oneByOne = await freshChain();
t = performance.now();
for (const b of blocks) await oneByOne.submit(b, 'sync');
const oneByOneMs = performance.now() - t;

async function byWindows(chain: SideChain): Promise<number> {
  const t0 = performance.now();
  for (let at = 0; at < blocks.length; at += WINDOW) {
    const outcome = await chain.submitWindow(blocks.slice(at, at + WINDOW), 'sync');
    if (outcome.rejection) throw outcome.rejection;
  }
  const ms = performance.now() - t0;
  if (chain.tip.key !== oneByOne.tip.key || chain.tip.height !== BLOCKS) throw new Error('the chains differ');
  return ms;
}
const windowed = await freshChain();
const windowMs = await byWindows(windowed);
// Blocks of 256+ transactions also get their transaction checks from a tx check pool (worker threads).
const txChecks = createTxCheckPool({ workers: availableParallelism() });
const pooledWindows = await freshChain(txChecks);
const pooledMs = await byWindows(pooledWindows);

report('catch-up block by block', (BLOCKS * 1000) / oneByOneMs, 'blocks/s', `${oneByOneMs.toFixed(0)} ms`);
report(
  `catch-up by PSWV windows of ${WINDOW}`,
  (BLOCKS * 1000) / windowMs,
  'blocks/s',
  `${windowMs.toFixed(0)} ms, ${ratio(oneByOneMs, windowMs)} faster`,
);
report(
  `catch-up by PSWV windows of ${WINDOW}, tx checks on a pool of ${availableParallelism()}`,
  (BLOCKS * 1000) / pooledMs,
  'blocks/s',
  `${pooledMs.toFixed(0)} ms, ${ratio(windowMs, pooledMs)} of windows with the checks on the pipeline thread${PEG_INS < 256 ? ' (blocks under 256 txs: the pool is not used)' : ''}`,
);

await oneByOne.close();
await windowed.close();
await pooledWindows.close();
await txChecks.close();
await pool.close();
redis.disconnect();
await redisServer.stop();
dir.remove();
