// Hostile-input suite (CI: `npm run test:hostile`): one million random and mutated byte strings
// across every decoder (transactions, blocks, headers, inputs, outputs of both chains, varints,
// varstr lists). Each either decodes, re-encodes to exactly the same bytes and gets its ids
// computed, or is refused with a DecodeError; any other exception fails the suite.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTargets, fuzzDecoders } from './fuzz-harness.ts';

const TOTAL = 1_000_000;
const SEED = Number(process.env.FUZZ_SEED ?? 0xb17e);

test(`hostile inputs: ${TOTAL} across every decoder (seed ${SEED})`, () => {
  const started = performance.now();
  const stats = fuzzDecoders(buildTargets(SEED, 60), TOTAL, SEED);
  const seconds = (performance.now() - started) / 1000;
  console.log(`fuzz: ${stats.inputs} inputs in ${seconds.toFixed(1)} s, ${stats.decoded} decoded exactly`);
  console.log(`fuzz: refused by code ${JSON.stringify(stats.refused)}`);
  assert.equal(stats.inputs, TOTAL);
});
