// Property tests of the header/body splicing (chain/block-bytes.ts) on side blocks: a block with a
// new header over the kept transaction bytes is the block encoded whole, and a block's bytes are
// recognized (header decoded alone) only when their transactions are those bytes exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bodyOf, headerBefore, withHeader } from '../../src/chain/block-bytes.ts';
import {
  decodeSideBlock,
  decodeSideBlockHeader,
  encodeSideBlock,
  encodeSideBlockHeader,
} from '../../src/sidechain/index.ts';
import { sideBlockArb, sideBlockHeaderArb } from './arbitraries.ts';

const codec = { encodeHeader: encodeSideBlockHeader, decodeHeader: decodeSideBlockHeader };

test('withHeader(header, bodyOf(bytes)) = the block with that header, encoded whole', () => {
  fc.assert(
    fc.property(sideBlockArb(), sideBlockHeaderArb(), (block, header) => {
      const bytes = encodeSideBlock(block);
      const spliced = withHeader(codec, header, bodyOf(codec, bytes, block.header));
      assert.deepEqual(spliced, encodeSideBlock({ ...block, header }));
    }),
    { numRuns: 200 },
  );
});

test('headerBefore: the header of a block with the same transactions; undefined otherwise', () => {
  fc.assert(
    fc.property(sideBlockArb(), sideBlockArb(), sideBlockHeaderArb(), (block, other, header) => {
      const body = bodyOf(codec, encodeSideBlock(block), block.header);
      const same = encodeSideBlock({ ...block, header });
      assert.deepEqual(headerBefore(codec, same, body), decodeSideBlock(same).header);
      const otherBytes = encodeSideBlock(other);
      const found = headerBefore(codec, otherBytes, body);
      // Another block is recognized only if its transactions' bytes are the same.
      if (found !== undefined)
        assert.deepEqual(decodeSideBlock(otherBytes), { ...decodeSideBlock(same), header: found });
      // A header alone (flags 0x01) or a cut block is not a block.
      assert.equal(headerBefore(codec, encodeSideBlockHeader(header), body), undefined);
      assert.equal(headerBefore(codec, same.subarray(0, same.length - 1), body), undefined);
    }),
    { numRuns: 200 },
  );
});
