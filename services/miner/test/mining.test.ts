// The miner service on real servers: a ChainService double that validates every submitted block
// with the protocol core (Tensority proof of work included), a MempoolService double, and NATS
// carrying the node's committed events.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  blockSubsidy,
  createMainDevnetGenesis,
  createTxEntries,
  DEVNET_BITS,
  mainDevnetParams,
} from '@bystack/protocol';
import { startNats, type TestServer } from '@bystack/testing';
import { type ChainDouble, startChainDouble } from './support/chain-double.ts';
import { btm, devnetKey, hex, IMPOSSIBLE_BITS, outputsOf, transfer, trustedBlock } from './support/fixtures.ts';
import { MempoolDouble } from './support/mempool-double.ts';
import { type RunningMiner, startMiner } from './support/miner-service.ts';

const params = mainDevnetParams;
const genesis = createMainDevnetGenesis();
const minerProgram = devnetKey('miner', 0).program; // the devnet default, BYSTACK_MINER_DEVNET_KEY=miner/0
const FEE = 20_000_000n;

describe('miner service', () => {
  let nats: TestServer;
  const cleanups: (() => Promise<void> | void)[] = [];

  before(async () => {
    nats = await startNats();
  });
  after(async () => {
    for (const c of cleanups.reverse()) await c();
    await nats.stop();
  });

  async function node(
    nodeId: string,
    preload: (chain: ChainDouble) => Promise<void>,
    sideBranchHeights?: ReadonlySet<bigint>,
  ) {
    const mempool = new MempoolDouble();
    await mempool.start();
    cleanups.push(() => mempool.stop());
    const chain = await startChainDouble({
      params,
      genesis,
      natsUrl: nats.url,
      nodeId,
      onConnected: (block) => mempool.removeConfirmed(block),
      ...(sideBranchHeights ? { sideBranchHeights } : {}),
    });
    cleanups.push(() => chain.stop());
    await preload(chain);
    return { chain, mempool };
  }

  async function miner(nodeId: string, chain: ChainDouble, mempool: MempoolDouble, env: Record<string, string> = {}) {
    const m: RunningMiner = await startMiner({
      BYSTACK_NODE_ID: nodeId,
      BYSTACK_CHAIN: 'main-devnet',
      BYSTACK_NATS_URL: nats.url,
      BYSTACK_VALIDATOR_ADDR: chain.address,
      BYSTACK_MEMPOOL_ADDR: mempool.address,
      ...env,
    });
    cleanups.push(() => m.stop());
    return m;
  }

  it('mines blocks on the devnet bits, with the mempool transactions, and the validator accepts them', async () => {
    const { chain, mempool } = await node('n1', async (c) => {
      for (let i = 0; i < 5; i++) await c.append(trustedBlock(params, c.tip.block.header));
    });
    const [genesisOutput] = outputsOf(genesis.transactions[0]!, devnetKey('faucet', 0));
    const tx = transfer([genesisOutput!], [btm(genesisOutput!.amount - FEE, devnetKey('alice').program)]);
    mempool.setTxs([tx]);

    const m = await miner('n1', chain, mempool);
    await chain.until(() => chain.height >= 8n, 'three mined blocks');
    await m.service.stop();

    const mined = chain.blocks.slice(6).map((b) => b.block);
    assert.ok(mined.length >= 3);
    assert.ok(
      chain.submissions.every((s) => s.outcome === 'connected'),
      JSON.stringify(chain.submissions.map((s) => s.outcome)),
    );
    for (const block of mined) {
      const coinbase = block.transactions[0]!;
      assert.equal(hex(coinbase.outputs[0]!.controlProgram), hex(minerProgram));
      const fees = block.header.height === 6n ? FEE : 0n;
      assert.equal(coinbase.outputs[0]!.amount, blockSubsidy(params, Number(block.header.height)) + fees);
    }
    const first = mined[0]!;
    assert.equal(first.header.height, 6n);
    assert.deepEqual(
      first.transactions.slice(1).map((t) => hex(createTxEntries(t).txId)),
      [hex(createTxEntries(tx).txId)],
    );
    const status = m.service.modules.miner.status();
    assert.equal(status.threads, 1);
    assert.ok(status.blocksFound >= 3n);
    assert.equal(status.blocksAccepted, status.blocksFound);
    assert.equal(status.blocksRejected, 0n);
    assert.ok(status.hashes >= 3n);
  });

  it('abandons the search when a committed event moves the tip, and mines on the new tip only', async () => {
    // Block 1 carries bits no hash meets, so the search at height 2 can only end by abandonment.
    const { chain, mempool } = await node('n2', async (c) => {
      await c.append(trustedBlock(params, c.tip.block.header, { bits: IMPOSSIBLE_BITS }));
    });
    const oldParent = chain.tip.id;
    // No tip polls and no refreshes in this test's time: only the event can move the miner.
    const m = await miner('n2', chain, mempool, { BYSTACK_MINER_TIP_POLL: '10m', BYSTACK_MINER_REFRESH: '10m' });
    const { miner: core } = m.service.modules;
    await m.until(
      () => core.template?.height === 2n && core.status().mining && core.status().hashes >= 1n,
      'searching at height 2',
    );
    const status = await m.client.getMinerStatus({ chain: { chainId: 'main' } });
    assert.equal(status.templateHeight, 2n);
    assert.equal(status.mining, true);

    const newTip = await chain.append(trustedBlock(params, chain.tip.block.header, { bits: DEVNET_BITS }));
    await chain.until(() => chain.height >= 3n, 'a block mined on the new tip');
    await m.service.stop();

    const abandoned = m.records.findIndex((r) => r.msg === 'work abandoned');
    assert.ok(abandoned >= 0, 'the search was abandoned');
    assert.equal(m.records[abandoned]!.parent, hex(oldParent));
    assert.equal(m.records[abandoned]!.tip, hex(newTip.id));
    const rebuilt = m.records.findIndex((r) => r.msg === 'new block template' && r.height === '3');
    assert.ok(rebuilt > abandoned, 'the new template came after the abandonment');
    assert.equal(m.records[rebuilt]!.reason, 'tip');
    assert.ok(chain.submissions.length >= 1);
    for (const s of chain.submissions) {
      assert.equal(hex(s.block.header.previousBlockId), hex(newTip.id), 'nothing submitted on the old parent');
    }
    assert.equal(chain.submissions[0]!.outcome, 'connected');
  });

  it('pauses the search on a parent whose found block the validator filed as a side branch', async () => {
    // As when a block adds no work: the validator keeps its tip, so another nonce would fare no better.
    const { chain, mempool } = await node('n3', async () => {}, new Set([1n]));
    const m = await miner('n3', chain, mempool, { BYSTACK_MINER_REFRESH: '10m' });
    const { miner: core } = m.service.modules;
    await m.until(
      () => m.records.some((r) => r.msg === 'found block did not become the tip; pausing the search on its parent'),
      'the pause',
    );
    await m.until(() => core.template !== undefined && !core.status().mining, 'a template without a search');
    assert.equal(core.template?.height, 1n);
    assert.deepEqual(
      chain.submissions.map((s) => s.outcome),
      ['side_branch'],
    );

    // The tip moves: the search resumes on it.
    const next = await chain.append(trustedBlock(params, chain.tip.block.header));
    await chain.until(() => chain.height >= 2n, 'a block on the new tip');
    await m.service.stop();
    assert.deepEqual(
      chain.submissions.map((s) => [s.block.header.height, s.outcome]),
      [
        [1n, 'side_branch'],
        [2n, 'connected'],
      ],
    );
    assert.equal(hex(chain.tip.block.header.previousBlockId), hex(next.id));
  });
});
