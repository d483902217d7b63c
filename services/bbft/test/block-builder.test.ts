// What a producer adds to the protocol's block assembly: the coinbase's gas (none: the whole block
// gas cap is for the mempool's transactions) and reaped transactions decoded, the undecodable counted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createDevnetPegIn,
  createSideCoinbase,
  devnetControlProgram,
  devnetProducerXPrv,
  encodeSideTx,
  sha3,
  sideDevnetParams,
  sideTxId,
  xprvToXPub,
} from '@bystack/protocol';
import { coinbaseGas, decodeReaped } from '../src/block-builder.ts';
import { toHex } from '../src/bytes.ts';

const program = devnetControlProgram(xprvToXPub(devnetProducerXPrv(1)));

describe('block building', () => {
  it('the coinbase pays no gas', () => {
    const cb = createSideCoinbase(7n, program, [{ controlProgram: program, amount: 5n }]);
    assert.equal(coinbaseGas(sideDevnetParams, cb, 7n), 0);
  });

  it('decodes reaped transactions and counts the undecodable', () => {
    const txs = [1, 2].map((n) =>
      createDevnetPegIn({
        sourceId: sha3(new Uint8Array([n])),
        amount: 1_000_000_000n,
        fee: 10_000_000n,
        controlProgram: program,
      }),
    );
    const { txs: decoded, undecodable } = decodeReaped([...txs.map(encodeSideTx), new Uint8Array([1, 2, 3])]);
    assert.equal(undecodable, 1);
    assert.deepEqual(
      decoded.map((t) => toHex(sideTxId(t))),
      txs.map((t) => toHex(sideTxId(t))),
    );
  });
});
