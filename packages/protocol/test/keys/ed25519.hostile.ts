// Slow: many more arbitrary keys, R and S through both verification paths.
import { test } from 'node:test';
import fc from 'fast-check';
import { allPathsVerify, messageArb, pointBytesArb, rawSignature } from './ed25519-fixtures.ts';

test('hostile: arbitrary keys, R and S give the same verdict on every path (20000 runs)', () => {
  fc.assert(
    fc.property(
      pointBytesArb,
      pointBytesArb,
      fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
      messageArb,
      (a, r, s, m) => {
        allPathsVerify(a, m, rawSignature(r, s));
      },
    ),
    { numRuns: 20000 },
  );
});
