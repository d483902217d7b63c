// Property tests: every valid main-chain object encodes, decodes back to itself (plus the
// decoder's serializedSize), and keeps its ids across the round trip.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  blockId,
  createTxEntries,
  decodeBlock,
  decodeBlockHeader,
  decodeTx,
  encodeBlock,
  encodeBlockHeader,
  encodeTx,
  type Tx,
  txId,
} from '../../src/chain/index.ts';
import { blockArb, blockHeaderArb, txArb } from './arbitraries.ts';

const sized = (tx: Tx): Tx => ({ ...tx, serializedSize: encodeTx(tx).length });

test('tx: decode(encode(tx)) = tx, encode(decode(bytes)) = bytes, ids stable', () => {
  fc.assert(
    fc.property(txArb(), (tx) => {
      const bytes = encodeTx(tx);
      const decoded = decodeTx(bytes);
      assert.deepEqual(decoded, { ...tx, serializedSize: bytes.length });
      assert.deepEqual(encodeTx(decoded), bytes);
      assert.deepEqual(txId(decoded), txId(tx));
      const entries = createTxEntries(decoded);
      assert.deepEqual(entries.txId, txId(tx));
      assert.equal(entries.sigHashes.length, tx.inputs.length);
      assert.equal(entries.outputIds.length, tx.outputs.length);
    }),
    { numRuns: 300 },
  );
});

test('block: decode(encode(block)) = block, ids stable', () => {
  fc.assert(
    fc.property(blockArb(), (block) => {
      const bytes = encodeBlock(block);
      const decoded = decodeBlock(bytes);
      assert.deepEqual(decoded, { header: block.header, transactions: block.transactions.map(sized) });
      assert.deepEqual(encodeBlock(decoded), bytes);
      assert.deepEqual(blockId(decoded.header), blockId(block.header));
    }),
    { numRuns: 100 },
  );
});

test('block header alone round-trips', () => {
  fc.assert(
    fc.property(blockHeaderArb(), (header) => {
      assert.deepEqual(decodeBlockHeader(encodeBlockHeader(header)), header);
    }),
    { numRuns: 200 },
  );
});
