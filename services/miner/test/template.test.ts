// Block templates against the protocol: a template block passes the protocol's stateless block
// validation and connects on its parent's UTXO set; bits, seed, timestamp and the coinbase follow
// the chain; mempool transactions that cannot go in this block are left out with their children.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  type Block,
  blockSubsidy,
  connectBlock,
  createMainDevnetGenesis,
  createSignatureVerifier,
  createTxEntries,
  DEVNET_BITS,
  type MainChainParams,
  mainDevnetParams,
  pastMedianTime,
  validateBlockStateless,
  validateTxStateless,
  verifySignatureSets,
} from '@bystack/protocol';
import { freePort } from '@bystack/testing';
import { createMempoolClient, createValidatorClient, GrpcChain, GrpcTxSource } from '../src/chain-client.ts';
import { TemplateBuilder, templateBlock } from '../src/template.ts';
import type { Template } from '../src/types.ts';
import { type ChainDouble, startChainDouble } from './support/chain-double.ts';
import { btm, devnetKey, hex, outputsOf, transfer, trustedBlock } from './support/fixtures.ts';
import { recordingLogger } from './support/log.ts';
import { MempoolDouble } from './support/mempool-double.ts';

const params = mainDevnetParams;
const genesis = createMainDevnetGenesis();
const faucet = devnetKey('faucet', 0);
const alice = devnetKey('alice');
const bob = devnetKey('bob');
const minerKey = devnetKey('miner');
const FEE = 20_000_000n;

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

type Setup = { chain: ChainDouble; mempool: MempoolDouble; builder: TemplateBuilder; records: { msg: string }[] };

/** A chain of genesis plus `blocks` preloaded blocks, a mempool with `txs`, and a builder on both. */
async function setup(
  preload: (chain: ChainDouble) => Promise<void>,
  txs: readonly Parameters<MempoolDouble['setTxs']>[0][number][] = [],
  builderParams: MainChainParams = params,
): Promise<Setup> {
  const chain = await startChainDouble({ params, genesis });
  cleanups.push(() => chain.stop());
  await preload(chain);
  const mempool = new MempoolDouble();
  await mempool.start();
  cleanups.push(() => mempool.stop());
  mempool.setTxs(txs);
  const validator = createValidatorClient(chain.address, { deadlineMs: 5_000 });
  const mempoolClient = createMempoolClient(mempool.address, { deadlineMs: 5_000 });
  cleanups.push(() => validator.close());
  cleanups.push(() => mempoolClient.close());
  const { log, records } = recordingLogger();
  const builder = new TemplateBuilder(
    { params: builderParams, program: minerKey.program, maxTxs: 100 },
    { chain: new GrpcChain(validator, params.chainId), txs: new GrpcTxSource(mempoolClient, params.chainId), log },
  );
  return { chain, mempool, builder, records };
}

async function preloadBlocks(
  chain: ChainDouble,
  count: number,
  timestamp = (h: bigint) => genesis.header.timestamp + h,
) {
  for (let i = 0; i < count; i++) {
    const parent = chain.tip.block.header;
    await chain.append(trustedBlock(params, parent, { timestamp: timestamp(parent.height + 1n) }));
  }
}

async function buildOnTip(s: Setup): Promise<Template> {
  return s.builder.build({ id: s.chain.tip.id, height: s.chain.height });
}

/** Runs the protocol's stage 1 (proof of work aside) and stage 2 on the template's block. */
async function validateTemplate(chain: ChainDouble, t: Template, p: MainChainParams = params): Promise<Block> {
  const block = templateBlock(t, 0n);
  const { expectedBits, pastTimestamps } = chain.expectations();
  const result = validateBlockStateless(block, {
    params: p,
    parent: { id: chain.tip.id, height: chain.height },
    pastTimestamps,
    expectedBits,
    now: BigInt(Math.floor(Date.now() / 1000)),
    pow: { hash: new Uint8Array(32) }, // the search's business, tested elsewhere
  });
  const verifier = createSignatureVerifier();
  await verifySignatureSets(verifier, result.signatureSets);
  connectBlock(chain.utxos, block, result.entries, p);
  return block;
}

describe('block templates', () => {
  it('builds a block the protocol validates on its parent, leaving out what cannot go in', async () => {
    const [genesisOutput] = outputsOf(genesis.transactions[0]!, faucet);
    const toAlice = transfer([genesisOutput!], [btm(genesisOutput!.amount - FEE, alice.program)]);
    const [aliceOutput] = outputsOf(toAlice, alice);
    const toBob = transfer([aliceOutput!], [btm(aliceOutput!.amount - 2n * FEE, bob.program)]);
    const s = await setup((chain) => preloadBlocks(chain, 5));
    // Expired at the template's height (time range 3 < 6), and a child of it.
    const source = outputsOf(s.chain.blocks[1]!.block.transactions[0]!, devnetKey('preload'))[0]!;
    const expired = transfer([source], [btm(source.amount - FEE, alice.program)], { timeRange: 3n });
    const expiredChild = transfer([outputsOf(expired, alice)[0]!], [btm(source.amount - 2n * FEE, bob.program)]);
    s.mempool.setTxs([toAlice, Uint8Array.of(1, 2, 3), expired, toBob, expiredChild]);

    const t = await buildOnTip(s);
    assert.equal(t.height, 6n);
    assert.equal(hex(t.parent.id), hex(s.chain.tip.id));
    assert.equal(hex(t.header.previousBlockId), hex(s.chain.tip.id));
    const ids = t.transactions.slice(1).map((tx) => hex(createTxEntries(tx).txId));
    assert.deepEqual(
      ids,
      [toAlice, toBob].map((tx) => hex(createTxEntries(tx).txId)),
    );
    assert.equal(t.fees, 3n * FEE);
    const coinbase = t.transactions[0]!;
    assert.equal(coinbase.inputs[0]!.type, 'coinbase');
    assert.equal(coinbase.outputs.length, 1);
    assert.equal(coinbase.outputs[0]!.amount, blockSubsidy(params, 6) + 3n * FEE);
    assert.equal(hex(coinbase.outputs[0]!.controlProgram), hex(minerKey.program));
    assert.equal(s.builder.lastStats.dropped, 3);
    // The coinbase uses no gas: the mempool is asked for the whole block's gas.
    assert.deepEqual(s.mempool.requests, [{ maxGas: BigInt(params.gas.maxBlockGas), maxTxs: 100 }]);

    const { expectedBits, seed, pastTimestamps } = s.chain.expectations();
    assert.equal(t.bits, expectedBits);
    assert.equal(hex(t.seed), hex(seed));
    const now = BigInt(Math.floor(Date.now() / 1000));
    const median = pastMedianTime(pastTimestamps, s.chain.height, params);
    assert.ok(t.header.timestamp > median && t.header.timestamp <= now + 1n);
    await validateTemplate(s.chain, t);
  });

  it('takes the retarget bits and the seed block id from the chain (height 41 on the devnet)', async () => {
    // One second per block: the period from 20 to 40 took 20 s of the 40 s intended, so the target halves.
    const s = await setup((chain) => preloadBlocks(chain, 40));
    const t = await buildOnTip(s);
    assert.equal(t.height, 41n);
    const { expectedBits, seed } = s.chain.expectations();
    assert.equal(t.bits, expectedBits);
    assert.notEqual(t.bits, DEVNET_BITS, 'a retarget happened');
    assert.equal(hex(t.seed), hex(s.chain.blocks[32]!.id), 'seed of heights 33..64 is the id of block 32');
    assert.equal(hex(seed), hex(t.seed));
    await validateTemplate(s.chain, t);
  });

  it('puts the timestamp past the median of the last 11 blocks when the clock is behind it', async () => {
    const ahead = BigInt(Math.floor(Date.now() / 1000)) + 600n;
    const s = await setup((chain) => preloadBlocks(chain, 12, (h) => ahead + h));
    const t = await buildOnTip(s);
    const { pastTimestamps } = s.chain.expectations();
    assert.equal(t.header.timestamp, pastMedianTime(pastTimestamps, s.chain.height, params) + 1n);
    await validateTemplate(s.chain, t);
  });

  it('keeps the block under the gas cap, leaving out the transaction that would exceed it', async () => {
    const [genesisOutput] = outputsOf(genesis.transactions[0]!, faucet);
    const toAlice = transfer([genesisOutput!], [btm(genesisOutput!.amount - FEE, alice.program)]);
    const toBob = transfer([outputsOf(toAlice, alice)[0]!], [btm(genesisOutput!.amount - 2n * FEE, bob.program)]);
    const gas = (tx: typeof toAlice) =>
      validateTxStateless(tx, createTxEntries(tx), { params, blockHeight: 6n, txIndex: 1 }).gasUsed;
    const small: MainChainParams = { ...params, gas: { ...params.gas, maxBlockGas: gas(toAlice) + gas(toBob) - 1 } };
    const s = await setup((chain) => preloadBlocks(chain, 5), [toAlice, toBob], small);
    const t = await buildOnTip(s);
    assert.equal(t.transactions.length, 2);
    assert.equal(t.gasUsed, gas(toAlice));
    assert.equal(t.fees, FEE);
    await validateTemplate(s.chain, t, small);
  });

  it('builds a coinbase-only template when the mempool is unreachable', async () => {
    const chain = await startChainDouble({ params, genesis });
    cleanups.push(() => chain.stop());
    const validator = createValidatorClient(chain.address, { deadlineMs: 5_000 });
    const deadMempool = createMempoolClient(`127.0.0.1:${await freePort()}`, { deadlineMs: 1_000 });
    cleanups.push(() => validator.close());
    cleanups.push(() => deadMempool.close());
    const { log, records } = recordingLogger();
    const builder = new TemplateBuilder(
      { params, program: minerKey.program, maxTxs: 100 },
      { chain: new GrpcChain(validator, 'main'), txs: new GrpcTxSource(deadMempool, 'main'), log },
    );
    const t = await builder.build({ id: chain.tip.id, height: chain.height });
    assert.equal(t.transactions.length, 1);
    assert.equal(t.height, 1n);
    assert.ok(builder.lastStats.reapFailed);
    assert.ok(records.some((r) => r.msg === 'mempool unreachable: template without transactions'));
    await validateTemplate(chain, t);
  });
});
