// Upstream chainkd_test.go TestBits: root, non-hardened and hardened scalars keep their pruned bits
// (low 3 bits 0; top bits 010 for roots and hardened keys, 01 for non-hardened descendants).
import assert from 'node:assert/strict';
import { createRootXPrv, xprvChild } from '@bystack/protocol';

const CHILD = new TextEncoder().encode('child');
const HARDENED_CHILD = new TextEncoder().encode('hardened child');

export function checkBits(roots: number, depth: number): void {
  for (let i = 0; i < roots; i++) {
    const root = createRootXPrv(Uint8Array.of(i));
    assert.equal(root[0]! & 7, 0);
    assert.equal(root[31]! >> 5, 2);
    let xprv = root;
    for (let d = 0; d < depth; d++) {
      xprv = xprvChild(xprv, CHILD, false);
      assert.equal(xprv[0]! & 7, 0);
      assert.equal(xprv[31]! >> 6, 1);
      const hardened = xprvChild(xprv, HARDENED_CHILD, true);
      assert.equal(hardened[0]! & 7, 0);
      assert.equal(hardened[31]! >> 5, 2);
    }
  }
}
