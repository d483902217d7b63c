// A side-chain producer's block through its validator (in process, gRPC, real nats-server and
// redis-server, LMDB): check_only, then the signed submission that files it, then the other
// producers' copies of it. Blocks of BENCH_TXS peg-ins (default 1000; each one a federation-signed
// mint, the transaction checks and the signatures of a transfer), BENCH_BLOCKS of them (default 6).
// The txs' signatures are in the node's signature cache first (as when its mempool admitted them).
// In the same run, a second check_only of each block stands for what the signed submission cost
// before it reused the check (the transaction and UTXO checks again): "before" = check + second
// check + submission, "now" = check + submission.
// Run: node services/validator/bench/side-submit.bench.ts
import {
  createDevnetPegIn,
  devnetControlProgram,
  devnetXPrv,
  encodeSideBlock,
  type SideBlock,
  sha3,
  sideDevnetParams,
  xprvSign,
  xprvToXPub,
} from '@bystack/protocol';
import { ratio, report, startNats, startRedis } from '@bystack/testing';
import { startValidator, tempDir } from '../test/devnet.ts';
import { SideBlockMaker } from '../test/side-blocks.ts';

const TXS = Number(process.env.BENCH_TXS ?? 1000);
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 6);
const params = sideDevnetParams;
const chain = { chainId: params.chainId };
const recipient = devnetControlProgram(xprvToXPub(devnetXPrv('recipient', 0)));

const [nats, redis] = await Promise.all([startNats({ maxPayload: 8 * 1024 * 1024 }), startRedis()]);
const dir = tempDir('side-submit-bench');
const v = await startValidator({ natsUrl: nats.url, redisUrl: redis.url, dataDir: dir.path, chain: 'side-devnet' });
try {
  const maker = new SideBlockMaker(params);
  const { producers } = maker;
  // Encoded before the clock starts: the figures are the validator's.
  const submit = (block: SideBlock, checkOnly: boolean) => {
    const bytes = Buffer.from(encodeSideBlock(block));
    return () => v.client.submitBlock({ chain, block: { bytes }, checkOnly });
  };
  const timed = async (fn: () => Promise<unknown>) => {
    const start = performance.now();
    await fn();
    return performance.now() - start;
  };
  const signed = (block: SideBlock, id: Uint8Array, slots: readonly number[]) => ({
    ...block,
    header: {
      ...block.header,
      witness: producers.map((p, i) => (slots.includes(i) ? xprvSign(p, id) : new Uint8Array(0))),
    },
  });

  const totals = { check: 0, recheck: 0, submit: 0, copies: 0 };
  let parent = maker.genesis;
  let ts = parent.header.timestamp + 10n * params.consensus.blockIntervalMs;
  for (let b = 0; b < BLOCKS; b++) {
    const pegIns = Array.from({ length: TXS }, (_, i) =>
      createDevnetPegIn({
        sourceId: sha3(new TextEncoder().encode(`side-submit bench ${b} ${i}`)),
        amount: 1_000_000_000n,
        fee: 10_000_000n,
        controlProgram: recipient,
      }),
    );
    ts += params.consensus.blockIntervalMs;
    const made = await maker.blockOn(parent, ts, pegIns, 'none');
    // Not timed: the signatures go into the node's signature cache, as when its mempool admitted the txs.
    const checkOnly = submit(made.block, true);
    await checkOnly();
    const check = await timed(checkOnly);
    const recheck = await timed(checkOnly);
    const submission = await timed(submit(signed(made.block, made.id, [made.owner]), false));
    // The three other producers submit it with their signatures too.
    let copies = 0;
    for (let k = 1; k < producers.length; k++) {
      const other = (made.owner + k) % producers.length;
      copies += await timed(submit(signed(made.block, made.id, [made.owner, other]), false));
    }
    if (b > 0) {
      // The first block warms the process up.
      totals.check += check;
      totals.recheck += recheck;
      totals.submit += submission;
      totals.copies += copies;
    }
    parent = made.block;
  }
  const n = BLOCKS - 1;
  const perBlock = (ms: number) => ms / n;
  console.log(`side block of ${TXS} peg-ins through the validator (${n} blocks, after 1 to warm up), per block:`);
  report('  check_only', perBlock(totals.check), 'ms');
  report('  a second check_only (what the signed submission re-ran before)', perBlock(totals.recheck), 'ms');
  report('  the signed submission (witness checked, check reused, commit)', perBlock(totals.submit), 'ms');
  report('  the 3 other producers’ copies (duplicates, their signatures kept)', perBlock(totals.copies), 'ms');
  const before = totals.check + totals.recheck + totals.submit;
  const now = totals.check + totals.submit;
  report(
    '  producer path now (check + signed submission)',
    perBlock(now),
    'ms',
    `${ratio(now, before)} of before: ${perBlock(before).toFixed(0)} ms with the checks run twice`,
  );
  const s = v.v.chain.stats;
  // Each block: 3 checks (one untimed), the signed submission, 3 duplicates.
  console.log(
    `  pipeline work: stage 1 ${s.stage1Runs} run, ${s.stage1Reused} reused; stage 2 ${s.stage2Runs} run, ${s.stage2Reused} reused; ${s.bodyDecodes} whole-block decodes`,
  );
} finally {
  await v.stop();
  dir.remove();
  await Promise.all([nats.stop(), redis.stop()]);
}
