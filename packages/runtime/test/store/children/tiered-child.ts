// Child process for the crash tests of the two-tier commit (not a test file itself).
//   commit DIR REDIS_URL N   commits blocks 0..N-1 of sampleChain('main', N) through a TieredStore
//   revert DIR REDIS_URL N   commits the same N blocks, then reverts the tip
// With BYSTACK_STORE_TEST_CRASH=after-durable-commit (or after-durable-revert) the process kills
// itself with SIGKILL right after the durable step of the LAST commit (or of the revert), before
// Redis is touched (BYSTACK_STORE_TEST_HOT_APPLY=after-durable): the crash a validator meets between
// the two tiers. With after-hot-apply (and the default 'alongside'), it dies once Redis took the
// last block, whether or not the durable transaction has committed yet.
import { Redis } from 'ioredis';
import {
  createLmdbStore,
  createTieredStore,
  RedisHotTier,
  type TieredHotApply,
  type TieredStoreHooks,
} from '../../../src/store/index.ts';
import { sampleChain } from '../fixtures.ts';

const [mode, dir, url, count] = process.argv.slice(2);
const n = Number(count);
const crash = process.env.BYSTACK_STORE_TEST_CRASH;
const die = () => {
  process.kill(process.pid, 'SIGKILL');
};
const hooks: TieredStoreHooks = {
  afterDurableCommit: (c) => {
    if (crash === 'after-durable-commit' && c.height === n - 1) die();
  },
  afterHotApply: (c) => {
    if (crash === 'after-hot-apply' && c.height === n - 1) die();
  },
  afterDurableRevert: () => {
    if (crash === 'after-durable-revert') die();
  },
};

const redis = new Redis(url!, { lazyConnect: true });
await redis.connect();
const durable = await createLmdbStore({ path: dir! });
const hotApply = (process.env.BYSTACK_STORE_TEST_HOT_APPLY || 'alongside') as TieredHotApply;
const store = createTieredStore({ durable, hot: new RedisHotTier({ redis, recentBlocks: 4 }), hooks, hotApply });
const b = sampleChain('main', n);
for (const block of b.blocks) await store.commitBlock(block);
if (mode === 'revert') await store.revertBlock('main', b.tip.blockId);
await durable.close();
await redis.quit();
process.exit(0);
