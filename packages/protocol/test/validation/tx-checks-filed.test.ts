// Checks filed by the mempool (tx-checks-filed.ts): a block checked with records for all, none or some
// of its transactions gives what checking all of them gives (entries, fees, gas, the first failure
// with its code and index), less the filed transactions' signature sets; the time range is checked
// at the block's height; a program that reads the height is never filed; keys follow bytes and rules.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BTM_ASSET_ID, createTxEntries, encodeTx } from '../../src/chain/index.ts';
import type { Tx } from '../../src/chain/types.ts';
import { sideDevnetParams } from '../../src/config/index.ts';
import { xprvSign } from '../../src/keys/index.ts';
import { scriptToWitnessHash } from '../../src/keys/program-hash.ts';
import {
  ValidationErrorCode as Code,
  filedTxCheckKey,
  isFilable,
  packTxCheckRecords,
  type TxCheckRecord,
  txChecksFingerprint,
  unpackTxCheckRecord,
  validateBlockStateless,
  validateTxStateless,
} from '../../src/validation/index.ts';
import { createMultisigScript, createP2WSHProgram } from '../../src/vm/index.ts';
import {
  blockContext,
  createTestKey,
  fundingOutput,
  makeBlock,
  output,
  PARENT,
  params,
  spendInput,
  transfer,
  tx,
} from './fixtures.ts';

const keys = Array.from({ length: 4 }, (_, i) => createTestKey(i + 1));
const recipient = createTestKey(100);
const FEE = 10_000_000n;
const TXS = 12;
const funds = Array.from({ length: TXS }, (_, i) => fundingOutput(keys[i % keys.length]!, 1_000_000_000n, i));
const pay = (i: number, extra: Partial<Tx> = {}) =>
  transfer([funds[i]!], [output(BTM_ASSET_ID, funds[i]!.amount - FEE, recipient.program)], extra);
const transfers = funds.map((_, i) => pay(i));
const HEIGHT = PARENT.height + 1n;

/** What the mempool files for `t`, checked loose at `height`, through Redis's bytes. */
function filedRecord(t: Tx, height = HEIGHT - 1n): TxCheckRecord {
  const entries = createTxEntries(t);
  const result = validateTxStateless(t, entries, { params, blockHeight: height });
  assert.ok(isFilable(result));
  return unpackTxCheckRecord(new Uint8Array(packTxCheckRecords([{ entries, result }])[0]!));
}

/** Records for the transactions at `indices` of the block [coinbase, ...txs]. */
function filedAt(txs: readonly Tx[], indices: readonly number[]): (TxCheckRecord | undefined)[] {
  const filed: (TxCheckRecord | undefined)[] = new Array(txs.length + 1).fill(undefined);
  for (const i of indices) filed[i] = filedRecord(txs[i - 1]!);
  return filed;
}

function outcome(run: () => unknown): unknown {
  try {
    return run();
  } catch (err) {
    return err;
  }
}

const ALL = Array.from({ length: TXS }, (_, i) => i + 1);

describe('filed tx checks in stage 1', () => {
  for (const [name, indices] of [
    ['all filed', ALL],
    ['none filed', []],
    ['some filed', [1, 2, 5, 6, 7, 12]],
  ] as const) {
    it(`${name}: the same entries, fees and gas; the filed ones' signature sets left out`, () => {
      const block = makeBlock(transfers);
      const full = validateBlockStateless(block, blockContext());
      const withFiled = validateBlockStateless(block, blockContext(undefined, { filed: filedAt(transfers, indices) }));
      assert.deepEqual(withFiled.entries, full.entries);
      assert.equal(withFiled.fees, full.fees);
      assert.equal(withFiled.gasUsed, full.gasUsed);
      const filed = new Set<number>(indices);
      assert.deepEqual(
        withFiled.signatureSets,
        full.signatureSets.filter((s) => !filed.has(s.txIndex)),
      );
    });
  }

  it('a bad transaction among filed ones fails with the code and index a full check gives', () => {
    const bad = [...transfers];
    bad[6] = transfer([funds[6]!], [output(BTM_ASSET_ID, funds[6]!.amount + 1n, recipient.program)]);
    const block = makeBlock(bad);
    const full = outcome(() => validateBlockStateless(block, blockContext()));
    assert.equal((full as { code?: string }).code, Code.UNBALANCED_ASSET);
    // Every good one filed; the bad one cannot be (the mempool refuses it), so it is checked.
    const filed = filedAt(bad, [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12]);
    assert.deepEqual(
      outcome(() => validateBlockStateless(block, blockContext(undefined, { filed }))),
      full,
    );
  });

  it("another transaction's record filed under a bad one's index does not make it pass", () => {
    // The records are looked up by the hash of the bytes, so a bad tx never gets a good one's record;
    // and a record that is not the tx's (a Redis writer lying) still cannot fit the block's commitments.
    const bad = [...transfers];
    bad[3] = transfer([funds[3]!], [output(BTM_ASSET_ID, funds[3]!.amount + 1n, recipient.program)]);
    const block = makeBlock(bad);
    assert.notDeepEqual(filedTxCheckKey(encodeTx(bad[3]!)), filedTxCheckKey(encodeTx(transfers[3]!)));
    const filed = filedAt(bad, [1, 2, 3, 5]);
    filed[4] = filedRecord(transfers[3]!);
    assert.throws(() => validateBlockStateless(block, blockContext(undefined, { filed })));
  });

  it("the time range is checked at the block's height: expired since filing, as a full check says", () => {
    const txs = [...transfers];
    txs[4] = pay(4, { timeRange: HEIGHT - 1n });
    const block = makeBlock(txs);
    const full = outcome(() => validateBlockStateless(block, blockContext()));
    assert.equal((full as { code?: string }).code, Code.TIME_RANGE_EXPIRED);
    const filed = filedAt(txs, ALL);
    assert.deepEqual(
      outcome(() => validateBlockStateless(block, blockContext(undefined, { filed }))),
      full,
    );
    // Still in range at the block's height: accepted.
    txs[4] = pay(4, { timeRange: HEIGHT });
    const ok = makeBlock(txs);
    assert.deepEqual(
      validateBlockStateless(ok, blockContext(undefined, { filed: filedAt(txs, ALL) })).entries,
      validateBlockStateless(ok, blockContext()).entries,
    );
  });

  it('the coinbase is never taken from a record', () => {
    const block = makeBlock(transfers);
    const filed = filedAt(transfers, ALL);
    filed[0] = filedRecord(transfers[0]!);
    assert.deepEqual(
      validateBlockStateless(block, blockContext(undefined, { filed })).entries,
      validateBlockStateless(block, blockContext()).entries,
    );
  });

  it('a program that reads the block height is not filable', () => {
    const deadline = 5000n;
    const script = createMultisigScript([keys[0]!.publicKey], 1, deadline);
    const fund = {
      ...fundingOutput(keys[0]!, 1_000_000_000n, 99),
      controlProgram: createP2WSHProgram(scriptToWitnessHash(script)),
    };
    const unsigned = tx([spendInput(fund)], [output(BTM_ASSET_ID, fund.amount - FEE, recipient.program)]);
    const sigHash = createTxEntries(unsigned).sigHashes[0]!;
    const signed = { ...unsigned, inputs: [spendInput(fund, [xprvSign(keys[0]!.xprv, sigHash), script])] };
    const result = validateTxStateless(signed, createTxEntries(signed), { params, blockHeight: deadline - 1n });
    assert.equal(result.readsBlockHeight, true);
    assert.equal(isFilable(result), false);
    assert.ok(
      isFilable(validateTxStateless(transfers[0]!, createTxEntries(transfers[0]!), { params, blockHeight: 1n })),
    );
  });

  it('the fingerprint follows the chain, its rules and the federation', () => {
    const main = txChecksFingerprint(params);
    assert.deepEqual(txChecksFingerprint(params), main);
    assert.notDeepEqual(txChecksFingerprint({ ...params, chainId: 'other' }), main);
    assert.notDeepEqual(
      txChecksFingerprint({ ...params, gas: { ...params.gas, storageGasRate: params.gas.storageGasRate + 1 } }),
      main,
    );
    const side = sideDevnetParams;
    const federation = Uint8Array.of(1, 2, 3);
    assert.deepEqual(txChecksFingerprint(side, federation), txChecksFingerprint(side, Uint8Array.of(1, 2, 3)));
    assert.notDeepEqual(txChecksFingerprint(side, federation), txChecksFingerprint(side, Uint8Array.of(1, 2, 4)));
    assert.notDeepEqual(
      txChecksFingerprint({ ...side, consensus: { ...side.consensus, minVoteOutputAmount: 1n } }, federation),
      txChecksFingerprint(side, federation),
    );
  });
});
