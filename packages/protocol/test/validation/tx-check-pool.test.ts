// The transaction check pool gives exactly what checking on one thread gives: the same entries,
// results and signature sets, the same first failure, and through validateBlockStateless the same
// verdict. Real worker threads, real crypto.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { BTM_ASSET_ID, decodeBlock, encodeBlock } from '../../src/chain/index.ts';
import type { Block } from '../../src/chain/types.ts';
import {
  type BlockTxsJob,
  ValidationErrorCode as Code,
  createTxCheckPool,
  packTxChecks,
  TxCheckPoolErrorCode,
  type TxChecks,
  unpackTxChecks,
  validateBlockStateless,
} from '../../src/validation/index.ts';
import { mainTxRules } from '../../src/validation/main-tx-facts.ts';
import { checkTxs, mainTxChain } from '../../src/validation/tx-checks.ts';
import {
  blockContext,
  createTestKey,
  fundingOutput,
  hashOf,
  makeBlock,
  output,
  params,
  transfer,
  withCode,
} from './fixtures.ts';

const keys = Array.from({ length: 4 }, (_, i) => createTestKey(i + 1));
const recipient = createTestKey(100);
const TXS = 40;
const funds = Array.from({ length: TXS }, (_, i) => fundingOutput(keys[i % keys.length]!, 1_000_000_000n, i));
const transfers = funds.map((f) => transfer([f], [output(BTM_ASSET_ID, f.amount - 10_000_000n, recipient.program)]));
const rules = mainTxRules(params);

// Slices of 8 transactions: five slices over two workers, so merging in order is exercised.
const pool = createTxCheckPool({ workers: 2, minSlice: 8 });
after(() => pool.close());

/** A main-chain job for `block`; its transactions' sizes from the decoder unless `txSizes` says otherwise. */
function jobFor(block: Block, txSizes?: readonly number[]): BlockTxsJob {
  const bytes = encodeBlock(block);
  return {
    chain: 'main',
    rules,
    blockHeight: block.header.height,
    blockBytes: bytes,
    txSizes: txSizes ?? decodeBlock(bytes).transactions.map((t) => t.serializedSize!),
  };
}

/** The pool's checks of a block, through its encoding. */
const poolChecks = (block: Block): Promise<TxChecks> => pool.checkBlockTxs(jobFor(block));

function inline(block: Block): TxChecks {
  return checkTxs(block.transactions, mainTxChain, { blockHeight: block.header.height, firstIndex: 0, rules });
}

describe('tx check pool', () => {
  it('gives the entries, results and signature sets one thread gives, in block order', async () => {
    const block = makeBlock(transfers);
    const fromPool = await poolChecks(block);
    const here = inline(block);
    assert.equal(fromPool.failure, undefined);
    assert.equal(fromPool.results.length, TXS + 1);
    assert.deepEqual(fromPool.entries, here.entries);
    assert.deepEqual(fromPool.results, here.results);
    assert.deepEqual(
      fromPool.results.flatMap((r) => r.signatureSets.map((s) => s.txIndex)),
      Array.from({ length: TXS }, (_, i) => i + 1),
    );
    const a = validateBlockStateless(block, blockContext(undefined, { txChecks: fromPool }));
    const b = validateBlockStateless(block, blockContext());
    assert.deepEqual(a, b);
  });

  it('stops at the first failed transaction, in a later slice, with its index', async () => {
    const bad = [...transfers];
    // tx 21 of the block (20 of the transfers): outputs more than it spends.
    bad[20] = transfer([funds[20]!], [output(BTM_ASSET_ID, funds[20]!.amount + 1n, recipient.program)]);
    const block = makeBlock(bad);
    const fromPool = await poolChecks(block);
    assert.equal(fromPool.results.length, 21);
    assert.equal(fromPool.failure?.code, Code.UNBALANCED_ASSET);
    assert.equal(fromPool.failure?.detail?.txIndex, 21);
    assert.deepEqual(fromPool.failure, inline(block).failure);
    const viaPool = (() => {
      try {
        validateBlockStateless(block, blockContext(undefined, { txChecks: fromPool }));
      } catch (err) {
        return err;
      }
    })();
    assert.throws(
      () => validateBlockStateless(block, blockContext()),
      (err) => {
        assert.deepEqual(err, viaPool);
        return true;
      },
    );
  });

  it('the block gas limit is folded in order: the first transaction over it is named', async () => {
    const block = makeBlock(transfers);
    const fromPool = await poolChecks(block);
    const perTx = fromPool.results[1]!.gasUsed;
    const tight = { ...params, gas: { ...params.gas, maxBlockGas: perTx * 10 + fromPool.results[0]!.gasUsed } };
    assert.throws(
      () => validateBlockStateless(block, { ...blockContext(), params: tight, txChecks: fromPool }),
      (err: { code?: string; detail?: { txIndex?: number } }) =>
        err.code === Code.BLOCK_GAS_EXCEEDED && err.detail?.txIndex === 11,
    );
  });

  it('checks that do not cover the block are refused, not trusted', async () => {
    const block = makeBlock(transfers);
    const fromPool = await poolChecks(makeBlock(transfers.slice(0, 10)));
    assert.throws(
      () => validateBlockStateless(block, blockContext(undefined, { txChecks: fromPool })),
      withCode(Code.BAD_ARGUMENT),
    );
  });

  it('sizes that do not fit the bytes: a typed error', async () => {
    const block = makeBlock(transfers.slice(0, 3));
    await assert.rejects(
      pool.checkBlockTxs(jobFor(block, [1_000_000])),
      (err: { code?: string }) => err.code === TxCheckPoolErrorCode.BAD_ARGUMENT,
    );
    // Sizes that fit but cut transactions wrongly: the worker cannot decode, which is an error, not a verdict.
    await assert.rejects(
      pool.checkBlockTxs(jobFor(block, [10, 10, 10])),
      (err: { code?: string }) => err.code === TxCheckPoolErrorCode.WORKER_ERROR,
    );
  });

  it('a closed pool refuses work with CLOSED', async () => {
    const closing = createTxCheckPool({ workers: 1 });
    await closing.close();
    await assert.rejects(
      closing.checkBlockTxs(jobFor(makeBlock(transfers.slice(0, 2)), [])),
      (err: { code?: string }) => err.code === TxCheckPoolErrorCode.CLOSED,
    );
  });
});

describe('packed tx checks', () => {
  it('round-trip every field: side entries, missing ids, multisig sets, negative and large numbers', () => {
    const h = (n: number) => hashOf(n);
    const checks: TxChecks = {
      entries: [
        {
          txId: h(1),
          muxId: h(2),
          inputIds: [h(3), h(4)],
          inputValues: [
            { assetId: h(5), amount: 0x7fffffffffffffffn },
            { assetId: h(6), amount: 0n },
          ],
          spentOutputIds: [h(7), undefined],
          outputIds: [h(8)],
          sigHashes: [h(9), h(10)],
          mainchainOutputIds: [undefined, h(11)],
        } as TxChecks['entries'][number],
        {
          txId: h(12),
          muxId: h(13),
          inputIds: [],
          inputValues: [],
          spentOutputIds: [],
          outputIds: [],
          sigHashes: [],
        },
      ],
      results: [
        {
          fee: -5n,
          gasUsed: 123_456,
          signatureSets: [
            {
              txIndex: 7,
              inputIndex: 1,
              set: { kind: 'single', publicKey: h(20), message: h(21), signature: new Uint8Array(64).fill(3) },
            },
            {
              txIndex: 7,
              inputIndex: 2,
              set: {
                kind: 'orderedMultisig',
                publicKeys: [h(22), new Uint8Array(5)],
                message: h(23),
                signatures: [new Uint8Array(0)],
              },
            },
          ],
        },
      ],
    };
    assert.deepEqual(unpackTxChecks(packTxChecks(checks)), checks);
  });
});
