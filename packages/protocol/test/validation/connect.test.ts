// Stage 2: UTXO existence, double spends (against the view and within a block), coinbase
// maturity, the changes (Bytom v1.1.1 `protocol/state/utxo_view.go` ApplyTransaction, cases of
// `utxo_view_test.go` TestApplyBlock in spirit), undo, and the overlay of a window of blocks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BTM_ASSET_ID, computeSpentOutputId, createTxEntries } from '../../src/chain/index.ts';
import type { Block } from '../../src/chain/types.ts';
import {
  ValidationErrorCode as Code,
  connectBlock,
  connectTx,
  createUtxoOverlay,
  invertUtxoChanges,
  type UtxoChanges,
  type UtxoView,
  validateBlockStateless,
} from '../../src/validation/index.ts';
import {
  blockContext,
  createTestKey,
  fundedView,
  fundingOutput,
  hex,
  makeBlock,
  output,
  outputsOf,
  PARENT,
  params,
  transfer,
  withCode,
} from './fixtures.ts';

const alice = createTestKey(1);
const bob = createTestKey(2);
const funds = [1, 2, 3].map((n) => fundingOutput(alice, 1_000_000_000n, n));
const OP_FAIL = Uint8Array.of(0x6a);
const pay = (from: (typeof funds)[number], to = bob) =>
  transfer([from], [output(BTM_ASSET_ID, from.amount - 10_000_000n, to.program)]);

function stage2(view: UtxoView, block: Block): UtxoChanges {
  const { entries } = validateBlockStateless(block, blockContext());
  return connectBlock(view, block, entries, params);
}

/** What the view holds for these ids, to show a failed connect changed nothing. */
function snapshot(view: UtxoView, ids: readonly Uint8Array[]): string[] {
  return ids.map((id) => JSON.stringify(view.get(id) ?? null, (_k, v) => (typeof v === 'bigint' ? `${v}` : v)));
}

const fundIds = funds.map(computeSpentOutputId);
const ids = (changes: readonly { outputId: Uint8Array }[]) => changes.map((c) => hex(c.outputId));

describe('connectBlock', () => {
  it('spends the funding outputs and creates the new ones (coinbase outputs as coinbase)', () => {
    const view = fundedView(funds);
    const txs = funds.map((f) => pay(f));
    const block = makeBlock(txs);
    const changes = stage2(view, block);
    assert.deepEqual(ids(changes.spent), fundIds.map(hex));
    const outputIds = block.transactions.map((t) => createTxEntries(t).outputIds[0]!);
    assert.deepEqual(ids(changes.created), outputIds.map(hex));
    assert.deepEqual(
      changes.created.map((c) => [c.entry.kind, c.entry.height]),
      [
        ['coinbase', PARENT.height + 1n],
        ['normal', PARENT.height + 1n],
        ['normal', PARENT.height + 1n],
        ['normal', PARENT.height + 1n],
      ],
    );
    assert.deepEqual(changes.created[1]!.entry.controlProgram, bob.program);
  });

  it('an unknown input changes nothing', () => {
    const view = fundedView(funds.slice(1));
    const before = snapshot(view, fundIds);
    assert.throws(
      () => stage2(view, makeBlock(funds.map((f) => pay(f)))),
      (err: unknown) =>
        withCode(Code.UNKNOWN_INPUT)(err) && (err as { detail: { txIndex: number } }).detail.txIndex === 1,
    );
    assert.deepEqual(snapshot(view, fundIds), before);
  });

  it('a double spend within the block', () => {
    const view = fundedView(funds);
    const block = makeBlock([pay(funds[0]!), pay(funds[0]!, alice)]);
    assert.throws(
      () => stage2(view, block),
      (err: unknown) =>
        withCode(Code.DOUBLE_SPEND)(err) && (err as { detail: { txIndex: number } }).detail.txIndex === 2,
    );
    assert.equal(view.get(fundIds[0]!)?.spent, undefined);
  });

  it('a double spend against an earlier block of the window', () => {
    const base = fundedView(funds);
    const window = createUtxoOverlay(base);
    window.apply(stage2(window, makeBlock([pay(funds[0]!)])));
    assert.equal(window.get(fundIds[0]!)?.spent, true);
    assert.equal(base.get(fundIds[0]!)?.spent, undefined, 'the base is untouched');
    assert.throws(() => stage2(window, makeBlock([pay(funds[0]!, alice)])), withCode(Code.DOUBLE_SPEND));
  });

  it('a later transaction may spend an earlier one of the same block; the net changes skip it', () => {
    const view = fundedView(funds);
    const first = pay(funds[0]!);
    const [middle] = outputsOf(first, bob);
    const second = transfer([middle!], [output(BTM_ASSET_ID, middle!.amount - 10_000_000n, alice.program)]);
    const changes = stage2(view, makeBlock([first, second]));
    assert.deepEqual(ids(changes.spent), [hex(fundIds[0]!)]);
    const middleId = hex(computeSpentOutputId(middle!));
    assert.ok(!ids(changes.created).includes(middleId));
    assert.ok(ids(changes.created).includes(hex(createTxEntries(second).outputIds[0]!)));
  });

  it('retirements create nothing', () => {
    const view = fundedView(funds);
    const burn = transfer(
      [funds[0]!],
      [output(BTM_ASSET_ID, 1n, OP_FAIL), output(BTM_ASSET_ID, 900_000_000n, bob.program)],
    );
    const changes = stage2(view, makeBlock([burn]));
    assert.deepEqual(ids(changes.created).slice(1), [hex(createTxEntries(burn).outputIds[1]!)]);
  });

  it('coinbase maturity: spendable from created height + coinbaseMaturity on', () => {
    const minedAt = PARENT.height + 1n - BigInt(params.coinbaseMaturity);
    stage2(fundedView(funds, 'coinbase', minedAt), makeBlock([pay(funds[0]!)]));
    assert.throws(
      () => stage2(fundedView(funds, 'coinbase', minedAt + 1n), makeBlock([pay(funds[0]!)])),
      withCode(Code.IMMATURE_COINBASE),
    );
  });

  it('undo: applying the inverted changes restores the view', () => {
    const view = fundedView(funds);
    const block = makeBlock(funds.map((f) => pay(f)));
    const changes = stage2(view, block);
    const touched = [...changes.spent, ...changes.created].map((c) => c.outputId);
    const before = snapshot(view, touched);
    view.apply(changes);
    assert.notDeepEqual(snapshot(view, touched), before);
    view.apply(invertUtxoChanges(changes));
    assert.deepEqual(snapshot(view, touched), before);
    assert.deepEqual(view.changes(), fundedView(funds).changes());
  });

  it('refuses entries of another length', () => {
    const block = makeBlock([pay(funds[0]!)]);
    assert.throws(() => connectBlock(fundedView(funds), block, [], params), withCode(Code.BAD_ARGUMENT));
  });
});

describe('connectTx (a loose transaction against the current state)', () => {
  it('spends and creates', () => {
    const t = pay(funds[0]!);
    const changes = connectTx(fundedView(funds), t, createTxEntries(t), { params, blockHeight: 500n });
    assert.deepEqual(ids(changes.spent), [hex(fundIds[0]!)]);
    assert.deepEqual(
      changes.created.map((c) => c.entry.kind),
      ['normal'],
    );
  });
  it('unknown input', () => {
    const t = pay(funds[0]!);
    assert.throws(
      () => connectTx(createUtxoOverlay(), t, createTxEntries(t), { params, blockHeight: 500n }),
      withCode(Code.UNKNOWN_INPUT),
    );
  });
});
