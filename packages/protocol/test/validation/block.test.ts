// Block validation, stage 1: ports of Bytom v1.1.1 `protocol/validation/block_test.go`
// (TestCheckBlockTime, TestCheckCoinbaseAmount, TestValidateBlockHeader, TestValidateBlock,
// TestGasOverBlockLimit, TestSetTransactionStatus), then our own cases with signed transfers.
// Tensority results are given as inputs, as upstream's tests seed its hash cache.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BTM_ASSET_ID, createTxEntries, txMerkleRoot, txStatusMerkleRoot } from '../../src/chain/index.ts';
import type { Block, BlockHeader, Tx } from '../../src/chain/types.ts';
import { createSignatureVerifier } from '../../src/keys/index.ts';
import { checkProofOfWork, tensority } from '../../src/pow/index.ts';
import { checkCoinbaseAmount } from '../../src/validation/coinbase-amount.ts';
import {
  ValidationErrorCode as Code,
  checkBlockTime,
  validateBlockStateless,
  verifySignatureSets,
} from '../../src/validation/index.ts';
import {
  blockContext,
  coinbaseInput,
  coinbaseTx,
  createTestKey,
  EASY_BITS,
  fundingOutput,
  hashOf,
  idOf,
  MAX_HASH,
  makeBlock,
  output,
  PARENT,
  params,
  spendInput,
  transfer,
  tx,
  withCode,
  words,
  ZERO_HASH,
} from './fixtures.ts';

const OP_TRUE = Uint8Array.of(0x51);
const OP_FALSE = Uint8Array.of(0x00);
const UINT64_MAX = (1n << 64n) - 1n;

describe('TestCheckBlockTime (block_test.go)', () => {
  const now = 1_600_000_000n;
  const cases: [string, bigint, bigint[], string | undefined][] = [
    ['after its parent', 1520000001n, [1520000000n], undefined],
    [
      'timestamp less than past median time (blocktest#1005)',
      1510000094n,
      [
        1520000000n,
        1510000099n,
        1510000098n,
        1510000097n,
        1510000096n,
        1510000095n,
        1510000094n,
        1510000093n,
        1510000092n,
        1510000091n,
        1510000090n,
      ],
      Code.BAD_TIMESTAMP,
    ],
    ['timestamp greater than max limit (blocktest#1006)', 9999999999n, [1520000000n], Code.TIMESTAMP_TOO_FAR_AHEAD],
    [
      'timestamp of the block and the parent block are both greater than max limit (blocktest#1007)',
      now + 3600n + 2n,
      [now + 3600n + 1n],
      Code.TIMESTAMP_TOO_FAR_AHEAD,
    ],
  ];
  for (const [desc, timestamp, past, code] of cases) {
    it(desc, () => {
      const run = () => checkBlockTime(timestamp, past, BigInt(past.length - 1), now, params);
      if (code === undefined) run();
      else assert.throws(run, withCode(code));
    });
  }
  it('equal to the median is too early; the median of an even count is the upper middle', () => {
    assert.throws(() => checkBlockTime(5n, [5n, 1n, 9n], 2n, now, params), withCode(Code.BAD_TIMESTAMP));
    checkBlockTime(6n, [5n, 1n, 9n], 2n, now, params);
    assert.throws(() => checkBlockTime(5n, [1n, 5n], 1n, now, params), withCode(Code.BAD_TIMESTAMP));
  });
  it('too few past timestamps for the parent height is a caller error', () =>
    assert.throws(() => checkBlockTime(5n, [1n, 2n], 20n, now, params), withCode(Code.BAD_ARGUMENT)));
});

describe('TestCheckCoinbaseAmount (block_test.go)', () => {
  const cb = [coinbaseTx(5000n, new Uint8Array(0))];
  it('pays the expected amount', () => checkCoinbaseAmount(cb, 5000n));
  it('pays another amount', () =>
    assert.throws(() => checkCoinbaseAmount(cb, 6000n), withCode(Code.BAD_COINBASE_AMOUNT)));
  it('empty block', () => assert.throws(() => checkCoinbaseAmount([], 5000n), withCode(Code.BAD_COINBASE)));
  it('two outputs', () => {
    const two = tx([coinbaseInput()], [output(BTM_ASSET_ID, 2500n, OP_TRUE), output(BTM_ASSET_ID, 2500n, OP_TRUE)]);
    assert.throws(() => checkCoinbaseAmount([two], 5000n), withCode(Code.BAD_COINBASE));
  });
});

// The parent of upstream's block tests: height 0, id {V0: 0}, timestamp 1523352600.
const UPSTREAM_PARENT = { id: ZERO_HASH, height: 0n, timestamp: 1523352600n };
const upstreamCoinbase = (amount = 41250000000n) =>
  tx([coinbaseInput()], [output(BTM_ASSET_ID, amount, OP_TRUE)], { serializedSize: 1 });

function upstreamBlock(transactions: Tx[], edit: Partial<BlockHeader> = {}): Block {
  return {
    header: {
      version: 1n,
      height: 1n,
      previousBlockId: ZERO_HASH,
      timestamp: 1523352601n,
      transactionsMerkleRoot: txMerkleRoot(transactions.map((t) => createTxEntries(t).txId)),
      transactionStatusHash: txStatusMerkleRoot(transactions.map(() => false)),
      nonce: 0n,
      bits: EASY_BITS,
      ...edit,
    },
    transactions,
  };
}

const upstreamContext = (pow: Uint8Array = ZERO_HASH) =>
  blockContext(UPSTREAM_PARENT, { pastTimestamps: [UPSTREAM_PARENT.timestamp], now: 1523352700n, pow: { hash: pow } });

function expectBlockCode(block: Block, code: string, ctx = upstreamContext()): void {
  assert.throws(() => validateBlockStateless(block, ctx), withCode(code));
}

describe('TestValidateBlockHeader (block_test.go)', () => {
  const block = upstreamBlock([upstreamCoinbase()]);
  it('version 2, 0 and max uint64 (blocktest#1001..1003)', () => {
    for (const version of [2n, 0n, UINT64_MAX]) {
      expectBlockCode({ ...block, header: { ...block.header, version } }, Code.BAD_BLOCK_VERSION);
    }
  });
  it('misordered height', () =>
    expectBlockCode(
      block,
      Code.BAD_HEIGHT,
      blockContext({ ...UPSTREAM_PARENT, height: 18n }, { pastTimestamps: [UPSTREAM_PARENT.timestamp] }),
    ));
  it('the difficulty is not the next difficulty of the parent (blocktest#1008)', () =>
    expectBlockCode({ ...block, header: { ...block.header, bits: 0n } }, Code.BAD_BITS));
  it('the previous block hash is not the hash of the parent (blocktest#1004)', () =>
    expectBlockCode(
      { ...block, header: { ...block.header, previousBlockId: words(18n, 0n, 0n, 0n) } },
      Code.BAD_PREVIOUS,
    ));
  it('check work proof fail (blocktest#1011)', () => expectBlockCode(block, Code.BAD_POW, upstreamContext(MAX_HASH)));
  it('check work proof pass', () => {
    const result = validateBlockStateless(block, upstreamContext());
    assert.deepEqual(result.blockId, idOf(block));
  });
});

describe('TestValidateBlock (block_test.go)', () => {
  // Upstream's second case also gives a transactions root ({V0: 6294987741126419124, ...}), but
  // since both root mismatches are the same upstream error its test passes whether or not that
  // root is right, and it is not the root of that block (TestSetTransactionStatus's root, which
  // matters there, is checked below). Here the real root is used.
  it('a block with the coinbase alone is valid', () => {
    validateBlockStateless(upstreamBlock([upstreamCoinbase()]), upstreamContext());
  });
  it('the transaction Merkle root does not match (blocktest#1009)', () =>
    expectBlockCode(
      upstreamBlock([upstreamCoinbase()], { transactionsMerkleRoot: words(1n, 0n, 0n, 0n) }),
      Code.BAD_MERKLE_ROOT,
    ));
  it('the transaction status Merkle root does not match (blocktest#1009)', () =>
    expectBlockCode(
      upstreamBlock([upstreamCoinbase()], { transactionStatusHash: words(1n, 0n, 0n, 0n) }),
      Code.BAD_STATUS_ROOT,
    ));
  it('the coinbase amount is less than the real coinbase amount (txtest#1014)', () => {
    const spend = tx(
      [
        spendInput({
          sourceId: hashOf(8),
          assetId: BTM_ASSET_ID,
          amount: 100000000n,
          sourcePosition: 0n,
          controlProgram: OP_TRUE,
        }),
      ],
      [output(BTM_ASSET_ID, 90000000n, OP_TRUE)],
      { serializedSize: 1 },
    );
    expectBlockCode(upstreamBlock([upstreamCoinbase(), spend]), Code.BAD_COINBASE_AMOUNT);
    validateBlockStateless(upstreamBlock([upstreamCoinbase(41250000000n + 10000000n), spend]), upstreamContext());
  });
});

describe('TestGasOverBlockLimit (block_test.go, blocktest#1012)', () => {
  it('100 transactions of 100,000 storage gas each exceed 10,000,000', () => {
    const heavy = tx(
      [
        spendInput({
          sourceId: hashOf(8),
          assetId: BTM_ASSET_ID,
          amount: 10000000000n,
          sourcePosition: 0n,
          controlProgram: OP_TRUE,
        }),
      ],
      [output(BTM_ASSET_ID, 9000000000n, OP_TRUE)],
      { serializedSize: 100000 },
    );
    const block = upstreamBlock([upstreamCoinbase(), ...Array.from({ length: 100 }, () => heavy)]);
    assert.throws(
      () => validateBlockStateless(block, upstreamContext()),
      (err: unknown) =>
        withCode(Code.BLOCK_GAS_EXCEEDED)(err) && (err as { detail: { txIndex: number } }).detail.txIndex === 100,
    );
  });
});

describe('TestSetTransactionStatus (block_test.go, blocktest#1010): a failing program rejects the block', () => {
  const spend = (assetId: Uint8Array, amount: bigint, program: Uint8Array) =>
    spendInput({ sourceId: hashOf(8), assetId, amount, sourcePosition: 0n, controlProgram: program });
  const otherAsset = words(1n, 0n, 0n, 0n);
  const transactions = [
    upstreamCoinbase(41449998224n),
    tx(
      [spend(BTM_ASSET_ID, 100000000n, OP_TRUE), spend(otherAsset, 1000n, OP_FALSE)],
      [output(BTM_ASSET_ID, 888n, OP_TRUE), output(otherAsset, 1000n, OP_TRUE)],
      { serializedSize: 1 },
    ),
    tx([spend(BTM_ASSET_ID, 100000000n, OP_TRUE)], [output(BTM_ASSET_ID, 888n, OP_TRUE)], { serializedSize: 1 }),
  ];
  it('our transaction Merkle root matches upstream’s', () => {
    const root = words(3413931728524254295n, 300490676707850231n, 1886132055969225110n, 10216139531293906088n);
    assert.deepEqual(txMerkleRoot(transactions.map((t) => createTxEntries(t).txId)), root);
  });
  it('upstream marks tx 1 failed; we reject the block at tx 1 input 1', () => {
    const block = upstreamBlock(transactions);
    assert.throws(
      () => validateBlockStateless(block, upstreamContext()),
      (err: unknown) => {
        const detail = (err as { detail: { txIndex: number; inputIndex: number } }).detail;
        return withCode(Code.PROGRAM_FAILED)(err) && detail.txIndex === 1 && detail.inputIndex === 1;
      },
    );
  });
});

describe('a block of signed transfers (ours)', () => {
  const alice = createTestKey(1);
  const bob = createTestKey(2);
  const transfers = [1, 2, 3].map((n) =>
    transfer([fundingOutput(alice, 1_000_000_000n, n)], [output(BTM_ASSET_ID, 990_000_000n, bob.program)]),
  );
  const good = makeBlock(transfers);

  it('passes stage 1 with its fees, gas and signature sets, which verify', async () => {
    const result = validateBlockStateless(good, blockContext());
    assert.equal(result.fees, 30_000_000n);
    assert.equal(result.entries.length, 4);
    assert.deepEqual(
      result.signatureSets.map((s) => [s.txIndex, s.inputIndex]),
      [
        [1, 0],
        [2, 0],
        [3, 0],
      ],
    );
    await verifySignatureSets(createSignatureVerifier(), result.signatureSets);
  });

  it('accepts entries computed beforehand, refuses a wrong count', () => {
    const entries = good.transactions.map(createTxEntries);
    validateBlockStateless(good, blockContext(PARENT, { entries }));
    assert.throws(
      () => validateBlockStateless(good, blockContext(PARENT, { entries: entries.slice(1) })),
      withCode(Code.BAD_ARGUMENT),
    );
  });

  it('bad Merkle root', () =>
    assert.throws(
      () =>
        validateBlockStateless(makeBlock(transfers, { edit: { transactionsMerkleRoot: hashOf(1) } }), blockContext()),
      withCode(Code.BAD_MERKLE_ROOT),
    ));

  it('bad coinbase amount: one unit more than subsidy plus fees', () => {
    const coinbase = coinbaseTx(41_250_000_000n + 30_000_001n, bob.program);
    assert.throws(
      () => validateBlockStateless(makeBlock(transfers, { coinbase }), blockContext()),
      withCode(Code.BAD_COINBASE_AMOUNT),
    );
  });

  it('bad timestamp: not above the past median', () =>
    assert.throws(
      () =>
        validateBlockStateless(makeBlock(transfers, { edit: { timestamp: PARENT.timestamp - 750n } }), blockContext()),
      withCode(Code.BAD_TIMESTAMP),
    ));

  it('timestamp too far ahead of the clock', () =>
    assert.throws(
      () => validateBlockStateless(good, blockContext(PARENT, { now: PARENT.timestamp - 3600n })),
      withCode(Code.TIMESTAMP_TOO_FAR_AHEAD),
    ));

  it('bad proof of work', () =>
    assert.throws(
      () => validateBlockStateless(good, blockContext(PARENT, { pow: { hash: MAX_HASH } })),
      withCode(Code.BAD_POW),
    ));

  it('given a seed, the Tensority hash of the block id is computed (one real hash, ~0.3 s)', () => {
    const seed = hashOf(9);
    const meets = checkProofOfWork(tensority(idOf(good), seed), good.header.bits);
    const run = () => validateBlockStateless(good, blockContext(PARENT, { pow: { seed } }));
    if (meets) run();
    else assert.throws(run, withCode(Code.BAD_POW));
  });

  it('the first transaction is not a coinbase', () => {
    const block = makeBlock(transfers.slice(1), { coinbase: transfers[0]! });
    assert.throws(() => validateBlockStateless(block, blockContext()), withCode(Code.BAD_COINBASE));
  });

  it('an expired transaction names its index', () => {
    const late = transfer(
      [fundingOutput(alice, 1_000_000_000n, 9)],
      [output(BTM_ASSET_ID, 990_000_000n, bob.program)],
      {
        timeRange: PARENT.height,
      },
    );
    assert.throws(
      () => validateBlockStateless(makeBlock([...transfers, late]), blockContext()),
      (err: unknown) =>
        withCode(Code.TIME_RANGE_EXPIRED)(err) && (err as { detail: { txIndex: number } }).detail.txIndex === 4,
    );
  });
});
