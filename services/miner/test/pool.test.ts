// The nonce search on worker threads: it finds nonces that the protocol's proof-of-work check
// accepts, a replaced job never reports, and an abandoned one stops at once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type BlockHeader,
  blockId,
  checkProofOfWork,
  DEVNET_BITS,
  initialTensoritySeed,
  tensority,
} from '@bystack/protocol';
import { SearchPool } from '../src/pool.ts';
import type { FoundNonce } from '../src/types.ts';
import { hex, IMPOSSIBLE_BITS } from './support/fixtures.ts';
import { recordingLogger } from './support/log.ts';

const header: BlockHeader = {
  version: 1n,
  height: 7n,
  previousBlockId: new Uint8Array(32).fill(3),
  timestamp: 1_767_225_700n,
  transactionsMerkleRoot: new Uint8Array(32).fill(4),
  transactionStatusHash: new Uint8Array(32).fill(5),
  nonce: 0n,
  bits: DEVNET_BITS,
};
const seed = initialTensoritySeed();

describe('search pool', () => {
  let pool: SearchPool;
  before(() => {
    pool = new SearchPool({ threads: 2 }, recordingLogger().log);
  });
  after(() => pool.close());

  it('finds a nonce whose Tensority hash meets the bits', async () => {
    const found = await new Promise<FoundNonce>((resolve) => pool.search(header, seed, DEVNET_BITS, resolve));
    const withNonce = { ...header, nonce: found.nonce };
    assert.equal(hex(found.blockId), hex(blockId(withNonce)));
    const hash = tensority(found.blockId, seed);
    assert.equal(hex(found.hash), hex(hash));
    assert.ok(checkProofOfWork(hash, DEVNET_BITS));
    assert.equal(pool.searching, false);
    assert.ok(pool.hashes() >= 1n);
  });

  it('never reports a job that a newer one replaced', async () => {
    let stale = 0;
    pool.search(header, seed, DEVNET_BITS, () => stale++);
    const found = await new Promise<FoundNonce>((resolve) =>
      pool.search({ ...header, height: 8n }, seed, DEVNET_BITS, resolve),
    );
    assert.equal(hex(found.blockId), hex(blockId({ ...header, height: 8n, nonce: found.nonce })));
    assert.equal(stale, 0);
  });

  it('stops an abandoned search at once: no hash after the threads acknowledge', async () => {
    const start = pool.hashes();
    pool.search(header, seed, IMPOSSIBLE_BITS, () => assert.fail('no nonce meets a zero target'));
    assert.equal(pool.searching, true);
    while (pool.hashes() < start + 2n) await new Promise((r) => setTimeout(r, 10));
    pool.abandon();
    assert.equal(pool.searching, false);
    await pool.idle();
    const stopped = pool.hashes();
    // A full Tensority check on the separate thread: a search thread still running would have hashed meanwhile.
    const checked = await pool.check({ ...header, nonce: 1n }, seed);
    assert.equal(hex(checked.blockId), hex(blockId({ ...header, nonce: 1n })));
    assert.equal(pool.hashes(), stopped);
  });
});
