// Frozen vectors (vectors/frozen.json, generated once by gen-frozen.ts): bytes and every id of
// main-chain and side-chain transactions and blocks must never change. A failure here means a
// consensus change, not a stale vector.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  blockId,
  createTxEntries,
  decodeBlock,
  decodeTx,
  encodeBlock,
  encodeTx,
  type TxEntries,
  txId,
  txMerkleRoot,
  txStatusMerkleRoot,
} from '../../src/chain/index.ts';
import {
  createSideTxEntries,
  decodeSideBlock,
  decodeSideTx,
  encodeSideBlock,
  encodeSideTx,
  sideBlockId,
  sideTxId,
} from '../../src/sidechain/index.ts';
import { hex, unhex } from './builders.ts';

type Ids = {
  hex: string;
  txId: string;
  muxId: string;
  inputIds: string[];
  spentOutputIds: (string | null)[];
  outputIds: string[];
  sigHashes: string[];
};
type Frozen = {
  txs: Ids[];
  blocks: { hex: string; blockId: string; txMerkleRoot: string; txStatusMerkleRoot: string }[];
  sideTxs: (Ids & { mainchainOutputIds: (string | null)[] })[];
  sideBlocks: { hex: string; blockId: string; txMerkleRoot: string }[];
};

const frozen = JSON.parse(readFileSync(new URL('./vectors/frozen.json', import.meta.url), 'utf8')) as Frozen;
const maybeHex = (b: Uint8Array | undefined) => (b === undefined ? null : hex(b));

function checkEntries(e: TxEntries, v: Ids): void {
  assert.equal(hex(e.txId), v.txId);
  assert.equal(hex(e.muxId), v.muxId);
  assert.deepEqual(e.inputIds.map(hex), v.inputIds);
  assert.deepEqual(e.spentOutputIds.map(maybeHex), v.spentOutputIds);
  assert.deepEqual(e.outputIds.map(hex), v.outputIds);
  assert.deepEqual(e.sigHashes.map(hex), v.sigHashes);
}

test('frozen main-chain transactions', () => {
  for (const v of frozen.txs) {
    const tx = decodeTx(unhex(v.hex));
    assert.equal(hex(encodeTx(tx)), v.hex);
    checkEntries(createTxEntries(tx), v);
  }
});

test('frozen main-chain blocks', () => {
  for (const v of frozen.blocks) {
    const block = decodeBlock(unhex(v.hex));
    assert.equal(hex(encodeBlock(block)), v.hex);
    assert.equal(hex(blockId(block.header)), v.blockId);
    assert.equal(hex(txMerkleRoot(block.transactions.map(txId))), v.txMerkleRoot);
    assert.equal(hex(txStatusMerkleRoot(block.transactions.map((_, i) => i % 2 === 1))), v.txStatusMerkleRoot);
  }
});

test('frozen side-chain transactions', () => {
  for (const v of frozen.sideTxs) {
    const tx = decodeSideTx(unhex(v.hex));
    assert.equal(hex(encodeSideTx(tx)), v.hex);
    const entries = createSideTxEntries(tx);
    checkEntries(entries, v);
    assert.deepEqual(entries.mainchainOutputIds.map(maybeHex), v.mainchainOutputIds);
  }
});

test('frozen side-chain blocks', () => {
  for (const v of frozen.sideBlocks) {
    const block = decodeSideBlock(unhex(v.hex));
    assert.equal(hex(encodeSideBlock(block)), v.hex);
    assert.equal(hex(sideBlockId(block.header)), v.blockId);
    assert.equal(hex(txMerkleRoot(block.transactions.map(sideTxId))), v.txMerkleRoot);
  }
});
