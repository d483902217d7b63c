// PSWV stage 1's transaction checks across replicas, on real processes: a validator replica
// (replica-main.ts, its own process, its own worker thread) checks slices of a block's transactions
// and answers exactly the TxChecks the local pool gives, failures included (code, message, detail
// with its txIndex and bigints); a spreading checker gets slices done by it; a replica SIGKILLed
// while it holds a slice costs time, not the verdict; a malformed request gets a typed error answer.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { chainV1 } from '@bystack/proto';
import {
  type BlockTxsJob,
  checkBlockTxsOn,
  createSpreadingTxChecker,
  createTxCheckPool,
  decodeBlock,
  mainTxRules,
  type TxCheckPool,
  type TxChecks,
  ValidationError,
} from '@bystack/protocol';
import { createNatsBus, type NatsBus, rawCodec } from '@bystack/runtime';
import { startNats, type TestServer } from '@bystack/testing';
import { createReplicaTxChecker, replicaTxCheckSubject } from '../src/replica.ts';
import { createValidatorTxChecks } from '../src/stage1-tx-checks.ts';
import { txChecksOf, txRangeJobOf, txSliceRequestOf, txSliceResponseOf } from '../src/tx-check-wire.ts';
import {
  btm,
  FEE,
  fromGenesis,
  fundingBlocks,
  type MinedBlock,
  mine,
  mineChain,
  params,
  testKey,
  transfer,
} from './devnet.ts';
import { startReplica } from './replica-process.ts';

// The replicas serve the main devnet's validators.
const chainId = params.chainId;

function jobOf(b: MinedBlock): BlockTxsJob {
  return {
    chain: 'main',
    rules: mainTxRules(params),
    blockHeight: b.block.header.height,
    blockBytes: b.bytes,
    txSizes: decodeBlock(b.bytes).transactions.map((tx) => tx.serializedSize!),
  };
}

describe('tx check slices on validator replicas (PSWV stage 1)', { timeout: 90_000 }, () => {
  const keys = [testKey('rtx-a'), testKey('rtx-b')];
  const recipient = testKey('rtx-recipient');
  const setup = mineChain(fromGenesis(), 3, { skipPow: true });
  const funding = fundingBlocks(setup.at(-1)!, keys, 500, 1_000_000_000n);
  const coins = funding.coins;
  const pay = (i: number) => transfer([coins[i]!], [btm(coins[i]!.amount - FEE, recipient.program)]);
  const tip = funding.blocks.at(-1)!;
  const good = jobOf(mine(tip, { txs: coins.slice(0, 300).map((_, i) => pay(i)), skipPow: true }));
  // Transaction 171 of the block pays out more than it spends (UNBALANCED_ASSET, in a later slice).
  const unbalancedTxs = coins.slice(0, 200).map((_, i) => pay(i));
  unbalancedTxs[170] = transfer([coins[170]!], [btm(coins[170]!.amount + 1n, recipient.program)]);
  const unbalanced = jobOf(mine(tip, { txs: unbalancedTxs, skipPow: true, tag: 'unbalanced' }));
  // Transaction 91 expired at height 1 (TIME_RANGE_EXPIRED: its detail holds bigints).
  const expiredTxs = coins.slice(200, 300).map((_, i) => pay(200 + i));
  expiredTxs[90] = { ...expiredTxs[90]!, timeRange: 1n };
  const expired = jobOf(mine(tip, { txs: expiredTxs, skipPow: true, tag: 'expired' }));
  // 500 transactions for the kill: many slices, so the replica still has work when it dies.
  const many = jobOf(
    mine(tip, {
      txs: coins.map((_, i) =>
        i === 450 ? transfer([coins[i]!], [btm(coins[i]!.amount + 1n, recipient.program)]) : pay(i),
      ),
      skipPow: true,
      tag: 'many',
    }),
  );

  let nats: TestServer;
  let bus: NatsBus;
  let pool: TxCheckPool;
  const children: ChildProcess[] = [];

  before(async () => {
    nats = await startNats();
    bus = await createNatsBus({ servers: nats.url, name: 'replica-tx-test' });
    pool = createTxCheckPool({ workers: 1, minSlice: 16 });
    children.push(await startReplica({ natsUrl: nats.url, name: 'r1', chain: 'main-devnet' }));
  });

  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await pool?.close();
    await bus?.close();
    await nats?.stop();
  });

  test('a replica checks slices into the TxChecks of the local pool, failures included', async () => {
    const remote = createReplicaTxChecker(bus, chainId, 10_000);
    for (const job of [good, unbalanced, expired]) {
      assert.deepEqual(await checkBlockTxsOn(remote, job, 32), await pool.checkBlockTxs(job));
    }
    const u = (await checkBlockTxsOn(remote, unbalanced, 32)).failure!;
    assert.ok(u instanceof ValidationError);
    assert.equal(u.code, 'UNBALANCED_ASSET');
    assert.equal(u.detail?.txIndex, 171);
    const e = (await checkBlockTxsOn(remote, expired, 32)).failure!;
    assert.equal(e.code, 'TIME_RANGE_EXPIRED');
    assert.deepEqual(e.detail, { timeRange: 1n, blockHeight: expired.blockHeight, txIndex: 91 });
  });

  test('a spreading checker hands slices to the replica and gets the same checks', async () => {
    const spreading = createSpreadingTxChecker(
      [
        { checker: pool, concurrency: 1 },
        { checker: createReplicaTxChecker(bus, chainId, 10_000), concurrency: 2 },
      ],
      { minSlice: 16, maxSlice: 16 },
    );
    assert.deepEqual(await spreading.checkBlockTxs(good), await pool.checkBlockTxs(good));
    assert.deepEqual(await spreading.checkBlockTxs(unbalanced), await pool.checkBlockTxs(unbalanced));
    const { done, retried } = spreading.stats();
    assert.ok(done[1]! > 0, `the replica checked ${done[1]} txs`);
    assert.equal(retried, 0);
  });

  test("the validator's TxCheckPool from its settings: none, local threads, threads and replicas, replicas alone", async () => {
    assert.equal(
      createValidatorTxChecks({ bus, chainId, threads: 0, replicaRequests: 0, replicaTimeoutMs: 10_000 }),
      undefined,
    );
    for (const [threads, replicaRequests] of [
      [1, 0],
      [1, 2],
      [0, 2],
    ] as const) {
      const txChecks = createValidatorTxChecks({ bus, chainId, threads, replicaRequests, replicaTimeoutMs: 10_000 });
      assert.ok(txChecks);
      try {
        assert.deepEqual(await txChecks.checkBlockTxs(unbalanced), await pool.checkBlockTxs(unbalanced));
      } finally {
        await txChecks.close();
      }
    }
  });

  test('a malformed request gets a typed error answer, and the replica keeps serving', async () => {
    const request = txSliceRequestOf({ ...unbalanced, firstIndex: 0, count: 1, bytes: new Uint8Array(10) });
    const refused = (code: string) => (err: { remoteCode?: string; detail?: { remoteCode?: string } }) =>
      (err.detail?.remoteCode ?? err.remoteCode) === code;
    const ask = (r: chainV1.CheckTxSliceRequest) =>
      bus.request(replicaTxCheckSubject(chainId), chainV1.CheckTxSliceRequest, r, chainV1.CheckTxSliceResponse, {
        timeoutMs: 5000,
      });
    await assert.rejects(
      ask({ ...request, chain: chainV1.TxChainKind.TX_CHAIN_KIND_UNSPECIFIED }),
      refused('BAD_REQUEST'),
    );
    await assert.rejects(ask({ ...request, rules: undefined }), refused('BAD_REQUEST'));
    await assert.rejects(ask({ ...request, count: 11 }), refused('BAD_REQUEST'));
    // Bytes that are no transaction: the replica's worker cannot decode them (not a verdict).
    await assert.rejects(ask(request), refused('WORKER_ERROR'));
    await assert.rejects(
      bus.request(replicaTxCheckSubject(chainId), rawCodec, new Uint8Array([0xff, 0xff, 0xff]), rawCodec, {
        timeoutMs: 5000,
      }),
      refused('NATS_DECODE_FAILED'),
    );
    const remote = createReplicaTxChecker(bus, chainId, 10_000);
    assert.deepEqual(await checkBlockTxsOn(remote, good, 100), await pool.checkBlockTxs(good));
  });

  test('checks on the wire: bigint details survive; a lying answer is WORKER_ERROR', () => {
    const slice = { ...good, firstIndex: 0, count: 1, bytes: new Uint8Array(0) };
    const failure = new ValidationError('INSUFFICIENT_GAS', 'tx 3: short', { nativeFee: -(2n ** 63n), txIndex: 3 });
    const checks: TxChecks = { entries: [], results: [], failure };
    const answer = chainV1.CheckTxSliceResponse.encode(txSliceResponseOf(checks)).finish();
    const back = txChecksOf(chainV1.CheckTxSliceResponse.decode(answer), slice);
    assert.deepEqual(back, checks);
    // Every tx "passed" yet no result: not a verdict.
    assert.throws(() => txChecksOf(txSliceResponseOf({ entries: [], results: [] }), slice), { code: 'WORKER_ERROR' });
    assert.throws(
      () =>
        txChecksOf({ ...txSliceResponseOf(checks), failure: { code: 'NO_SUCH', message: '', detailJson: '' } }, slice),
      { code: 'WORKER_ERROR' },
    );
    // The rules, height and placement come back as sent.
    const sent = { ...slice, bytes: new Uint8Array(5) };
    const wire = chainV1.CheckTxSliceRequest.encode(txSliceRequestOf(sent)).finish();
    const { blockBytes: _b, txSizes: _s, ...expected } = sent;
    assert.deepEqual(txRangeJobOf(chainV1.CheckTxSliceRequest.decode(wire)), {
      ...expected,
      federationProgram: undefined,
    });
  });

  test('a replica SIGKILLed while it holds a slice: the block still gets its verdict', async () => {
    for (const c of children) c.kill('SIGKILL'); // only r2 serves from here
    const replica = await startReplica({ natsUrl: nats.url, name: 'r2', chain: 'main-devnet' });
    children.push(replica);
    // Kill the replica as the first slice reaches it (this subscriber sees every request).
    let killed = false;
    const watcher = bus.subscribe(replicaTxCheckSubject(chainId), rawCodec, async () => {
      if (!killed) replica.kill('SIGKILL');
      killed = true;
    });
    const spreading = createSpreadingTxChecker(
      [
        { checker: pool, concurrency: 1 },
        { checker: createReplicaTxChecker(bus, chainId, 500), concurrency: 2 },
      ],
      { minSlice: 8, maxSlice: 8 },
    );
    const checks = spreading.checkBlockTxs(many);
    const local = await pool.checkBlockTxs(many);
    await watcher.drain();
    assert.deepEqual(await checks, local);
    assert.equal(local.failure?.code, 'UNBALANCED_ASSET');
    assert.equal(local.failure?.detail?.txIndex, 451);
    assert.ok(killed);
    assert.ok(spreading.stats().retried >= 1, `retried ${spreading.stats().retried}`);
  });
});
