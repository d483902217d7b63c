// Fork choice (Vapor `protocol/block.go` processBlock/reorganizeChain, `protocol/bbft.go` updateBlockSignature).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ConsensusError, ConsensusErrorCode, shouldSwitchChain } from '../../src/consensus/index.ts';

const tip = (height: bigint, irreversibleHeight: bigint) => ({ height, irreversibleHeight });

test('fork choice table', () => {
  const cases: [string, ReturnType<typeof tip>, ReturnType<typeof tip>, bigint, boolean][] = [
    ['longer branch extending ours', tip(100n, 90n), tip(101n, 90n), 100n, true],
    ['longer fork above our irreversible block', tip(100n, 90n), tip(105n, 90n), 95n, true],
    ['longer fork from our irreversible block itself', tip(100n, 90n), tip(105n, 90n), 90n, true],
    ['longer fork that would detach our irreversible block', tip(100n, 90n), tip(150n, 80n), 89n, false],
    ['equal height: keep ours', tip(100n, 90n), tip(100n, 90n), 95n, false],
    ['shorter fork without a newer irreversible block', tip(100n, 90n), tip(98n, 90n), 95n, false],
    ['shorter fork holding a newer irreversible block wins', tip(100n, 90n), tip(98n, 97n), 95n, true],
    ['newer irreversible block wins even across ours (a >1/3 fault)', tip(100n, 90n), tip(99n, 93n), 85n, true],
    ['older irreversible block on a longer fork that detaches ours', tip(100n, 90n), tip(200n, 89n), 80n, false],
  ];
  for (const [desc, current, candidate, fork, want] of cases) {
    assert.equal(shouldSwitchChain(current, candidate, fork), want, desc);
  }
});

test('bad fork choice inputs are typed errors', () => {
  const bad = (fn: () => unknown) =>
    assert.throws(fn, (e: unknown) => e instanceof ConsensusError && e.code === ConsensusErrorCode.InvalidHeight);
  bad(() => shouldSwitchChain(tip(10n, 11n), tip(10n, 1n), 5n));
  bad(() => shouldSwitchChain(tip(10n, 1n), tip(10n, 1n), 11n));
  bad(() => shouldSwitchChain(tip(-1n, 0n), tip(10n, 1n), 0n));
});

test('property: never leave an irreversible block for a branch without a newer one', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 1000n }),
      fc.bigInt({ min: 0n, max: 1000n }),
      fc.bigInt({ min: 0n, max: 1000n }),
      fc.bigInt({ min: 0n, max: 1000n }),
      fc.bigInt({ min: 0n, max: 1000n }),
      (a, b, c, d, e) => {
        const [curIrr, curTip] = a <= b ? [a, b] : [b, a];
        const [candIrr, candTip] = c <= d ? [c, d] : [d, c];
        // biome-ignore lint/complexity/useMathMinMax: bigint operands
        const fork = e % ((curTip < candTip ? curTip : candTip) + 1n);
        const switched = shouldSwitchChain(tip(curTip, curIrr), tip(candTip, candIrr), fork);
        if (switched && candIrr <= curIrr) assert.ok(fork >= curIrr && candTip > curTip);
        if (candIrr > curIrr) assert.ok(switched);
        assert.equal(shouldSwitchChain(tip(curTip, curIrr), tip(curTip, curIrr), fork), false);
      },
    ),
  );
});
