// GetWork/SubmitWork for outside miners (local search off: BYSTACK_MINER_THREADS=0): the test
// searches the nonce itself with the protocol's Tensority; wrong nonces, unknown and stale work
// ids fail with their typed codes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  blockId,
  checkProofOfWork,
  createMainDevnetGenesis,
  createTensorityCache,
  decodeBlockHeader,
  mainDevnetParams,
  tensorityWithCache,
} from '@bystack/protocol';
import { isRpcError, type RpcError, statusOfCode } from '@bystack/runtime';
import { startNats, type TestServer } from '@bystack/testing';
import { type ChainDouble, startChainDouble } from './support/chain-double.ts';
import { devnetKey, hex, trustedBlock } from './support/fixtures.ts';
import { MempoolDouble } from './support/mempool-double.ts';
import { type RunningMiner, startMiner } from './support/miner-service.ts';

const params = mainDevnetParams;
const genesis = createMainDevnetGenesis();
const main = { chain: { chainId: 'main' } };

async function rejection(p: Promise<unknown>): Promise<RpcError> {
  try {
    await p;
  } catch (err) {
    assert.ok(isRpcError(err), `expected an RpcError, got ${err}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

/** The first nonce from `from` whose hash does (`passing`) or does not meet the work's bits. */
function searchNonce(work: { header: Uint8Array; seed: Uint8Array; bits: bigint }, passing: boolean, from = 0n) {
  const header = decodeBlockHeader(work.header);
  const cache = createTensorityCache(work.seed);
  for (let nonce = from; ; nonce++) {
    if (checkProofOfWork(tensorityWithCache(cache, blockId({ ...header, nonce })), work.bits) === passing) return nonce;
  }
}

describe('GetWork / SubmitWork', () => {
  let nats: TestServer;
  let chain: ChainDouble;
  let mempool: MempoolDouble;
  let m: RunningMiner;

  before(async () => {
    nats = await startNats();
    mempool = new MempoolDouble();
    await mempool.start();
    chain = await startChainDouble({ params, genesis, natsUrl: nats.url, nodeId: 'w0' });
    m = await startMiner({
      BYSTACK_NODE_ID: 'w0',
      BYSTACK_NATS_URL: nats.url,
      BYSTACK_VALIDATOR_ADDR: chain.address,
      BYSTACK_MEMPOOL_ADDR: mempool.address,
      BYSTACK_MINER_THREADS: '0',
      BYSTACK_MINER_REFRESH: '10m', // the same work while the tip stays
    });
  });
  after(async () => {
    await m?.stop();
    await chain?.stop();
    await mempool?.stop();
    await nats?.stop();
  });

  it('hands out work that an outside search completes into an accepted block', async () => {
    const work = await m.client.getWork(main);
    assert.equal(work.height, chain.height + 1n);
    const header = decodeBlockHeader(work.header);
    assert.equal(header.nonce, 0n);
    assert.equal(header.bits, work.bits);
    assert.equal(hex(header.previousBlockId), hex(chain.tip.id));
    const nonce = searchNonce(work, true);
    const res = await m.client.submitWork({ workId: work.workId, nonce });
    assert.equal(res.ref?.height, work.height);
    assert.equal(hex(res.ref!.blockId), hex(blockId({ ...header, nonce })));
    assert.equal(chain.height, work.height);
    assert.equal(hex(chain.tip.id), hex(res.ref!.blockId));
    assert.equal(chain.submissions.at(-1)?.outcome, 'connected');
    const coinbase = chain.tip.block.transactions[0]!;
    assert.equal(hex(coinbase.outputs[0]!.controlProgram), hex(devnetKey('miner', 0).program));

    const status = await m.client.getMinerStatus(main);
    assert.equal(status.threads, 0);
    assert.equal(status.mining, false);
    assert.equal(status.blocksFound, 1n);
  });

  it('gives work on the new tip after a block, and the same work while the tip stays', async () => {
    await m.until(() => m.service.modules.miner.template?.height === chain.height + 1n, 'a template on the new tip');
    const a = await m.client.getWork(main);
    const b = await m.client.getWork(main);
    assert.equal(a.height, chain.height + 1n);
    assert.equal(a.workId, b.workId);
  });

  it('refuses a nonce whose hash is above the target with BAD_POW', async () => {
    const work = await m.client.getWork(main);
    const nonce = searchNonce(work, false);
    const err = await rejection(m.client.submitWork({ workId: work.workId, nonce }));
    assert.equal(err.code, 'BAD_POW');
    assert.equal(err.grpcStatus, statusOfCode('INVALID_ARGUMENT'));
    assert.equal(chain.submissions.filter((s) => s.block.header.height === work.height).length, 0);
  });

  it('refuses an unknown work id with UNKNOWN_WORK and an oversized nonce with BAD_NONCE', async () => {
    const unknown = await rejection(m.client.submitWork({ workId: 'no-such-work', nonce: 1n }));
    assert.equal(unknown.code, 'UNKNOWN_WORK');
    assert.equal(unknown.grpcStatus, statusOfCode('NOT_FOUND'));
    const work = await m.client.getWork(main);
    const big = await rejection(m.client.submitWork({ workId: work.workId, nonce: 1n << 63n }));
    assert.equal(big.code, 'BAD_NONCE');
  });

  it('refuses work whose parent is no longer the tip with STALE_WORK', async () => {
    const work = await m.client.getWork(main);
    const nonce = searchNonce(work, true);
    await chain.append(trustedBlock(params, chain.tip.block.header)); // someone else's block
    const err = await rejection(m.client.submitWork({ workId: work.workId, nonce }));
    assert.equal(err.code, 'STALE_WORK');
    assert.equal(err.grpcStatus, statusOfCode('FAILED_PRECONDITION'));
    assert.equal(err.fields.tipHeight, String(chain.height));
    const fresh = await m.client.getWork(main);
    assert.equal(fresh.height, chain.height + 1n);
  });

  it('refuses a request for another chain with UNKNOWN_CHAIN', async () => {
    const err = await rejection(m.client.getWork({ chain: { chainId: 'side-1' } }));
    assert.equal(err.code, 'UNKNOWN_CHAIN');
  });
});
