import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bytomMainnetParams,
  initialTensoritySeed,
  PowError,
  PowErrorCode,
  seedBlockHeight,
  seedForHeight,
  sha3,
} from '@bystack/protocol';
import { fromHex, toHex } from './tensority-vectors.ts';

const isPow = (code: PowErrorCode) => (err: unknown) => err instanceof PowError && err.code === code;

test('the initial seed is consensus.InitialSeed of Bytom v1.1.1 consensus/general.go', () => {
  // bc.Hash{V0..V3}, each uint64 stored big-endian.
  const words = [11412844483649490393n, 4614157290180302959n, 1780246333311066183n, 9357197556716379726n];
  assert.equal(toHex(initialTensoritySeed()), words.map((w) => w.toString(16).padStart(16, '0')).join(''));
});

/** The oracle: Bytom protocol/state/blockindex.go run over a chain, each node's seed from its parent's CalcNextSeed. */
function blockIndexSeeds(length: number, period: number, idOf: (h: number) => string, initial: string): string[] {
  const seeds: string[] = [];
  for (let height = 0; height < length; height++) {
    if (height === 0) {
      seeds.push(initial);
      continue;
    }
    const parent = height - 1;
    if (parent === 0) seeds.push(initial);
    else if (parent % period === 0) seeds.push(idOf(parent));
    else seeds.push(seeds[parent]!);
  }
  return seeds;
}

test('seedForHeight follows BlockNode.CalcNextSeed: the id of the block at the last multiple below the height', () => {
  const initial = toHex(initialTensoritySeed());
  const idOf = (h: number) => toHex(sha3(new TextEncoder().encode(`block ${h}`)));
  for (const period of [256, 32, 7, 1]) {
    const expected = blockIndexSeeds(1100, period, idOf, initial);
    expected.forEach((want, height) => {
      const params = { seedPerRetarget: period };
      const at = seedBlockHeight(height, params);
      const got = seedForHeight(height, params, at === undefined ? undefined : fromHex(idOf(at)));
      assert.equal(toHex(got), want, `period ${period}, height ${height}`);
    });
  }
  const p = bytomMainnetParams;
  assert.deepEqual(
    [0, 1, 256, 257, 512, 513, 768, 769].map((h) => seedBlockHeight(h, p)),
    [undefined, undefined, undefined, 256, 256, 512, 512, 768],
  );
});

test('bad input is a PowError', () => {
  const p = { seedPerRetarget: 256 };
  assert.throws(() => seedForHeight(257, p), isPow(PowErrorCode.MissingSeedBlock));
  assert.throws(() => seedForHeight(257, p, new Uint8Array(31)), isPow(PowErrorCode.BadLength));
  assert.throws(() => seedBlockHeight(-1, p), isPow(PowErrorCode.OutOfRange));
  assert.throws(() => seedBlockHeight(2 ** 53, p), isPow(PowErrorCode.OutOfRange));
  assert.throws(() => seedBlockHeight(1, { seedPerRetarget: 0 }), isPow(PowErrorCode.OutOfRange));
});
