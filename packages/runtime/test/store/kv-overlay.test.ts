// The overlay writer the LMDB engine runs a commit's logic on: reads see the snapshot plus the
// commit's own earlier writes (gets, inserts, ranges), and the writes come back in call order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KvTable } from '../../src/store/kv-engine.ts';
import { OverlayWriter, type SnapshotReader } from '../../src/store/kv-overlay.ts';

const k = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

/** A snapshot of one table held in a sorted map. */
function snapshotOf(entries: Record<string, string>): SnapshotReader {
  const sorted = Object.keys(entries).sort();
  const get = (t: KvTable, key: Uint8Array) =>
    t === KvTable.Utxo && text(key)! in entries ? k(entries[text(key)!]!) : undefined;
  return {
    get,
    has: (t, key) => get(t, key) !== undefined,
    range: (t, start, end, limit) =>
      t !== KvTable.Utxo
        ? []
        : sorted
            .filter((s) => s >= text(start)! && s < text(end)!)
            .slice(0, limit)
            .map((s): [Uint8Array, Uint8Array] => [k(s), k(entries[s]!)]),
  };
}

test('gets and inserts see the commit’s own puts and deletions over the snapshot', () => {
  const w = new OverlayWriter(snapshotOf({ a: '1', b: '2' }));
  assert.equal(text(w.get(KvTable.Utxo, k('a'))), '1');
  assert.equal(w.insert(KvTable.Utxo, k('a'), k('x')), false, 'exists in the snapshot');
  assert.equal(w.insert(KvTable.Utxo, k('c'), k('3')), true);
  assert.equal(text(w.get(KvTable.Utxo, k('c'))), '3', 'own insert');
  assert.equal(w.insert(KvTable.Utxo, k('c'), k('x')), false, 'exists by an own insert');
  w.del(KvTable.Utxo, k('a'));
  assert.equal(w.get(KvTable.Utxo, k('a')), undefined, 'own deletion hides the snapshot');
  assert.equal(w.insert(KvTable.Utxo, k('a'), k('4')), true, 'absent after an own deletion');
  w.put(KvTable.Utxo, k('b'), k('5'));
  assert.equal(text(w.get(KvTable.Utxo, k('b'))), '5');
  assert.equal(w.get(KvTable.Meta, k('a')), undefined, 'tables are separate');
  const writes: string[] = [];
  w.forEachWrite((t, key, value) => writes.push(`${t} ${text(key)} ${text(value) ?? '-'}`));
  assert.deepEqual(writes, ['utxo c 3', 'utxo a -', 'utxo a 4', 'utxo b 5']);
  assert.equal(w.size, 4);
});

test('a table written before its first read is indexed from the log', () => {
  const w = new OverlayWriter(snapshotOf({ a: '1' }));
  w.del(KvTable.Utxo, k('a'));
  w.put(KvTable.Utxo, k('z'), k('9'));
  assert.equal(w.get(KvTable.Utxo, k('a')), undefined);
  assert.equal(text(w.get(KvTable.Utxo, k('z'))), '9');
});

test('ranges merge the snapshot with own writes, in key order, within the limit', () => {
  const w = new OverlayWriter(snapshotOf({ a: '1', b: '2', c: '3', d: '4' }));
  w.del(KvTable.Utxo, k('b'));
  w.put(KvTable.Utxo, k('bb'), k('new'));
  w.put(KvTable.Utxo, k('c'), k('33'));
  w.put(KvTable.Utxo, k('e'), k('outside'));
  const range = (limit: number) =>
    w.range(KvTable.Utxo, k('a'), k('e'), limit).map(([key, v]) => `${text(key)}=${text(v)}`);
  assert.deepEqual(range(10), ['a=1', 'bb=new', 'c=33', 'd=4']);
  assert.deepEqual(range(2), ['a=1', 'bb=new']);
});
