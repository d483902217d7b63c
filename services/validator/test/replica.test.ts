// PSWV stage 1 across replicas, on real processes: a validator replica (replica-main.ts, its own
// process) answers signature batches on the chain's queue group with the same verdicts as local
// verification (valid, forged and odd-shaped sets); a validator's spreading verifier gets work done
// by it; a replica SIGKILLed in the middle, or no replica at all, costs time but no verdict.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import {
  createSignatureVerifier,
  createSpreadingSignatureVerifier,
  type Ed25519SignatureSet,
  ed25519PublicKeyFromSeed,
  ed25519Sign,
  sideDevnetParams,
} from '@bystack/protocol';
import { createNatsBus, type NatsBus } from '@bystack/runtime';
import { startNats, type TestServer } from '@bystack/testing';
import { createReplicaVerifier } from '../src/replica.ts';
import { startReplica } from './replica-process.ts';

const chainId = sideDevnetParams.chainId;

function signedSet(i: number): Ed25519SignatureSet {
  const seed = new Uint8Array(32).fill((i % 250) + 1);
  const message = new TextEncoder().encode(`replica ${i}`);
  const signature = ed25519Sign(seed, message);
  if (i % 5 === 2) signature[20]! ^= 4;
  return { publicKey: ed25519PublicKeyFromSeed(seed), message, signature };
}

describe('validator replicas (PSWV stage 1)', { timeout: 60_000 }, () => {
  let nats: TestServer;
  let bus: NatsBus;
  const children: ChildProcess[] = [];
  const sets = Array.from({ length: 600 }, (_, i) => signedSet(i));
  const odd = { ...signedSet(1000), publicKey: new Uint8Array(31) };
  const expected = sets.map((_, i) => i % 5 !== 2);

  before(async () => {
    nats = await startNats();
    bus = await createNatsBus({ servers: nats.url, name: 'replica-test' });
  });

  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await bus?.close();
    await nats?.stop();
  });

  test('no replica: the request fails fast and the spreading verifier checks everything locally', async () => {
    const remote = createReplicaVerifier(bus, chainId, 2000);
    await assert.rejects(remote.verifyAll(sets.slice(0, 3)));
    const spreading = createSpreadingSignatureVerifier(
      [
        { verifier: createSignatureVerifier(), concurrency: 1 },
        { verifier: remote, concurrency: 2 },
      ],
      { chunkSize: 100 },
    );
    assert.deepEqual(await spreading.verifyAll(sets), expected);
    assert.equal(spreading.stats().verified[1], 0);
  });

  test('a replica answers with the local verdicts, odd-shaped sets included, and takes its share', async () => {
    children.push(await startReplica({ natsUrl: nats.url, name: 'r1', chain: 'side-devnet' }));
    const remote = createReplicaVerifier(bus, chainId, 5000);
    assert.deepEqual(await remote.verifyAll([...sets.slice(0, 50), odd]), [...expected.slice(0, 50), false]);
    const spreading = createSpreadingSignatureVerifier(
      [
        { verifier: createSignatureVerifier(), concurrency: 1 },
        { verifier: remote, concurrency: 2 },
      ],
      { chunkSize: 50 },
    );
    assert.deepEqual(await spreading.verifyAll(sets), expected);
    assert.ok(spreading.stats().verified[1]! > 0, `the replica verified ${spreading.stats().verified[1]}`);
  });

  test('a replica SIGKILLed mid-way: its batches time out and are verified locally', async () => {
    const replica = await startReplica({ natsUrl: nats.url, name: 'r2', chain: 'side-devnet' });
    children.push(replica);
    for (const c of children.slice(0, -1)) c.kill('SIGKILL'); // only r2 serves now
    const remote = createReplicaVerifier(bus, chainId, 500);
    const spreading = createSpreadingSignatureVerifier(
      [
        { verifier: createSignatureVerifier(), concurrency: 1 },
        { verifier: remote, concurrency: 2 },
      ],
      { chunkSize: 20 },
    );
    const many = [...sets, ...sets, ...sets];
    const verdicts = spreading.verifyAll(many);
    setTimeout(() => replica.kill('SIGKILL'), 5);
    assert.deepEqual(await verdicts, [...expected, ...expected, ...expected]);
    const { verified } = spreading.stats();
    assert.equal(verified[0]! + verified[1]!, many.length);
  });
});
