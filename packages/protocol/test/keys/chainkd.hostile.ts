// Slow: upstream chainkd_test.go TestBits in full (256 roots, 1000 non-hardened levels each).
import { test } from 'node:test';
import { checkBits } from './chainkd-bits.ts';

test('TestBits (upstream chainkd_test.go), all 256 roots x 1000 levels', () => {
  checkBits(256, 1000);
});
