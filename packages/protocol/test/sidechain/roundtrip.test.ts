// Property tests: every valid side-chain object encodes, decodes back to itself (plus the
// decoder's serializedSize), and keeps its ids across the round trip.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  createSideTxEntries,
  decodeSideBlock,
  decodeSideBlockHeader,
  decodeSideTx,
  encodeSideBlock,
  encodeSideBlockHeader,
  encodeSideTx,
  type SideTx,
  sideBlockId,
  sideTxId,
} from '../../src/sidechain/index.ts';
import { sideBlockArb, sideBlockHeaderArb, sideTxArb } from './arbitraries.ts';

const sized = (tx: SideTx): SideTx => ({ ...tx, serializedSize: encodeSideTx(tx).length });

test('side tx: decode(encode(tx)) = tx, encode(decode(bytes)) = bytes, ids stable', () => {
  fc.assert(
    fc.property(sideTxArb(), (tx) => {
      const bytes = encodeSideTx(tx);
      const decoded = decodeSideTx(bytes);
      assert.deepEqual(decoded, { ...tx, serializedSize: bytes.length });
      assert.deepEqual(encodeSideTx(decoded), bytes);
      const entries = createSideTxEntries(decoded);
      assert.deepEqual(entries.txId, sideTxId(tx));
      assert.equal(entries.mainchainOutputIds.length, tx.inputs.length);
    }),
    { numRuns: 300 },
  );
});

test('side block: decode(encode(block)) = block, ids stable', () => {
  fc.assert(
    fc.property(sideBlockArb(), (block) => {
      const bytes = encodeSideBlock(block);
      const decoded = decodeSideBlock(bytes);
      assert.deepEqual(decoded, { header: block.header, transactions: block.transactions.map(sized) });
      assert.deepEqual(encodeSideBlock(decoded), bytes);
      assert.deepEqual(sideBlockId(decoded.header), sideBlockId(block.header));
    }),
    { numRuns: 100 },
  );
});

test('side block header alone round-trips', () => {
  fc.assert(
    fc.property(sideBlockHeaderArb(), (header) => {
      assert.deepEqual(decodeSideBlockHeader(encodeSideBlockHeader(header)), header);
    }),
    { numRuns: 200 },
  );
});
