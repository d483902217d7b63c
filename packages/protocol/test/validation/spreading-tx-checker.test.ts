// The spreading tx checker: a block's slices spread over lanes give the checks one thread gives
// (failure included), no lane ever holds more slices than its concurrency even when several blocks
// are checked at once, a failing lane's slices are checked by the local lane (a failing lane rests
// instead of taking slice after slice), and only the local lane's failure fails the block.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { BTM_ASSET_ID, decodeBlock, encodeBlock } from '../../src/chain/index.ts';
import type { Block } from '../../src/chain/types.ts';
import {
  type BlockTxsJob,
  createSpreadingTxChecker,
  createTxCheckPool,
  type TxRangeChecker,
} from '../../src/validation/index.ts';
import { mainTxRules } from '../../src/validation/main-tx-facts.ts';
import { checkTxRange, checkTxs, mainTxChain } from '../../src/validation/tx-checks.ts';
import { createTestKey, fundingOutput, makeBlock, output, params, transfer } from './fixtures.ts';

const keys = Array.from({ length: 4 }, (_, i) => createTestKey(i + 1));
const recipient = createTestKey(100);
const TXS = 60;
const funds = Array.from({ length: TXS }, (_, i) => fundingOutput(keys[i % keys.length]!, 1_000_000_000n, i));
const transfers = funds.map((f) => transfer([f], [output(BTM_ASSET_ID, f.amount - 10_000_000n, recipient.program)]));
const rules = mainTxRules(params);

const pool = createTxCheckPool({ workers: 1, minSlice: 4 });
after(() => pool.close());

function jobOf(block: Block): BlockTxsJob {
  const bytes = encodeBlock(block);
  return {
    chain: 'main',
    rules,
    blockHeight: block.header.height,
    blockBytes: bytes,
    txSizes: decodeBlock(bytes).transactions.map((t) => t.serializedSize!),
  };
}

const inline = (block: Block) =>
  checkTxs(block.transactions, mainTxChain, { blockHeight: block.header.height, firstIndex: 0, rules });

/** Checks on this thread after a pause, counting the slices it holds at once. */
function countingLane() {
  const lane = { inFlight: 0, most: 0, slices: 0 };
  const checker: TxRangeChecker = {
    async checkTxRange(job) {
      lane.inFlight++;
      lane.most = Math.max(lane.most, lane.inFlight);
      lane.slices++;
      await new Promise((r) => setTimeout(r, 2));
      lane.inFlight--;
      return checkTxRange(job);
    },
    close: async () => {},
  };
  return { lane, checker };
}

const failing: TxRangeChecker = {
  checkTxRange: async () => {
    throw new Error('replica gone');
  },
  close: async () => {},
};

describe('spreading tx checker', () => {
  const good = makeBlock(transfers);
  const badTxs = [...transfers];
  badTxs[40] = transfer([funds[40]!], [output(BTM_ASSET_ID, funds[40]!.amount + 1n, recipient.program)]);
  const bad = makeBlock(badTxs);

  it('gives the checks of one thread, failure included; lanes stay within their concurrency across blocks', async () => {
    const remote = countingLane();
    const spreading = createSpreadingTxChecker(
      [
        { checker: pool, concurrency: 1 },
        { checker: remote.checker, concurrency: 2 },
      ],
      { minSlice: 4, maxSlice: 4 },
    );
    const [a, b] = await Promise.all([spreading.checkBlockTxs(jobOf(good)), spreading.checkBlockTxs(jobOf(bad))]);
    assert.deepEqual(a, inline(good));
    assert.deepEqual(b, inline(bad));
    assert.equal(b.failure?.detail?.txIndex, 41);
    assert.equal(remote.lane.most, 2, 'two blocks at once, yet at most two slices on the lane');
    const { done, retried } = spreading.stats();
    assert.ok(done[0]! > 0 && done[1]! > 0, `both lanes worked: ${done}`);
    assert.equal(done[0]! + done[1]!, 2 * (TXS + 1));
    assert.equal(retried, 0);
  });

  it("a failing lane's slices are checked locally; the lane rests instead of failing every slice", async () => {
    const spreading = createSpreadingTxChecker(
      [
        { checker: pool, concurrency: 1 },
        { checker: failing, concurrency: 2 },
      ],
      { minSlice: 4, maxSlice: 4 },
    );
    assert.deepEqual(await spreading.checkBlockTxs(jobOf(bad)), inline(bad));
    assert.deepEqual(spreading.stats(), { done: [TXS + 1, 0], retried: 2 });
  });

  it('the local lane failing fails the block; bad options are refused', async () => {
    const spreading = createSpreadingTxChecker([{ checker: failing, concurrency: 1 }]);
    await assert.rejects(spreading.checkBlockTxs(jobOf(good)), /replica gone/);
    const isBadOptions = (e: { code?: string }) => e.code === 'BAD_OPTIONS';
    assert.throws(() => createSpreadingTxChecker([]), isBadOptions);
    assert.throws(() => createSpreadingTxChecker([{ checker: pool, concurrency: 0 }]), isBadOptions);
    assert.throws(
      () => createSpreadingTxChecker([{ checker: pool, concurrency: 1 }], { minSlice: 9, maxSlice: 8 }),
      isBadOptions,
    );
  });
});
