// Stage 1's transaction checks on a TxCheckPool (worker threads) give the validator the verdicts
// checking on its own thread gives: a big block connects to the same UTXO set, a big block with one
// bad transaction is refused with the same typed code and transaction index, and nothing is filed.
// In process, on LMDB + a real redis-server, real worker threads.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSignatureVerifier, createTxCheckPool, type TxCheckPool } from '@bystack/protocol';
import { startRedis, type TestServer } from '@bystack/testing';
import { Redis } from 'ioredis';
import { BlockDisposition, type Chain } from '../src/index.ts';
import {
  btm,
  FEE,
  fromGenesis,
  fundingBlocks,
  hex,
  mine,
  mineChain,
  openDevnetChain,
  params,
  tempDir,
  testKey,
  transfer,
} from './devnet.ts';

let redisServer: TestServer;
let redis: Redis;
let pool: TxCheckPool;
const dir = tempDir('tx-check-pool');
const open: Chain[] = [];

before(async () => {
  redisServer = await startRedis();
  redis = new Redis(redisServer.url);
  pool = createTxCheckPool({ workers: 2, minSlice: 64 });
});

after(async () => {
  for (const c of open) await c.close();
  await pool?.close();
  redis?.disconnect();
  await redisServer?.stop();
  dir.remove();
});

async function freshChain(prefix: string, txChecks?: TxCheckPool): Promise<Chain> {
  const { chain } = await openDevnetChain({
    dir: `${dir.path}/${prefix}`,
    redis,
    prefix,
    verifier: createSignatureVerifier(),
    txChecks,
  });
  open.push(chain);
  return chain;
}

const utxoSet = async (prefix: string) => {
  const all = await redis.hgetallBuffer(`${prefix}:{${params.chainId}}:utxo`);
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [Buffer.from(k, 'latin1').toString('hex'), hex(v)]));
};

describe('stage 1 on a tx check pool', () => {
  const keys = [testKey('pool-a'), testKey('pool-b'), testKey('pool-c')];
  const recipient = testKey('pool-recipient');
  const setup = mineChain(fromGenesis(), 5);
  const funding = fundingBlocks(setup.at(-1)!, keys, 600, 1_000_000_000n);
  const base = [...setup, ...funding.blocks];
  const coins = funding.coins;
  // 300 transfers: above the size the validator sends to the pool, over several slices.
  const big = mine(funding.blocks.at(-1)!, {
    txs: coins.slice(0, 300).map((c) => transfer([c], [btm(c.amount - FEE, recipient.program)])),
  });
  // The same with transaction 271 of the block paying out more than it spends.
  const badTxs = coins.slice(300, 600).map((c) => transfer([c], [btm(c.amount - FEE, recipient.program)]));
  badTxs[270] = transfer([coins[570]!], [btm(coins[570]!.amount + 1n, recipient.program)]);
  const bad = mine(funding.blocks.at(-1)!, { txs: badTxs, tag: 'bad' });

  test('a big block connects to the UTXO set checking on one thread gives', async () => {
    const pooled = await freshChain('pooled', pool);
    const inline = await freshChain('inline');
    for (const chain of [pooled, inline]) {
      for (const b of [...base, big]) {
        const r = await chain.submit(b.bytes, 'rpc');
        assert.equal(r.disposition, BlockDisposition.Connected);
      }
    }
    assert.equal(pooled.tip.key, inline.tip.key);
    assert.deepEqual(await utxoSet('pooled'), await utxoSet('inline'));
  });

  test('a bad transaction in a later slice: the same typed code and index, nothing filed', async () => {
    const pooled = await freshChain('pooled-bad', pool);
    const inline = await freshChain('inline-bad');
    const rejections: unknown[] = [];
    for (const chain of [pooled, inline]) {
      for (const b of base) await chain.submit(b.bytes, 'rpc');
      const tip = chain.tip.key;
      await assert.rejects(chain.submit(bad.bytes, 'rpc'), (err: { code?: string; message?: string }) => {
        rejections.push({ code: err.code, message: err.message });
        return true;
      });
      assert.equal(chain.tip.key, tip);
    }
    assert.equal(rejections.length, 2);
    assert.deepEqual(rejections[0], rejections[1]);
    assert.match((rejections[0] as { message: string }).message, /tx 271:/);
    assert.equal((rejections[0] as { code: string }).code, 'UNBALANCED_ASSET');
    assert.deepEqual(await utxoSet('pooled-bad'), await utxoSet('inline-bad'));
  });
});
