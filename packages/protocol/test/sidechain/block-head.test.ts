// decodeSideBlockHead reads the header decodeSideBlock reads (also one longer than its first read
// window) and leaves the transactions' bytes; a bad header fails as it fails in decodeSideBlock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bodyOf } from '../../src/chain/block-bytes.ts';
import {
  decodeSideBlock,
  decodeSideBlockHead,
  decodeSideBlockHeader,
  encodeSideBlock,
  encodeSideBlockHeader,
} from '../../src/sidechain/index.ts';
import { sideBlockArb } from './arbitraries.ts';

const codec = { encodeHeader: encodeSideBlockHeader, decodeHeader: decodeSideBlockHeader };

/** Some blocks' headers run past the 2 KB first window (a long witness), some blocks are longer. */
const blockArb = () =>
  fc.tuple(sideBlockArb(), fc.nat({ max: 60 }), fc.nat({ max: 3000 })).map(([block, signatures, padding]) => ({
    ...block,
    header: {
      ...block.header,
      witness: [...block.header.witness, ...Array.from({ length: signatures }, () => new Uint8Array(64).fill(5))],
      witnessSuffix: padding > 2500 ? new Uint8Array(padding).fill(2) : block.header.witnessSuffix,
    },
  }));

test('the header of decodeSideBlock, and the bytes after it', () => {
  fc.assert(
    fc.property(blockArb(), (block) => {
      const bytes = encodeSideBlock(block);
      const head = decodeSideBlockHead(bytes);
      const decoded = decodeSideBlock(bytes);
      assert.deepStrictEqual(head.header, decoded.header);
      assert.deepStrictEqual(head.body, bodyOf(codec, bytes, decoded.header));
    }),
    { numRuns: 300 },
  );
});

test('a bad header fails with the code decodeSideBlock gives', () => {
  fc.assert(
    fc.property(blockArb(), fc.nat(), fc.integer({ min: 0, max: 255 }), (block, at, byte) => {
      const bytes = encodeSideBlock(block);
      const headerLength = bytes.length - bodyOf(codec, bytes, block.header).length;
      const cut = bytes.slice(0, at % headerLength);
      const changed = bytes.slice();
      changed[at % headerLength] = byte;
      for (const bad of [cut, changed]) {
        let expected: unknown;
        try {
          decodeSideBlock(bad);
        } catch (err) {
          expected = err;
        }
        let actual: unknown;
        try {
          decodeSideBlockHead(bad);
        } catch (err) {
          actual = err;
        }
        // A changed header byte may still be a header (and the rest a bad body, for the validator).
        if (actual !== undefined) assert.equal((actual as { code: string }).code, (expected as { code: string }).code);
        else if (bad === cut) assert.fail('a cut header was read');
      }
    }),
    { numRuns: 300 },
  );
  assert.throws(
    () =>
      decodeSideBlockHead(
        encodeSideBlockHeader(decodeSideBlock(encodeSideBlock(fc.sample(sideBlockArb(), 1)[0]!)).header),
      ),
    {
      code: 'BAD_SERFLAGS',
    },
  );
});
