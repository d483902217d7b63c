// Generates test/chain/vectors/frozen.json: serializations and every id of a fixed set of main-chain
// and side-chain transactions and blocks (seeded random ones, suffixes and all input/output types
// included). It was run ONCE and its output committed; frozen.test.ts checks the code against it.
//
// CHANGING frozen.json IS A CONSENSUS CHANGE: any difference means nodes running the old and the
// new code would disagree on bytes or ids. Do not regenerate it to make a test pass.
//
//   node packages/protocol/test/chain/gen-frozen.ts   (writes the file only if it does not exist)
import { existsSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  blockId,
  createTxEntries,
  encodeBlock,
  encodeTx,
  type TxEntries,
  txId,
  txMerkleRoot,
  txStatusMerkleRoot,
} from '../../src/chain/index.ts';
import {
  createSideTxEntries,
  encodeSideBlock,
  encodeSideTx,
  sideBlockId,
  sideTxId,
} from '../../src/sidechain/index.ts';
import { sideBlockArb, sideTxArb } from '../sidechain/arbitraries.ts';
import { blockArb, txArb } from './arbitraries.ts';
import { hex } from './builders.ts';

const target = new URL('./vectors/frozen.json', import.meta.url);
if (existsSync(target)) {
  console.error(`${target.pathname} exists: frozen vectors are never regenerated (consensus change).`);
  process.exit(1);
}

const SEED = 20240611;
const maybeHex = (b: Uint8Array | undefined) => (b === undefined ? null : hex(b));
const entriesJson = (e: TxEntries) => ({
  txId: hex(e.txId),
  muxId: hex(e.muxId),
  inputIds: e.inputIds.map(hex),
  spentOutputIds: e.spentOutputIds.map(maybeHex),
  outputIds: e.outputIds.map(hex),
  sigHashes: e.sigHashes.map(hex),
});

const txs = fc.sample(txArb(), { seed: SEED, numRuns: 16 }).map((tx) => ({
  hex: hex(encodeTx(tx)),
  ...entriesJson(createTxEntries(tx)),
}));

const blocks = fc.sample(blockArb(), { seed: SEED + 1, numRuns: 4 }).map((block) => ({
  hex: hex(encodeBlock(block)),
  blockId: hex(blockId(block.header)),
  txMerkleRoot: hex(txMerkleRoot(block.transactions.map(txId))),
  txStatusMerkleRoot: hex(txStatusMerkleRoot(block.transactions.map((_, i) => i % 2 === 1))),
}));

const sideTxs = fc.sample(sideTxArb(), { seed: SEED + 2, numRuns: 16 }).map((tx) => {
  const entries = createSideTxEntries(tx);
  return {
    hex: hex(encodeSideTx(tx)),
    ...entriesJson(entries),
    mainchainOutputIds: entries.mainchainOutputIds.map(maybeHex),
  };
});

const sideBlocks = fc.sample(sideBlockArb(), { seed: SEED + 3, numRuns: 4 }).map((block) => ({
  hex: hex(encodeSideBlock(block)),
  blockId: hex(sideBlockId(block.header)),
  txMerkleRoot: hex(txMerkleRoot(block.transactions.map(sideTxId))),
}));

const frozen = {
  comment: 'Frozen codec and id vectors (generated once by gen-frozen.ts). Changing this file is a consensus change.',
  txs,
  blocks,
  sideTxs,
  sideBlocks,
};
writeFileSync(target, `${JSON.stringify(frozen, null, 1)}\n`);
console.log(`wrote ${target.pathname}`);
