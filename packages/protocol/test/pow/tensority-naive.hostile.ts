// All 11 Tensority vectors through the readable reference implementation (seconds per hash, so
// not in the default run). Vectors: Bytom v1.1.1 mining/tensority/go_algorithm/algorithm_test.go.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createReferenceMatrices, tensorityReference } from '../../src/pow/tensority-reference.ts';
import { fromHex, tensorityVectors, toHex } from './tensority-vectors.ts';

test('tensorityReference matches all 11 vectors of Bytom algorithm_test.go', () => {
  const matricesBySeed = new Map<string, Int8Array>();
  tensorityVectors.forEach((v, i) => {
    let matrices = matricesBySeed.get(v.seed);
    if (matrices === undefined) {
      matricesBySeed.clear(); // vectors sharing a seed are adjacent; 16 MiB each is enough to keep one
      matrices = createReferenceMatrices(fromHex(v.seed));
      matricesBySeed.set(v.seed, matrices);
    }
    assert.equal(toHex(tensorityReference(fromHex(v.blockHash), fromHex(v.seed), matrices)), v.result, `case ${i + 1}`);
  });
});
