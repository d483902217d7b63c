// Slow: many more arbitrary keys, R and S through both verification paths.
import { test } from 'node:test';
import fc from 'fast-check';
import { bothVerify, messageArb, pointBytesArb, rawSignature } from './ed25519-fixtures.ts';

test('hostile: arbitrary keys, R and S give the same verdict on both paths (20000 runs)', () => {
  fc.assert(
    fc.property(
      pointBytesArb,
      pointBytesArb,
      fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
      messageArb,
      (a, r, s, m) => {
        bothVerify(a, m, rawSignature(r, s));
      },
    ),
    { numRuns: 20000 },
  );
});
