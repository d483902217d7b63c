// The frozen mainnet genesis block (src/config/genesis-mainnet.ts) against Bytom v1.1.1
// `config/genesis.go` (mainNetGenesisBlock) and Bytom's published mainnet genesis id, as recorded
// in Vapor `docs/federation/sql_dump/init_federation_mainnet.sql` (chain 'btm', height 0):
// a75483474799ea1aa6bb910a1a5025b4372bf20bef20f246a2c2dc5e12e8a053.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BTM_ASSET_ID } from '../../src/chain/constants.ts';
import {
  type Block,
  blockId,
  decodeBlock,
  encodeBlock,
  txId,
  txMerkleRoot,
  txStatusMerkleRoot,
} from '../../src/chain/index.ts';
import { MAINNET_GENESIS_BLOCK_BYTES, MAINNET_GENESIS_BLOCK_ID } from '../../src/config/genesis-mainnet.ts';
import { coinbaseInput, hex, txOutput, unhex, utf8 } from './builders.ts';

test('mainnet genesis decodes, re-encodes byte-identically, and its roots match its header', () => {
  const block = decodeBlock(MAINNET_GENESIS_BLOCK_BYTES);
  assert.deepEqual(encodeBlock(block), MAINNET_GENESIS_BLOCK_BYTES);
  assert.deepEqual(txMerkleRoot(block.transactions.map(txId)), block.header.transactionsMerkleRoot);
  assert.deepEqual(txStatusMerkleRoot(block.transactions.map(() => false)), block.header.transactionStatusHash);
});

test("mainnet genesis id is Bytom's", () => {
  const block = decodeBlock(MAINNET_GENESIS_BLOCK_BYTES);
  assert.deepEqual(blockId(block.header), MAINNET_GENESIS_BLOCK_ID);
  assert.equal(hex(MAINNET_GENESIS_BLOCK_ID), 'a75483474799ea1aa6bb910a1a5025b4372bf20bef20f246a2c2dc5e12e8a053');
});

test('mainnet genesis equals the block config/genesis.go builds', () => {
  const tx = {
    version: 1n,
    timeRange: 0n,
    inputs: [coinbaseInput(utf8('Information is power. -- Jan/11/2013. Computing is power. -- Apr/24/2018.'))],
    outputs: [txOutput(BTM_ASSET_ID, 140700041250000000n, unhex('00148c9d063ff74ee6d9ffa88d83aeb038068366c4c4'))],
  };
  const block: Block = {
    header: {
      version: 1n,
      height: 0n,
      previousBlockId: new Uint8Array(32),
      timestamp: 1524549600n,
      transactionsMerkleRoot: txMerkleRoot([txId(tx)]),
      transactionStatusHash: txStatusMerkleRoot([false]),
      nonce: 9253507043297n,
      bits: 2161727821137910632n,
    },
    transactions: [tx],
  };
  assert.deepEqual(encodeBlock(block), MAINNET_GENESIS_BLOCK_BYTES);
});
