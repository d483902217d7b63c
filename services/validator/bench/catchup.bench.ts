// Catch-up of a side chain, in process on LMDB + a real redis-server: the same 2,000 side-devnet
// blocks (producer-signed, 4 federation peg-ins each) connected block by block (one commit and one
// signature batch per block, as windowSize=1 does) and by PSWV windows of 128 (stage 1 of a window
// at once, stage 2 in order, one commit per window). Run: node services/validator/bench/catchup.bench.ts
import { availableParallelism } from 'node:os';
import {
  createDevnetPegIn,
  createSignatureVerifierPool,
  devnetControlProgram,
  devnetFederationProgram,
  devnetXPrv,
  encodeSideBlock,
  sha3,
  xprvToXPub,
} from '@bystack/protocol';
import { createLmdbStore, createLogger, createRedisHotTier, createTieredStore } from '@bystack/runtime';
import { ratio, report, startRedis } from '@bystack/testing';
import { Redis } from 'ioredis';
import { SideChain } from '../src/side-chain.ts';
import { tempDir } from '../test/devnet.ts';
import { SideBlockMaker } from '../test/side-blocks.ts';

const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 2000);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 128);
const PEG_INS = Number(process.env.BENCH_PEG_INS ?? 4);

const redisServer = await startRedis();
const redis = new Redis(redisServer.url);
const dir = tempDir('catchup');
const pool = createSignatureVerifierPool({ workers: availableParallelism() });
const maker = new SideBlockMaker();
const log = createLogger({ service: 'bench', level: 'silent' });

let chains = 0;
async function freshChain(): Promise<SideChain> {
  const prefix = `c${chains++}`;
  const durable = await createLmdbStore({ path: `${dir.path}/${prefix}` });
  const chain = new SideChain({
    chainId: maker.params.chainId,
    params: maker.params,
    genesis: maker.genesis,
    federationProgram: devnetFederationProgram(),
    store: createTieredStore({ durable, hot: createRedisHotTier({ redis, prefix }) }),
    verifier: pool,
    maxOrphans: 16,
    dataDir: `${dir.path}/${prefix}`,
    log,
  });
  await chain.open();
  return chain;
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

const windowed = await freshChain();
t = performance.now();
for (let at = 0; at < blocks.length; at += WINDOW) {
  const outcome = await windowed.submitWindow(blocks.slice(at, at + WINDOW), 'sync');
  if (outcome.rejection) throw outcome.rejection;
}
const windowMs = performance.now() - t;
if (windowed.tip.key !== oneByOne.tip.key || windowed.tip.height !== BLOCKS) throw new Error('the chains differ');

report('catch-up block by block', (BLOCKS * 1000) / oneByOneMs, 'blocks/s', `${oneByOneMs.toFixed(0)} ms`);
report(
  `catch-up by PSWV windows of ${WINDOW}`,
  (BLOCKS * 1000) / windowMs,
  'blocks/s',
  `${windowMs.toFixed(0)} ms, ${ratio(oneByOneMs, windowMs)} faster`,
);

await oneByOne.close();
await windowed.close();
await pool.close();
redis.disconnect();
await redisServer.stop();
dir.remove();
