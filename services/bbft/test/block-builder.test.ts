// What a producer adds to the protocol's block assembly: the coinbase's gas (none: the whole block
// gas cap is for the mempool's transactions) and reaped transactions decoded, the undecodable counted
// and dropped with their ids; a block built from the mempool's ids and wire bytes is the block (and
// the bytes) computed from the transactions alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assembleSideBlock,
  createDevnetPegIn,
  createSideCoinbase,
  devnetControlProgram,
  devnetProducerXPrv,
  encodeSideBlock,
  encodeSideTx,
  sha3,
  sideDevnetParams,
  sideTxId,
  xprvToXPub,
} from '@bystack/protocol';
import { coinbaseGas, decodeReaped } from '../src/block-builder.ts';
import { encodeBlock, keepTxBytes } from '../src/block-bytes.ts';
import { toHex } from '../src/bytes.ts';

const program = devnetControlProgram(xprvToXPub(devnetProducerXPrv(1)));

describe('block building', () => {
  it('the coinbase pays no gas', () => {
    const cb = createSideCoinbase(7n, program, [{ controlProgram: program, amount: 5n }]);
    assert.equal(coinbaseGas(sideDevnetParams, cb, 7n), 0);
  });

  const txs = [1, 2].map((n) =>
    createDevnetPegIn({
      sourceId: sha3(new Uint8Array([n])),
      amount: 1_000_000_000n,
      fee: 10_000_000n,
      controlProgram: program,
    }),
  );
  const garbage = new Uint8Array([1, 2, 3]);

  it('decodes reaped transactions and counts the undecodable', () => {
    const { txs: decoded, undecodable, ids } = decodeReaped([...txs.map(encodeSideTx), garbage]);
    assert.equal(undecodable, 1);
    assert.equal(ids, undefined, 'no ids from the mempool: the assembly computes them');
    assert.deepEqual(
      decoded.map((t) => toHex(sideTxId(t))),
      txs.map((t) => toHex(sideTxId(t))),
    );
  });

  it("keeps the mempool's ids and bytes, dropping those of an undecodable tx", () => {
    const ids = [...txs.map(sideTxId), sha3(garbage)];
    const reaped = decodeReaped([encodeSideTx(txs[0]!), garbage, encodeSideTx(txs[1]!)], [ids[0]!, ids[2]!, ids[1]!]);
    assert.equal(reaped.undecodable, 1);
    assert.deepEqual(
      reaped.ids?.map(toHex),
      txs.map((t) => toHex(sideTxId(t))),
    );
    assert.deepEqual(
      reaped.bytes.map(toHex),
      txs.map((t) => toHex(encodeSideTx(t))),
    );
    assert.equal(decodeReaped(txs.map(encodeSideTx), ids.slice(0, 1)).ids, undefined, 'not one per tx: ignored');
  });

  it('a block from the given ids and wire bytes is the block computed from its transactions', () => {
    const draft = {
      parentId: sha3(new Uint8Array([9])),
      height: 7n,
      timestampMs: 1_000n,
      coinbase: createSideCoinbase(7n, program, []),
      txs,
    };
    const computed = assembleSideBlock(draft);
    const reaped = decodeReaped(txs.map(encodeSideTx), txs.map(sideTxId));
    const given = assembleSideBlock({ ...draft, txs: reaped.txs, txIds: reaped.ids });
    assert.deepEqual(given.header, computed.header);
    keepTxBytes(given, [encodeSideTx(draft.coinbase), ...reaped.bytes]);
    assert.equal(toHex(encodeBlock(given)), toHex(encodeSideBlock(computed)));
    // A wrong id is taken as given: the merkle root differs, and the validator refuses the block.
    const wrong = assembleSideBlock({ ...draft, txIds: [sha3(garbage), sideTxId(txs[1]!)] });
    assert.notEqual(toHex(wrong.header.transactionsMerkleRoot), toHex(computed.header.transactionsMerkleRoot));
  });
});
