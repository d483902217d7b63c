// ReapTxs' one-pass encoder writes the generated encoder's bytes, whatever the answer holds.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { mempoolV1 } from '@bystack/proto';
import { encodeReapTxsResponse } from '../src/reap-encoding.ts';

function answer(sizes: readonly number[], opts: Partial<mempoolV1.ReapTxsResponse> = {}): mempoolV1.ReapTxsResponse {
  return {
    txs: sizes.map((n) => ({ bytes: randomBytes(n) })),
    totalFee: 123_456_789n,
    totalGas: 70_000n,
    tip: { blockId: randomBytes(32), height: 1234n },
    txIds: sizes.map(() => randomBytes(32)),
    ...opts,
  };
}

describe('encodeReapTxsResponse', () => {
  const cases: [string, mempoolV1.ReapTxsResponse][] = [
    ['nothing reaped, no tip', answer([], { totalFee: 0n, totalGas: 0n, tip: undefined })],
    ['a block of transfers', answer(Array.from({ length: 300 }, (_, i) => 250 + (i % 7)))],
    ['lengths around the varint steps', answer([0, 1, 127, 128, 16_383, 16_384, 300_000])],
    ['no ids (an older pool)', answer([200, 300], { txIds: [] })],
    ['a fee past 2^53', answer([100], { totalFee: 2n ** 63n + 5n })],
  ];
  for (const [name, res] of cases) {
    test(`writes the generated encoder's bytes: ${name}`, () => {
      const generated = Buffer.from(mempoolV1.ReapTxsResponse.encode(res).finish());
      const written = encodeReapTxsResponse(res);
      assert.ok(written.equals(generated));
      assert.deepEqual(mempoolV1.ReapTxsResponse.decode(written), mempoolV1.ReapTxsResponse.decode(generated));
    });
  }
});
