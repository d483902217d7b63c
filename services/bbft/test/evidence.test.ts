// Double-sign detection (the signature ledger) and the evidence store.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  devnetProducerXPrv,
  ed25519ProducerVerifier as producerVerify,
  sha3,
  verifyDoubleSignEvidence,
  xprvSign,
  xprvToXPub,
} from '@bystack/protocol';
import { EvidenceStore } from '../src/evidence-store.ts';
import { SignatureLedger } from '../src/signature-ledger.ts';

const xprv = devnetProducerXPrv(2);
const producerKey = xprvToXPub(xprv);
const idOf = (name: string) => sha3(new TextEncoder().encode(name));
const signed = (name: string, height: bigint) => ({
  producerKey,
  height,
  blockId: idOf(name),
  signature: xprvSign(xprv, idOf(name)),
});

describe('SignatureLedger', () => {
  it('takes one block per producer and height, and proves a second one', () => {
    const ledger = new SignatureLedger();
    assert.deepEqual(ledger.record(signed('a', 7n)), { kind: 'ok' });
    assert.deepEqual(ledger.record(signed('a', 7n)), { kind: 'ok' }, 'the same block again');
    assert.deepEqual(ledger.record(signed('b', 8n)), { kind: 'ok' }, 'another height');
    const second = ledger.record(signed('c', 7n));
    assert.equal(second.kind, 'double-sign');
    assert.ok(second.kind === 'double-sign' && second.fresh);
    const heights = new Map([
      [Buffer.from(idOf('a')).toString('hex'), 7n],
      [Buffer.from(idOf('c')).toString('hex'), 7n],
    ]);
    assert.equal(
      verifyDoubleSignEvidence(second.evidence, producerVerify, (id) => heights.get(Buffer.from(id).toString('hex'))),
      true,
    );
    assert.equal(ledger.isFaulty(producerKey, 7n), true);
    assert.equal(ledger.isFaulty(producerKey, 8n), false);
    const again = ledger.record(signed('a', 7n));
    assert.ok(again.kind === 'double-sign' && !again.fresh, 'a faulty producer counts for no block at that height');
  });

  it('takes evidence proven elsewhere, and forgets old heights', () => {
    const source = new SignatureLedger();
    source.record(signed('a', 3n));
    const proof = source.record(signed('b', 3n));
    assert.ok(proof.kind === 'double-sign');
    const ledger = new SignatureLedger();
    ledger.markFaulty(proof.evidence);
    assert.equal(ledger.isFaulty(producerKey, 3n), true);
    assert.equal(ledger.record(signed('a', 3n)).kind, 'double-sign');
    ledger.pruneBelow(4n);
    assert.equal(ledger.size, 0);
  });
});

describe('EvidenceStore', () => {
  it('keeps records once, across a restart through its file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bbft-evidence-'));
    try {
      const file = path.join(dir, 'sub', 'evidence');
      const ledger = new SignatureLedger();
      ledger.record(signed('a', 9n));
      const proof = ledger.record(signed('b', 9n));
      assert.ok(proof.kind === 'double-sign');
      const store = new EvidenceStore({ file, clock: () => 1234 });
      assert.ok(store.add(proof.evidence, 'detected'));
      assert.equal(store.add(proof.evidence, 'received'), undefined, 'held already');
      const reopened = new EvidenceStore({ file });
      assert.equal(reopened.size, 1);
      const [record] = reopened.list();
      assert.equal(record!.source, 'detected');
      assert.equal(record!.seenAtMs, 1234);
      assert.equal(reopened.has(proof.evidence), true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
