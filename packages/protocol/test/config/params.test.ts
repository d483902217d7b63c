import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockSubsidy, bytomMainnetParams } from '@bystack/protocol';

// Expected values from Bytom v1.1.1 consensus/general.go BlockSubsidy and its constants.
test('block subsidy follows Bytom: genesis supply, then halving every 840,000 blocks', () => {
  const p = bytomMainnetParams;
  assert.equal(blockSubsidy(p, 0), 140_700_041_250_000_000n);
  assert.equal(blockSubsidy(p, 1), 41_250_000_000n);
  assert.equal(blockSubsidy(p, 839_999), 41_250_000_000n);
  assert.equal(blockSubsidy(p, 840_000), 20_625_000_000n);
  assert.equal(blockSubsidy(p, 840_000 * 2), 10_312_500_000n);
  assert.equal(blockSubsidy(p, 840_000 * 64), 0n);
});
