// Property tests: the balance rule against plain bigint arithmetic, and the overlay's undo.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BTM_ASSET_ID } from '../../src/chain/index.ts';
import { checkBalance } from '../../src/validation/balance.ts';
import {
  createUtxoOverlay,
  invertUtxoChanges,
  isValidationError,
  type UtxoChanges,
} from '../../src/validation/index.ts';
import type { InputFacts, OutputFacts } from '../../src/validation/tx-facts.ts';
import { hashOf } from './fixtures.ts';

const INT64_MAX = (1n << 63n) - 1n;
const assets = [BTM_ASSET_ID, hashOf(1), hashOf(2)];
const amount = fc.oneof(
  fc.bigInt({ min: 0n, max: 1000n }),
  fc.bigInt({ min: 0n, max: INT64_MAX }),
  fc.constant(INT64_MAX),
);
const value = fc.record({ asset: fc.integer({ min: 0, max: 2 }), amount });

const input = (v: { asset: number; amount: bigint }): InputFacts => ({
  kind: 'spend',
  assetId: assets[v.asset]!,
  amount: v.amount,
  program: undefined,
  args: [],
  spentOutputId: undefined,
});
const output = (v: { asset: number; amount: bigint }): OutputFacts => ({
  kind: 'output',
  assetId: assets[v.asset]!,
  amount: v.amount,
  controlProgram: new Uint8Array(0),
});

describe('checkBalance', () => {
  it('accepts exactly the balanced transactions whose sums fit int64, and returns the native fee', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 5 }), fc.array(value, { maxLength: 5 }), (ins, outs) => {
        const sums = assets.map((_, a) => ({
          in: ins.filter((v) => v.asset === a).reduce((s, v) => s + v.amount, 0n),
          out: outs.filter((v) => v.asset === a).reduce((s, v) => s + v.amount, 0n),
        }));
        // Upstream adds inputs in order, then subtracts outputs in order, each step within int64.
        const overflows = sums.some((s) => s.in > INT64_MAX || s.in - s.out < -(1n << 63n));
        const orphan = outs.some((o) => !ins.some((i) => i.asset === o.asset));
        const unbalanced = sums.some((s, a) => a !== 0 && s.in !== s.out);
        let result: bigint | undefined;
        try {
          result = checkBalance(ins.map(input), outs.map(output));
        } catch (err) {
          assert.ok(isValidationError(err));
          assert.ok(overflows || orphan || unbalanced, String(err));
          return;
        }
        assert.ok(!overflows && !orphan && !unbalanced);
        const native = ins.some((v) => v.asset === 0) || outs.some((v) => v.asset === 0);
        assert.equal(result, native ? sums[0]!.in - sums[0]!.out : undefined);
      }),
      { numRuns: 300 },
    );
  });
});

describe('UtxoOverlay', () => {
  it('applying changes, then their inverses in reverse order, leaves no net change', () => {
    const id = fc.integer({ min: 0, max: 15 }).map(hashOf);
    const entry = {
      kind: 'normal',
      height: 1n,
      assetId: BTM_ASSET_ID,
      amount: 1n,
      controlProgram: new Uint8Array(0),
    } as const;
    const change = fc.record({ created: fc.uniqueArray(id, { maxLength: 4, selector: (x) => x[0]! }) });
    fc.assert(
      fc.property(fc.array(change, { maxLength: 6 }), (steps) => {
        const overlay = createUtxoOverlay();
        const applied: UtxoChanges[] = [];
        for (const step of steps) {
          // spend whatever currently exists among the ids, create the others
          const spent = step.created.filter((i) => overlay.get(i) !== undefined && overlay.get(i)?.spent !== true);
          const created = step.created.filter((i) => overlay.get(i) === undefined);
          const changes = {
            spent: spent.map((outputId) => ({ outputId, entry })),
            created: created.map((outputId) => ({ outputId, entry })),
          };
          overlay.apply(changes);
          applied.push(changes);
        }
        for (const changes of applied.reverse()) overlay.apply(invertUtxoChanges(changes));
        assert.deepEqual(overlay.changes(), { spent: [], created: [] });
      }),
      { numRuns: 200 },
    );
  });
});
