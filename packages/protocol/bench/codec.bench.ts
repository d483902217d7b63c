// Codec benchmark: a main-chain block of 5,000 ordinary transfers (2 spends of P2WPKH outputs with
// [signature, public key] witnesses, 2 P2WPKH outputs). Measures decode and encode throughput
// (MB/s), tx ids and full entry graphs per second, against raw SHA3 measured in the same run.

import { measure, ratio, report } from '@bystack/testing';
import {
  type Block,
  BTM_ASSET_ID,
  createTxEntries,
  decodeBlock,
  encodeBlock,
  type Tx,
  txId,
} from '../src/chain/index.ts';
import { sha3 } from '../src/hash/sha3.ts';

const TX_COUNT = 5_000;

function filled(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (seed * 131 + i * 31) & 0xff;
  return out;
}

const p2wpkh = (seed: number) => new Uint8Array([0x00, 0x14, ...filled(20, seed)]);

function transfer(i: number): Tx {
  const spend = (k: number) => ({
    type: 'spend' as const,
    sourceId: filled(32, i * 2 + k),
    assetId: BTM_ASSET_ID,
    amount: 1_000_000_000n + BigInt(i),
    sourcePosition: BigInt(k),
    controlProgram: p2wpkh(i + k),
    arguments: [filled(64, i + 7), filled(32, i + 9)],
  });
  return {
    version: 1n,
    timeRange: 0n,
    inputs: [spend(0), spend(1)],
    outputs: [
      { assetId: BTM_ASSET_ID, amount: 1_500_000_000n, controlProgram: p2wpkh(i + 100) },
      { assetId: BTM_ASSET_ID, amount: 499_000_000n + BigInt(i), controlProgram: p2wpkh(i + 200) },
    ],
  };
}

const block: Block = {
  header: {
    version: 1n,
    height: 123_456n,
    previousBlockId: filled(32, 1),
    timestamp: 1_700_000_000n,
    transactionsMerkleRoot: filled(32, 2),
    transactionStatusHash: filled(32, 3),
    nonce: 987_654_321n,
    bits: 2161727821137910632n,
  },
  transactions: Array.from({ length: TX_COUNT }, (_, i) => transfer(i)),
};

const bytes = encodeBlock(block);
const decoded = decodeBlock(bytes);
const mb = bytes.length / 1e6;
console.log(`block: ${TX_COUNT} transfer txs, ${bytes.length} bytes (${(bytes.length / TX_COUNT).toFixed(0)} B/tx)`);

// The machine is shared: each figure is the best of three rounds, the rounds interleaved so that
// a load spike hits the codec and its SHA3 baseline alike.
const small = filled(64, 5);
const cases = {
  decode: () => decodeBlock(bytes),
  encode: () => encodeBlock(decoded),
  ids: () => decoded.transactions.forEach(txId),
  entries: () => decoded.transactions.forEach(createTxEntries),
  sha3Bulk: () => sha3(bytes),
  sha3Small: () => {
    for (let i = 0; i < TX_COUNT; i++) sha3(small);
  },
};
const best: Record<keyof typeof cases, number> = {
  decode: 0,
  encode: 0,
  ids: 0,
  entries: 0,
  sha3Bulk: 0,
  sha3Small: 0,
};
for (let round = 0; round < 3; round++) {
  for (const [name, fn] of Object.entries(cases) as [keyof typeof cases, () => unknown][]) {
    best[name] = Math.max(best[name], (await measure(name, fn, 700)).opsPerSec);
  }
}
const decodeMBs = best.decode * mb;
const encodeMBs = best.encode * mb;
const sha3MBs = best.sha3Bulk * mb;
const txIdsPerSec = best.ids * TX_COUNT;
const entriesPerSec = best.entries * TX_COUNT;
const sha3SmallPerSec = best.sha3Small * TX_COUNT;
// A 2-in 2-out transfer's tx id takes 2 x (output1 + spend1) + mux1 + 2 x output1 + txheader =
// 8 entries of 2 SHA3 each; its full graph adds one signature hash per input.
const HASHES_PER_TX_ID = 16;

report('decode', decodeMBs, 'MB/s', `${(best.decode * TX_COUNT).toFixed(0)} tx/s`);
report('encode', encodeMBs, 'MB/s', `${(best.encode * TX_COUNT).toFixed(0)} tx/s`);
report('encode vs decode', encodeMBs / decodeMBs, 'x', ratio(encodeMBs, decodeMBs));
report('sha3 baseline (bulk)', sha3MBs, 'MB/s');
report('decode vs bulk sha3', decodeMBs / sha3MBs, 'x', ratio(decodeMBs, sha3MBs));
report('tx ids', txIdsPerSec, 'tx/s');
report('entry graphs (ids + sighashes)', entriesPerSec, 'tx/s');
report('sha3 baseline (64 B inputs)', sha3SmallPerSec, 'hash/s');
report(
  'tx id cost in sha3(64 B) calls',
  sha3SmallPerSec / txIdsPerSec,
  'hashes',
  `a transfer's id makes ${HASHES_PER_TX_ID} sha3 calls: near ${HASHES_PER_TX_ID} means hashing is the whole cost`,
);
