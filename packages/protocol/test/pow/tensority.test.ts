import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createTensorityCache,
  PowError,
  PowErrorCode,
  type TensorityCache,
  tensority,
  tensorityWithCache,
} from '@bystack/protocol';
import { fromHex, tensorityVectors, toHex } from './tensority-vectors.ts';

test('tensorityWithCache matches all 11 vectors of Bytom algorithm_test.go (one cache per seed)', () => {
  const caches = new Map<string, TensorityCache>();
  tensorityVectors.forEach((v, i) => {
    let cache = caches.get(v.seed);
    if (cache === undefined) {
      cache = createTensorityCache(fromHex(v.seed));
      caches.set(v.seed, cache);
    }
    assert.equal(toHex(tensorityWithCache(cache, fromHex(v.blockHash))), v.result, `case ${i + 1}`);
  });
});

test('tensority(blockHash, seed) agrees, across seed changes and back', () => {
  for (const i of [6, 7, 0, 6, 4, 0]) {
    const v = tensorityVectors[i]!;
    assert.equal(toHex(tensority(fromHex(v.blockHash), fromHex(v.seed))), v.result, `case ${i + 1}`);
  }
});

test('a cache owns a copy of its seed', () => {
  const v = tensorityVectors[2]!;
  const seed = fromHex(v.seed);
  const cache = createTensorityCache(seed);
  seed.fill(7);
  assert.equal(toHex(cache.seed), v.seed);
  assert.equal(toHex(tensorityWithCache(cache, fromHex(v.blockHash))), v.result);
});

test('bad input is a PowError', () => {
  const ok = new Uint8Array(32);
  const isPow = (code: PowErrorCode) => (err: unknown) => err instanceof PowError && err.code === code;
  assert.throws(() => tensority(new Uint8Array(31), ok), isPow(PowErrorCode.BadLength));
  assert.throws(() => tensority(ok, new Uint8Array(33)), isPow(PowErrorCode.BadLength));
  assert.throws(() => tensority(ok, 'seed' as unknown as Uint8Array), isPow(PowErrorCode.BadLength));
  assert.throws(() => createTensorityCache(new Uint8Array(0)), isPow(PowErrorCode.BadLength));
  assert.throws(() => tensorityWithCache({ seed: ok }, ok), isPow(PowErrorCode.BadCache));
});
