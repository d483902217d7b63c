// PSWV windows on the main chain, in process on LMDB + a real redis-server: a window leaves the same
// chain and UTXO set as the same blocks one by one (also when its blocks spend each other's
// outputs), a bad block stops it with its typed code after the valid ones were committed (its
// descendants are remembered invalid), outputs spent earlier in the window cannot be spent again,
// and known blocks ahead of the new ones are reported as duplicates.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSignatureVerifier, type Tx } from '@bystack/protocol';
import { startRedis, type TestServer } from '@bystack/testing';
import { Redis } from 'ioredis';
import { BlockDisposition, type Chain } from '../src/index.ts';
import {
  btm,
  type Coin,
  coinsOf,
  FEE,
  fromGenesis,
  fundingBlocks,
  hex,
  type MinedBlock,
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
const dir = tempDir('window');
let chains = 0;
const open: Chain[] = [];

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

/** A fresh chain on its own LMDB and Redis prefix. */
async function freshChain(): Promise<{ chain: Chain; prefix: string }> {
  const prefix = `w${chains++}`;
  const { chain } = await openDevnetChain({
    dir: `${dir.path}/${prefix}`,
    redis,
    prefix,
    verifier: createSignatureVerifier(),
  });
  open.push(chain);
  return { chain, prefix };
}

const utxoSet = async (prefix: string) => {
  const all = await redis.hgetallBuffer(`${prefix}:{${params.chainId}}:utxo`);
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [Buffer.from(k, 'latin1').toString('hex'), hex(v)]));
};

const pay = (coin: Coin, to = testKey('window-recipient')): Tx =>
  transfer([coin], [btm(coin.amount - FEE, to.program)]);

describe('PSWV windows on the main chain', () => {
  const keys = [testKey('window-a'), testKey('window-b')];
  const setup = mineChain(fromGenesis(), 5);
  const funding = fundingBlocks(setup.at(-1)!, keys, 200, 1_000_000_000n);
  const base = [...setup, ...funding.blocks];
  // Block 8 pays 20 coins to key a; block 9 spends 10 of those (outputs made inside the window).
  const b8 = mine(funding.blocks.at(-1)!, { txs: funding.coins.slice(0, 20).map((c) => pay(c, keys[0])) });
  const made = b8.block.transactions.slice(1).flatMap((t) => coinsOf(t, keys[0]!));
  const b9 = mine(b8, { txs: made.slice(0, 10).map((c) => pay(c)) });
  const run = [...base, b8, b9];
  const bytes = (blocks: readonly MinedBlock[]) => blocks.map((b) => b.bytes);

  test('a window gives the chain and UTXO set the same blocks give one by one', async () => {
    const one = await freshChain();
    for (const b of run)
      assert.equal((await one.chain.submit(b.bytes, 'sync')).disposition, BlockDisposition.Connected);
    const win = await freshChain();
    const outcome = await win.chain.submitWindow(bytes(run), 'sync');
    assert.equal(outcome.rejection, undefined);
    assert.deepEqual(
      outcome.results.map((r) => r.disposition),
      run.map(() => BlockDisposition.Connected),
    );
    assert.equal(win.chain.tip.key, hex(b9.id));
    assert.equal(win.chain.tip.height, one.chain.tip.height);
    assert.deepEqual(await utxoSet(win.prefix), await utxoSet(one.prefix));
    assert.ok(Object.keys(await utxoSet(win.prefix)).length > 200);
  });

  test('known blocks first, then new ones: duplicates, then one window', async () => {
    const { chain } = await freshChain();
    await chain.submitWindow(bytes(base), 'sync');
    const outcome = await chain.submitWindow(bytes(run.slice(3)), 'sync');
    assert.deepEqual(
      outcome.results.map((r) => r.disposition),
      [...base.slice(3).map(() => BlockDisposition.Duplicate), BlockDisposition.Connected, BlockDisposition.Connected],
    );
    assert.equal(chain.tip.key, hex(b9.id));
  });

  test('a bad signature stops the window: the blocks before it are committed, its descendants remembered invalid', async () => {
    const { chain } = await freshChain();
    await chain.submitWindow(bytes(base), 'sync');
    const forged = pay(funding.coins[30]!);
    const input = forged.inputs[0]!;
    if (input.type !== 'spend') throw new Error('spend expected');
    const signature = input.arguments[0]!.slice();
    signature[5]! ^= 1;
    const bad = { ...forged, inputs: [{ ...input, arguments: [signature, input.arguments[1]!] }] };
    const c1 = mine(funding.blocks.at(-1)!, { txs: [pay(funding.coins[31]!)], tag: 'c1' });
    const c2 = mine(c1, { txs: [bad], tag: 'c2' });
    const c3 = mine(c2, { tag: 'c3' });
    const outcome = await chain.submitWindow(bytes([c1, c2, c3]), 'sync');
    assert.deepEqual(
      outcome.results.map((r) => r.disposition),
      [BlockDisposition.Connected],
    );
    assert.equal((outcome.rejection as { code?: string }).code, 'BAD_SIGNATURE');
    assert.equal(chain.tip.key, hex(c1.id));
    await assert.rejects(chain.submit(c3.bytes, 'net'), (e: { code?: string }) => e.code === 'INVALID_ANCESTOR');
  });

  test('an output spent earlier in the window cannot be spent again in it', async () => {
    const { chain, prefix } = await freshChain();
    await chain.submitWindow(bytes(base), 'sync');
    const before = await utxoSet(prefix);
    const coin = funding.coins[40]!;
    const d1 = mine(funding.blocks.at(-1)!, { txs: [pay(coin)], tag: 'd1' });
    const d2 = mine(d1, { txs: [pay(coin, testKey('window-other'))], tag: 'd2' });
    const outcome = await chain.submitWindow(bytes([d1, d2]), 'sync');
    assert.equal(outcome.results.length, 1);
    assert.ok(
      ['UNKNOWN_INPUT', 'DOUBLE_SPEND'].includes((outcome.rejection as { code?: string }).code ?? ''),
      String(outcome.rejection),
    );
    assert.equal(chain.tip.key, hex(d1.id));
    assert.notDeepEqual(await utxoSet(prefix), before);
  });
});
