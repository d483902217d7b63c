// Fast variant of decoders.hostile.ts: ~5,000 random and mutated inputs across every decoder.
// Each decodes and re-encodes to the same bytes, or is refused with a DecodeError.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTargets, fuzzDecoders } from './fuzz-harness.ts';

test('hostile inputs (fast): decode exactly or throw DecodeError', () => {
  const stats = fuzzDecoders(buildTargets(1, 20), 5_000, 0x5eed);
  assert.equal(stats.inputs, 5_000);
  // Both outcomes must actually be exercised.
  assert.ok(stats.decoded > 100, `only ${stats.decoded} inputs decoded`);
  assert.ok(Object.keys(stats.refused).length >= 6, JSON.stringify(stats.refused));
});
