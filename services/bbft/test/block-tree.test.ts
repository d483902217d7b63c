// The block tree: signatures per witness slot, irreversibility at more than 2/3, fork choice by the
// protocol's rule, pruning below the last irreversible block.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { devnetProducerXPrv, sha3, xprvSign, xprvToXPub } from '@bystack/protocol';
import { BlockTree } from '../src/block-tree.ts';
import { toHex } from '../src/bytes.ts';

const keys = [0, 1, 2, 3].map(devnetProducerXPrv);
const producers = keys.map((k) => toHex(xprvToXPub(k)));
const idOf = (name: string) => sha3(new TextEncoder().encode(name));
const sig = (i: number, id: Uint8Array) => xprvSign(keys[i]!, id);
const ROOT = idOf('root');

/** A tree over `root` at height 10; `add(name, parent)` adds a block produced by `owner`. */
function tree() {
  const t = new BlockTree({ id: ROOT, height: 10n, timestampMs: 1_000n });
  const add = (name: string, parent: string | Uint8Array, owner = 0) => {
    const parentId = typeof parent === 'string' ? idOf(parent) : parent;
    const p = t.get(toHex(parentId))!;
    return t.add({
      id: idOf(name),
      height: p.height + 1n,
      parentId,
      timestampMs: p.timestampMs + 500n,
      producers,
      producerOrder: owner,
      source: 'network',
    });
  };
  const signBy = (name: string, ...orders: number[]) =>
    orders.map((o) => t.addSignature(toHex(idOf(name)), o, sig(o, idOf(name))));
  return { t, add, signBy };
}

describe('BlockTree', () => {
  it('a block is irreversible with 3 of 4 signatures, not with 2', () => {
    const { t, add, signBy } = tree();
    const a = add('a', ROOT);
    assert.deepEqual(signBy('a', 0, 1), ['added', 'added']);
    assert.equal(a.irreversible, false);
    assert.equal(a.ownerSigned, true, 'slot 0 is its producer');
    assert.equal(t.lastIrreversible.key, toHex(ROOT));
    assert.deepEqual(signBy('a', 1, 2), ['unchanged', 'irreversible']);
    assert.equal(t.lastIrreversible, a);
    assert.equal(t.signatureCount(a.key), 3);
  });

  it('a removed signature no longer counts', () => {
    const { t, add, signBy } = tree();
    const a = add('a', ROOT);
    signBy('a', 0, 1);
    t.removeSignature(a.key, 1);
    assert.deepEqual(signBy('a', 2), ['added']);
    assert.equal(a.irreversible, false);
  });

  it('rejects a block without its parent or at the wrong height', () => {
    const { t } = tree();
    assert.throws(() =>
      t.add({
        id: idOf('x'),
        height: 11n,
        parentId: idOf('nowhere'),
        timestampMs: 0n,
        producers,
        producerOrder: 0,
        source: 'network',
      }),
    );
    assert.throws(() =>
      t.add({
        id: idOf('x'),
        height: 13n,
        parentId: ROOT,
        timestampMs: 0n,
        producers,
        producerOrder: 0,
        source: 'network',
      }),
    );
  });

  it('fork choice: longer wins, first seen keeps ties', () => {
    const { t, add } = tree();
    add('a1', ROOT);
    add('b1', ROOT, 1);
    assert.equal(t.updateHead().key, toHex(idOf('a1')), 'equal heights: the first seen');
    add('b2', 'b1', 1);
    assert.equal(t.updateHead().key, toHex(idOf('b2')));
  });

  it('fork choice: a branch with a more recent irreversible block wins even when shorter', () => {
    const { t, add, signBy } = tree();
    add('a1', ROOT);
    add('a2', 'a1');
    add('a3', 'a2');
    add('b1', ROOT, 1);
    assert.equal(t.updateHead().key, toHex(idOf('a3')));
    signBy('b1', 1, 2, 3);
    assert.equal(t.updateHead().key, toHex(idOf('b1')));
  });

  it('fork choice: never leaves the last irreversible block for a longer branch forking below it', () => {
    const { t, add, signBy } = tree();
    add('a1', ROOT);
    add('a2', 'a1');
    signBy('a2', 0, 1, 2);
    add('b1', ROOT, 1);
    add('b2', 'b1', 1);
    add('b3', 'b2', 1);
    add('b4', 'b3', 1);
    assert.equal(t.updateHead().key, toHex(idOf('a2')));
    assert.equal(t.isAncestor(toHex(idOf('a1')), toHex(idOf('a2'))), true);
    assert.equal(t.isAncestor(toHex(idOf('a1')), toHex(idOf('b4'))), false);
    assert.equal(t.branchIrreversibleHeight(toHex(idOf('b4'))), 10n);
  });

  it('prunes below the last irreversible block and drops dead forks', () => {
    const { t, add, signBy } = tree();
    let parent: string | Uint8Array = ROOT;
    for (let i = 1; i <= 6; i++) {
      add(`m${i}`, parent);
      parent = `m${i}`;
    }
    add('dead', 'm1', 1);
    signBy('m6', 0, 1, 2);
    assert.equal(t.lastIrreversible.height, 16n);
    assert.equal(t.prune(2n), 5, 'root, m1..m3 and the dead fork go');
    assert.equal(t.root.height, 14n);
    assert.equal(t.root.irreversible, true);
    assert.equal(t.has(toHex(idOf('dead'))), false);
    assert.equal(t.has(toHex(idOf('m4'))), true);
    assert.equal(t.prune(2n), 0);
  });
});
