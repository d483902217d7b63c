// A side-chain validator (the service, in process, real nats-server and redis-server) configured
// with txCheckThreads checks a big block's transactions on its tx check pool: a block of 300 peg-ins connects with its checks taken
// from the pool, and one whose peg-in 271 is malformed is refused with the code and index a
// single-threaded check gives, the chain unchanged.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  createDevnetPegIn,
  devnetControlProgram,
  devnetFederationProgram,
  devnetXPrv,
  encodeSideBlock,
  type SideBlock,
  type SideTx,
  sha3,
  sideDevnetParams,
  validateSideBlockStateless,
  xprvToXPub,
} from '@bystack/protocol';
import { isRpcError } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { Disposition, type InProcessValidator, startValidator, tempDir } from './devnet.ts';
import { SideBlockMaker } from './side-blocks.ts';

const params = sideDevnetParams;
const chain = { chainId: params.chainId };
const maker = new SideBlockMaker(params);
const recipient = devnetControlProgram(xprvToXPub(devnetXPrv('recipient', 0)));
const T0 = maker.genesis.header.timestamp + 10n * params.consensus.blockIntervalMs;

let nats: TestServer;
let redis: TestServer;
let v: InProcessValidator;
const dir = tempDir('side-pool');

const pegIns = (tag: string, n: number): SideTx[] =>
  Array.from({ length: n }, (_, i) =>
    createDevnetPegIn({
      sourceId: sha3(new TextEncoder().encode(`${tag} ${i}`)),
      amount: 1_000_000_000n,
      fee: 10_000_000n,
      controlProgram: recipient,
    }),
  );
let b1: SideBlock;
const submit = (block: SideBlock) =>
  v.client.submitBlock({ chain, block: { bytes: Buffer.from(encodeSideBlock(block)) } });

before(async () => {
  [nats, redis] = await Promise.all([startNats(), startRedis()]);
  v = await startValidator({
    natsUrl: nats.url,
    redisUrl: redis.url,
    dataDir: dir.path,
    chain: 'side-devnet',
    extra: { BYSTACK_TX_CHECK_THREADS: '2' },
  });
});

after(async () => {
  await v?.stop();
  dir.remove();
  await Promise.all([nats?.stop(), redis?.stop()]);
});

test('a block of 300 peg-ins: connected, its transactions checked on the pool', async () => {
  const pooled = v.v.chain.stats.txChecksPooled;
  const { block } = await maker.blockOn(maker.genesis, T0, pegIns('pool ok', 300));
  b1 = block;
  assert.equal((await submit(block)).disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
  assert.equal(v.v.chain.stats.txChecksPooled - pooled, 1);
  assert.equal((await v.client.getTip({ chain })).tip!.height, 1n);
});

test('peg-in 271 malformed: the code and index of a single-threaded check, nothing filed', async () => {
  const txs = pegIns('pool bad', 300);
  // A peg-in with a version 2 is refused by the stateless checks.
  txs[270] = { ...txs[270]!, version: 2n };
  const parent = b1;
  const { block } = await maker.blockOn(parent, T0 + params.consensus.blockIntervalMs, txs);
  const here = (() => {
    try {
      validateSideBlockStateless(block, {
        params,
        consensus: params.consensus,
        parent: { id: block.header.previousBlockId, height: 1n, timestamp: parent.header.timestamp },
        now: block.header.timestamp,
        coinbaseAmount: block.transactions[0]!.outputs.reduce((sum, o) => sum + o.amount, 0n),
        federationProgram: devnetFederationProgram(),
      });
    } catch (err) {
      return err as { code: string; detail?: { txIndex?: number } };
    }
  })();
  assert.equal(here?.detail?.txIndex, 271);
  const pooled = v.v.chain.stats.txChecksPooled;
  await assert.rejects(submit(block), (err: unknown) => {
    assert.ok(isRpcError(err));
    assert.equal(err.code, here!.code);
    assert.match(err.message, /tx 271:/);
    return true;
  });
  assert.equal((await v.client.getTip({ chain })).tip!.height, 1n);
  assert.equal(v.v.chain.stats.txChecksPooled - pooled, 1);
});
