// Stage 1 with the tx checks the node's mempool filed in Redis (filed-tx-checks.ts): a block whose
// transactions were all, none or some filed connects to the UTXO set a chain checking every tx
// reaches, and a bad tx among filed ones is refused with the same code and message; records filed
// under other rules miss; a Redis that fails leaves the validator checking everything; the used
// records are removed. Main and side chain, in process, on LMDB and a real redis-server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createDevnetPegIn,
  createSignatureVerifier,
  devnetControlProgram,
  devnetXPrv,
  encodeSideBlock,
  encodeTx,
  filedTxCheckKey,
  type SideTx,
  sha3,
  txChecksFingerprint,
  xprvToXPub,
} from '@bystack/protocol';
import { createRedisTxCheckCache, type RedisTxCheckCache } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { Redis } from 'ioredis';
import { BlockDisposition, type Chain } from '../src/index.ts';
import type { SideChain } from '../src/side-chain.ts';
import {
  btm,
  Disposition,
  FEE,
  fileMainTxChecks,
  fromGenesis,
  fundingBlocks,
  hex,
  type MinedBlock,
  mine,
  mineChain,
  openDevnetChain,
  params,
  startValidator,
  tempDir,
  testKey,
  transfer,
} from './devnet.ts';
import { fileSideTxChecks, openSideDevnetChain, SideBlockMaker } from './side-blocks.ts';

let redisServer: TestServer;
let redis: Redis;
const dir = tempDir('filed-tx-checks');
const open: (Chain | SideChain)[] = [];

before(async () => {
  redisServer = await startRedis();
  redis = new Redis(redisServer.url);
});

after(async () => {
  for (const c of open) await c.close();
  redis?.disconnect();
  await redisServer?.stop();
  dir.remove();
});

const cacheOf = (prefix: string, client: Redis = redis) => createRedisTxCheckCache({ redis: client, prefix });

const utxoSet = async (prefix: string, chainId: string) => {
  const all = await redis.hgetallBuffer(`${prefix}:{${chainId}}:utxo`);
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [Buffer.from(k, 'latin1').toString('hex'), hex(v)]));
};

async function rejection(run: Promise<unknown>): Promise<{ code?: string; message?: string }> {
  try {
    await run;
  } catch (err) {
    const { code, message } = err as { code?: string; message?: string };
    return { code, message };
  }
  assert.fail('accepted');
}

describe('main chain: stage 1 with filed tx checks', () => {
  const keys = [testKey('filed-a'), testKey('filed-b')];
  const recipient = testKey('filed-recipient');
  const setup = mineChain(fromGenesis(), 5);
  const funding = fundingBlocks(setup.at(-1)!, keys, 80, 1_000_000_000n);
  const base = [...setup, ...funding.blocks];
  const parent = funding.blocks.at(-1)!;
  const pay = (coins: typeof funding.coins) =>
    coins.map((c) => transfer([c], [btm(c.amount - FEE, recipient.program)]));
  const txs = pay(funding.coins.slice(0, 40));
  const block = mine(parent, { txs });
  const height = BigInt(block.height);

  async function freshChain(prefix: string, filed: RedisTxCheckCache | undefined): Promise<Chain> {
    const { chain } = await openDevnetChain({
      dir: `${dir.path}/${prefix}`,
      redis,
      prefix,
      verifier: createSignatureVerifier(),
      filedTxChecks: filed && { cache: filed },
    });
    open.push(chain);
    for (const b of base) assert.equal((await chain.submit(b.bytes, 'rpc')).disposition, BlockDisposition.Connected);
    return chain;
  }

  /** Connects `b`; the filed records it found and missed. */
  async function connect(chain: Chain, b: MinedBlock): Promise<{ hits: number; misses: number }> {
    const before = { ...(chain.filed?.stats ?? { hits: 0, misses: 0 }) };
    assert.equal((await chain.submit(b.bytes, 'rpc')).disposition, BlockDisposition.Connected);
    const now = chain.filed?.stats ?? { hits: 0, misses: 0 };
    return { hits: now.hits - before.hits, misses: now.misses - before.misses };
  }

  test('all, none or some filed: the UTXO set of checking every tx; the used records removed', async () => {
    const reference = await freshChain('main-ref', undefined);
    await connect(reference, block);
    const expected = await utxoSet('main-ref', params.chainId);
    for (const [prefix, filedTxs] of [
      ['main-all', txs],
      ['main-none', []],
      ['main-some', txs.filter((_, i) => i % 3 !== 0)],
    ] as const) {
      const cache = cacheOf(prefix);
      const chain = await freshChain(prefix, cache);
      await fileMainTxChecks(cache, filedTxs, height - 1n);
      const found = await connect(chain, block);
      assert.equal(chain.tip.key, reference.tip.key);
      assert.deepEqual(await utxoSet(prefix, params.chainId), expected, prefix);
      assert.deepEqual(found, { hits: filedTxs.length, misses: txs.length - filedTxs.length }, prefix);
      const space = txChecksFingerprint(params);
      const keysOf = filedTxs.map((t) => filedTxCheckKey(encodeTx(t)));
      for (let n = 0; n < 50 && (await cache.lookup(space, keysOf)).some((v) => v !== undefined); n++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.deepEqual(
        (await cache.lookup(space, keysOf)).filter((v) => v !== undefined),
        [],
        'records removed once used',
      );
    }
  });

  test('a bad tx among filed ones, its good twin filed too: the code and message of checking every tx', async () => {
    const bad = pay(funding.coins.slice(40, 80));
    // The good tx spending the same coin was admitted; the bad one's bytes differ, so does its key.
    const twin = bad[20]!;
    bad[20] = transfer([funding.coins[60]!], [btm(funding.coins[60]!.amount + 1n, recipient.program)]);
    const badBlock = mine(parent, { txs: bad, tag: 'bad' });
    const reference = await freshChain('bad-ref', undefined);
    const expected = await rejection(reference.submit(badBlock.bytes, 'rpc'));
    assert.equal(expected.code, 'UNBALANCED_ASSET');
    assert.match(expected.message ?? '', /tx 21:/);
    const cache = cacheOf('bad-filed');
    const chain = await freshChain('bad-filed', cache);
    await fileMainTxChecks(cache, [...bad.slice(0, 20), twin, ...bad.slice(21)], height);
    assert.deepEqual(await rejection(chain.submit(badBlock.bytes, 'rpc')), expected);
    assert.equal(chain.filed?.stats.hits, 39);
    assert.equal(chain.tip.key, reference.tip.key);
  });

  test('records filed under other rules miss: every tx is checked', async () => {
    const cache = cacheOf('other-rules');
    const chain = await freshChain('other-rules', cache);
    const other = { ...params, gas: { ...params.gas, storageGasRate: params.gas.storageGasRate + 1 } };
    await fileMainTxChecks(cache, txs, height, other);
    assert.deepEqual(await connect(chain, block), { hits: 0, misses: txs.length });
  });

  test('a Redis that fails: every tx is checked, the block connects', async () => {
    const closed = new Redis(redisServer.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    closed.disconnect();
    const chain = await freshChain('redis-down', cacheOf('redis-down', closed));
    await fileMainTxChecks(cacheOf('redis-down'), txs, height);
    assert.deepEqual(await connect(chain, block), { hits: 0, misses: 0 });
    assert.deepEqual(await utxoSet('redis-down', params.chainId), await utxoSet('main-ref', params.chainId));
  });
});

describe('side chain: stage 1 with filed tx checks', () => {
  const maker = new SideBlockMaker();
  const sideParams = maker.params;
  const recipient = devnetControlProgram(xprvToXPub(devnetXPrv('filed-side-recipient', 0)));
  const pegIns: SideTx[] = Array.from({ length: 30 }, (_, i) =>
    createDevnetPegIn({
      sourceId: sha3(new TextEncoder().encode(`filed side peg-in ${i}`)),
      amount: 1_000_000_000n,
      fee: 10_000_000n,
      controlProgram: recipient,
    }),
  );

  test('some filed: the UTXO set of checking every tx; another federation misses', async () => {
    const at = maker.genesis.header.timestamp + maker.interval;
    const { block } = await maker.blockOn(maker.genesis, at, pegIns);
    const bytes = encodeSideBlock(block);
    const chains: [string, SideChain][] = [];
    for (const prefix of ['side-ref', 'side-some', 'side-other-federation']) {
      const cache = cacheOf(prefix);
      const chain = await openSideDevnetChain(maker, {
        dir: `${dir.path}/${prefix}`,
        redis,
        prefix,
        verifier: createSignatureVerifier(),
        filedTxChecks: prefix === 'side-ref' ? undefined : { cache },
      });
      open.push(chain);
      if (prefix === 'side-some') await fileSideTxChecks(cache, pegIns.slice(5, 25), 1n);
      if (prefix === 'side-other-federation')
        await fileSideTxChecks(cache, pegIns, 1n, sideParams, Uint8Array.of(0x51));
      assert.equal((await chain.submit(bytes, 'rpc')).disposition, BlockDisposition.Connected);
      chains.push([prefix, chain]);
    }
    const expected = await utxoSet('side-ref', sideParams.chainId);
    assert.deepEqual(await utxoSet('side-some', sideParams.chainId), expected);
    assert.deepEqual(await utxoSet('side-other-federation', sideParams.chainId), expected);
    assert.deepEqual(chains[1]![1].filed?.stats, { hits: 20, misses: 10 });
    assert.deepEqual(chains[2]![1].filed?.stats, { hits: 0, misses: 30 });
  });
});

describe('the validator service takes what the mempool filed', () => {
  test('a side block through gRPC: its filed txs are hits on /metrics; with txCheckCacheSeconds 0 none is looked up', async () => {
    const nats = await startNats();
    const maker = new SideBlockMaker();
    const recipient = devnetControlProgram(xprvToXPub(devnetXPrv('filed-service', 0)));
    const pegIns = Array.from({ length: 12 }, (_, i) =>
      createDevnetPegIn({
        sourceId: sha3(new TextEncoder().encode(`filed service peg-in ${i}`)),
        amount: 1_000_000_000n,
        fee: 10_000_000n,
        controlProgram: recipient,
      }),
    );
    const { block } = await maker.blockOn(maker.genesis, maker.genesis.header.timestamp + maker.interval, pegIns);
    try {
      for (const [prefix, seconds, hits] of [
        ['svc-on', '600', 8],
        ['svc-off', '0', 0],
      ] as const) {
        await fileSideTxChecks(cacheOf(prefix), pegIns.slice(0, 8), 1n);
        const v = await startValidator({
          natsUrl: nats.url,
          redisUrl: redisServer.url,
          dataDir: `${dir.path}/${prefix}`,
          chain: 'side-devnet',
          redisPrefix: prefix,
          extra: { BYSTACK_TX_CHECK_CACHE_SECONDS: seconds },
        });
        try {
          const r = await v.client.submitBlock({
            chain: { chainId: maker.params.chainId },
            block: { bytes: Buffer.from(encodeSideBlock(block)) },
          });
          assert.equal(r.disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
          const metrics = await (await fetch(v.v.metricsUrl)).text();
          const hit = /validator_filed_tx_checks\{result="hit"[^}]*\} (\d+)/.exec(metrics)?.[1];
          assert.equal(hit === undefined ? 0 : Number(hit), hits, prefix);
        } finally {
          await v.stop();
        }
      }
    } finally {
      await nats.stop();
    }
  });
});
