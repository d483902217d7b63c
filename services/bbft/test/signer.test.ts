// The signer and its guard on a real LMDB store: the (height, id) record is durable before a
// signature exists, a second block at a height is refused now and after a restart, concurrent
// offers at one height yield one signature, and producers sharing a store keep separate records.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  devnetProducerXPrv,
  ed25519ProducerVerifier as producerVerify,
  sha3,
  verifyBlockSignature,
  xprvToXPub,
} from '@bystack/protocol';
import { createLmdbStore, type DurableStore } from '@bystack/runtime';
import { Signer } from '../src/signer.ts';
import { StoreSignerGuard, signerKeyspace } from '../src/signer-guard.ts';

const idOf = (name: string) => sha3(new TextEncoder().encode(name));
const hex = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('hex'));

describe('Signer with the LMDB signer guard', () => {
  let dir: string;
  let store: DurableStore;
  const xprv = devnetProducerXPrv(1);
  const guardFor = (s: DurableStore, index = 1) =>
    new StoreSignerGuard(s, signerKeyspace('side-1', xprvToXPub(devnetProducerXPrv(index))));

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bbft-signer-'));
    store = await createLmdbStore({ path: path.join(dir, 'lmdb') });
  });
  after(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs once per height and refuses another block there', async () => {
    const signer = new Signer({ xprv }, guardFor(store));
    await signer.load();
    const first = await signer.sign(5n, idOf('a'), 'peer');
    assert.equal(first.kind, 'signed');
    assert.ok(first.kind === 'signed' && verifyBlockSignature(signer.xpub, idOf('a'), first.signature, producerVerify));
    assert.equal((await signer.sign(5n, idOf('a'), 'peer')).kind, 'signed', 'the same block again');
    const refused = await signer.sign(5n, idOf('b'), 'own');
    assert.equal(refused.kind, 'refused');
    assert.equal(refused.kind === 'refused' && hex(refused.signed), hex(idOf('a')));
    assert.equal(signer.lastSigned?.height, 5n);
  });

  it('persists before signing: a crash at that point still refuses another block after a restart', async () => {
    const crashing = new Signer(
      {
        xprv,
        onPersisted: () => {
          throw new Error('simulated crash after the record');
        },
      },
      guardFor(store),
    );
    await crashing.load();
    await assert.rejects(crashing.sign(9n, idOf('c'), 'own'), /simulated crash/);
    const reopened = await createLmdbStore({ path: path.join(dir, 'lmdb') });
    try {
      const restarted = new Signer({ xprv }, guardFor(reopened));
      await restarted.load();
      assert.equal(restarted.lastSigned?.height, 9n);
      assert.equal(hex(restarted.lastSigned?.id), hex(idOf('c')));
      assert.equal((await restarted.sign(9n, idOf('d'), 'peer')).kind, 'refused');
      assert.equal((await restarted.sign(5n, idOf('b'), 'peer')).kind, 'refused', 'older records hold too');
      assert.equal((await restarted.sign(10n, idOf('d'), 'peer')).kind, 'signed');
    } finally {
      await reopened.close();
    }
  });

  it('two blocks offered at once at one height: one signature', async () => {
    const signer = new Signer({ xprv }, guardFor(store));
    await signer.load();
    const results = await Promise.all([signer.sign(20n, idOf('x'), 'peer'), signer.sign(20n, idOf('y'), 'peer')]);
    assert.deepEqual(results.map((r) => r.kind).sort(), ['refused', 'signed']);
  });

  it('producers sharing a store keep separate records', async () => {
    const other = new Signer({ xprv: devnetProducerXPrv(2) }, guardFor(store, 2));
    await other.load();
    assert.equal(other.lastSigned, undefined);
    assert.equal((await other.sign(5n, idOf('b'), 'peer')).kind, 'signed');
    assert.equal(hex(await guardFor(store).getSigned(5n)), hex(idOf('a')));
  });
});
