// PSWV throughput on 5,000 signed single-input P2WPKH transfers, as one block and as a window of
// 5 blocks of 1,000:
//   - the ceiling: raw Ed25519 verification of the same signatures, one thread and the pool;
//   - stage 1 (decode + entries + stateless checks + signature verification): one thread with
//     node:crypto; the pool, block by block; the pool overlapped with the next block's checks, as
//     a window allows; and stage 1 without signatures (the hashing and VM share);
//   - stage 2: connectBlock against an in-memory UTXO view (and the window through an overlay).
// Run: node packages/protocol/bench/validation.bench.ts
import { availableParallelism } from 'node:os';
import { measure, ratio, report } from '@bystack/testing';
import { BTM_ASSET_ID, blockId, decodeBlock, encodeBlock } from '../src/chain/index.ts';
import type { Block } from '../src/chain/types.ts';
import {
  createSignatureVerifier,
  createSignatureVerifierPool,
  type Ed25519SignatureSet,
  ed25519Verify,
  type SignatureVerifier,
} from '../src/keys/index.ts';
import {
  type BlockValidationContext,
  connectBlock,
  createTxCheckPool,
  createUtxoOverlay,
  mainTxRules,
  validateBlockStateless,
  verifySignatureSets,
} from '../src/validation/index.ts';
import { vmSignatureSetPairs } from '../src/vm/index.ts';
import {
  blockContext,
  createTestKey,
  fundedView,
  fundingOutput,
  makeBlock,
  output,
  PARENT,
  params,
  type TestParent,
  transfer,
} from '../test/validation/fixtures.ts';

const TXS = 5000;
const WINDOW = 5;
const MIN_MS = 2000;

const keys = Array.from({ length: 16 }, (_, i) => createTestKey(i + 1));
const recipient = createTestKey(100);
const funds = Array.from({ length: TXS }, (_, i) => fundingOutput(keys[i % keys.length]!, 1_000_000_000n, i));
const start = performance.now();
const transfers = funds.map((f) => transfer([f], [output(BTM_ASSET_ID, f.amount - 10_000_000n, recipient.program)]));
report('setup: sign 5,000 transfers (chainkd, noble)', performance.now() - start, 'ms');

type Encoded = { readonly bytes: Uint8Array; readonly ctx: BlockValidationContext; readonly block: Block };

function chain(perBlock: number): Encoded[] {
  const out: Encoded[] = [];
  let parent: TestParent = PARENT;
  for (let i = 0; i < TXS; i += perBlock) {
    const block = makeBlock(transfers.slice(i, i + perBlock), { parent });
    out.push({ bytes: encodeBlock(block), ctx: blockContext(parent), block });
    parent = { id: blockId(block.header), height: block.header.height, timestamp: block.header.timestamp };
  }
  return out;
}

const one = chain(TXS);
const window = chain(TXS / WINDOW);
report('block', one[0]!.bytes.length / 1024, 'KiB', `${TXS} transfers + coinbase`);

const stage1 = (e: Encoded) => validateBlockStateless(decodeBlock(e.bytes), e.ctx);
const { signatureSets } = stage1(one[0]!);
const pairs: Ed25519SignatureSet[] = signatureSets.flatMap((s) => vmSignatureSetPairs(s.set));
if (pairs.length !== TXS) throw new Error(`expected ${TXS} signatures, got ${pairs.length}`);

async function txRate(name: string, run: () => unknown): Promise<number> {
  return (await measure(name, run, MIN_MS)).opsPerSec * TXS;
}

// The ceiling.
const rawRate = await txRate('raw', () => {
  for (const p of pairs) if (!ed25519Verify(p.publicKey, p.message, p.signature)) throw new Error('bad signature');
});
report('raw Ed25519 verify, one thread', rawRate, 'verify/s');
const workers = availableParallelism();
const pool = createSignatureVerifierPool({ workers });
const rawPoolRate = await txRate('raw pool', () => pool.verifyAll(pairs));
report(`raw Ed25519 verify, pool of ${workers}`, rawPoolRate, 'verify/s');

// Stage 1.
const noSigsRate = await txRate('no signatures', () => stage1(one[0]!));
report('stage 1 without signatures (decode, entries, checks, VM)', noSigsRate, 'tx/s');
// The same with the transactions' checks in slices on a TxCheckPool (this thread decodes, unpacks, folds).
const txCheckPool = createTxCheckPool({ workers });
const pooledStage1 = async (e: Encoded) => {
  const block = decodeBlock(e.bytes);
  const txChecks = await txCheckPool.checkBlockTxs({
    chain: 'main',
    rules: mainTxRules(params),
    blockHeight: block.header.height,
    blockBytes: e.bytes,
    txSizes: block.transactions.map((t) => t.serializedSize ?? 0),
  });
  return validateBlockStateless(block, { ...e.ctx, txChecks });
};
const pooledNoSigsRate = await txRate('no signatures, pooled checks', () => pooledStage1(one[0]!));
report(
  `stage 1 without signatures, tx checks on a pool of ${workers}`,
  pooledNoSigsRate,
  'tx/s',
  `${ratio(pooledNoSigsRate, noSigsRate)} of one thread`,
);
await txCheckPool.close();

async function blockByBlock(blocks: readonly Encoded[], verifier: SignatureVerifier): Promise<void> {
  for (const e of blocks) await verifySignatureSets(verifier, stage1(e).signatureSets);
}

// The next block's checks run while the pool verifies the previous blocks' signatures.
async function overlapped(blocks: readonly Encoded[], verifier: SignatureVerifier): Promise<void> {
  const pending: Promise<void>[] = [];
  for (const e of blocks) {
    pending.push(verifySignatureSets(verifier, stage1(e).signatureSets));
    await new Promise(setImmediate); // let the pool's messages through
  }
  await Promise.all(pending);
}

const single = createSignatureVerifier();
const oneThreadRate = await txRate('one thread', () => blockByBlock(one, single));
report('stage 1, one thread (node:crypto)', oneThreadRate, 'tx/s', `${ratio(oneThreadRate, rawRate)} of raw verify`);
const pooledRate = await txRate('pool', () => blockByBlock(one, pool));
report(`stage 1, pool of ${workers}, one block`, pooledRate, 'tx/s', `${ratio(pooledRate, rawRate)} of raw verify`);
const windowRate = await txRate('window', () => overlapped(window, pool));
report(
  `stage 1, pool of ${workers}, window of ${WINDOW} blocks overlapped`,
  windowRate,
  'tx/s',
  `${ratio(windowRate, rawRate)} of raw one-thread verify, ${ratio(windowRate, oneThreadRate)} of one-thread stage 1`,
);
await pool.close();

// Stage 2.
const view = fundedView(funds);
const oneEntries = stage1(one[0]!).entries;
const connectRate = await txRate('connect', () => connectBlock(view, one[0]!.block, oneEntries, params));
report('stage 2 connectBlock, in-memory view', connectRate, 'tx/s', `${ratio(connectRate, rawRate)} of raw verify`);
const windowEntries = window.map((e) => stage1(e).entries);
const windowConnectRate = await txRate('connect window', () => {
  const overlay = createUtxoOverlay(view);
  window.forEach((e, i) => {
    overlay.apply(connectBlock(overlay, e.block, windowEntries[i]!, params));
  });
});
report(`stage 2, window of ${WINDOW} blocks through an overlay`, windowConnectRate, 'tx/s');
