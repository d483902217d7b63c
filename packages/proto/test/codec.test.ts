import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chainV1, mempoolV1 } from '@bystack/proto';

test('generated messages round-trip through their wire encoding', () => {
  const request: mempoolV1.SubmitTxBatchRequest = {
    chain: { chainId: 'side-1' },
    txs: [{ bytes: Buffer.from([7, 1, 0]) }, { bytes: Buffer.alloc(0) }],
  };
  const bytes = mempoolV1.SubmitTxBatchRequest.encode(request).finish();
  assert.deepEqual(mempoolV1.SubmitTxBatchRequest.decode(bytes), request);
});

test('uint64 fields are bigint, so heights above 2^53 survive', () => {
  const ref: chainV1.BlockRef = { blockId: Buffer.alloc(32, 1), height: 2n ** 60n + 1n };
  const decoded = chainV1.BlockRef.decode(chainV1.BlockRef.encode(ref).finish());
  assert.equal(decoded.height, 2n ** 60n + 1n);
});

test('the services carry their full method paths for grpc-js', () => {
  assert.equal(mempoolV1.MempoolServiceService.submitTx.path, '/bystack.mempool.v1.MempoolService/SubmitTx');
  assert.equal(chainV1.ChainServiceService.watchBlocks.responseStream, true);
});
