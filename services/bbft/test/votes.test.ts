// Issue 5, point 6, on real processes (a node's validator and mempool on the side devnet, its four
// devnet producers, and a fifth bbft process holding a candidate's key): a vote of the minimum
// producer stake for the candidate, confirmed in round r, makes the candidate the producer of round
// r + 1 (Vapor elects voted candidates only, so it produces alone, and its blocks become
// irreversible with its own signature); a veto of that vote, confirmed in round s, gives round s + 1
// back to the devnet producers. The producers read peers' blocks to their headers and the tally's
// facts from their transactions' bytes: the blocks holding the vote and the veto, as the validator
// holds them, give the tally the same view read that way as decoded whole.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chainV1 } from '@bystack/proto';
import {
  consensusBlockOf,
  consensusBlockOfHead,
  createDevnetPegIn,
  createSideTxEntries,
  decodeSideBlock,
  decodeSideBlockHead,
  devnetControlProgram,
  devnetXPrv,
  roundOfHeight,
  type SideTx,
  sha3,
  sideDevnetParams,
  type XPrv,
  xprvSign,
  xprvToXPub,
  xpubToPublicKey,
} from '@bystack/protocol';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { type ProducerProcess, waitFor } from './support/network.ts';
import { type HeldBlock, SideNode } from './support/side-node.ts';

const params = sideDevnetParams;
const R = params.consensus.roundLength;
const STAKE = params.consensus.minProducerStake;
const FEE = 10_000_000n;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const voter = devnetXPrv('voter', 0);
const voterProgram = devnetControlProgram(xprvToXPub(voter));
const candidate = devnetXPrv('candidate', 0);
const candidateKey = xprvToXPub(candidate);

type Coin = {
  sourceId: Uint8Array;
  sourcePosition: bigint;
  assetId: Uint8Array;
  amount: bigint;
  controlProgram: Uint8Array;
};

/** `unsigned` with input 0 signed by `key` (P2WPKH: signature, public key). */
function signed(unsigned: SideTx, key: XPrv): { tx: SideTx; id: Uint8Array; muxId: Uint8Array } {
  const entries = createSideTxEntries(unsigned);
  const args = [xprvSign(key, entries.sigHashes[0]!), xpubToPublicKey(xprvToXPub(key))];
  const input = { ...unsigned.inputs[0]!, arguments: args } as SideTx['inputs'][number];
  return { tx: { ...unsigned, inputs: [input] }, id: entries.txId, muxId: entries.muxId };
}

describe('votes move producers (DPoS on the side devnet)', { timeout: 240_000 }, () => {
  let nats: TestServer;
  let redis: TestServer;
  let node: SideNode;
  let dataDir: string;
  let producers: ProducerProcess[];
  let candidateProcess: ProducerProcess;

  before(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    dataDir = mkdtempSync(path.join(tmpdir(), 'bbft-votes-'));
    node = await SideNode.start({ natsUrl: nats.url, redisUrl: redis.url, dataDir });
    producers = [0, 1, 2, 3].map((index) => node.producer(index));
    candidateProcess = node.producer(0);
    await Promise.all(producers.map((p) => p.start()));
    await candidateProcess.start({ BYSTACK_BBFT_PRODUCER_XPRV: hex(candidate) });
  });

  after(async () => {
    await Promise.all([...(producers ?? []), candidateProcess].filter(Boolean).map((p) => p.kill()));
    await node?.stop();
    await Promise.all([nats?.stop(), redis?.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Waits for `txId` to be in a main-chain block; its block. */
  const confirmed = (what: string, txId: Uint8Array) =>
    waitFor(
      what,
      async () => {
        const s = await node.chain.getTxStatus({ chain: node.chainRef, txId: Buffer.from(txId) });
        return s.status === chainV1.TxStatus.TX_STATUS_CONFIRMED ? s.block! : undefined;
      },
      30_000,
    );
  /** The tally's view of block `blockId` from the validator's bytes: read to its header, as decoded whole. */
  const tallyView = async (blockId: Uint8Array) => {
    const selector = { $case: 'blockId' as const, value: Buffer.from(blockId) };
    const bytes = (await node.chain.getBlock({ chain: node.chainRef, selector })).block!.bytes;
    const view = consensusBlockOfHead(decodeSideBlockHead(bytes), blockId);
    assert.deepStrictEqual(view, consensusBlockOf(decodeSideBlock(bytes), blockId));
    return view;
  };
  /** The producers elected for round `round` (by the tally of the last block of round - 1). */
  const producersOf = async (round: bigint) => {
    const electionBlock = await waitFor(`block ${(round - 1n) * R}`, () => node.atHeight((round - 1n) * R), 60_000);
    return (await node.roundAfter(electionBlock.id)).producers.producers;
  };
  /** An irreversible block of `round` (waits for one). */
  const irreversibleIn = (round: bigint): Promise<HeldBlock> =>
    waitFor(
      `an irreversible block of round ${round}`,
      async () => {
        const b = await node.irreversible();
        return roundOfHeight(params.consensus, b.height) >= round ? b : undefined;
      },
      90_000,
    );

  let voteRound: bigint;
  let vote: ReturnType<typeof signed>;

  it('a candidate voted the minimum stake produces, alone, in the next round', async () => {
    const peg = createDevnetPegIn({
      sourceId: sha3(new TextEncoder().encode('votes test peg-in')),
      amount: STAKE + 2n * FEE,
      fee: FEE,
      controlProgram: voterProgram,
    });
    await node.submitTxs([peg]);
    const pegged: Coin = {
      sourceId: createSideTxEntries(peg).muxId,
      sourcePosition: 0n,
      assetId: peg.outputs[0]!.assetId,
      amount: peg.outputs[0]!.amount,
      controlProgram: voterProgram,
    };
    await confirmed('the peg-in', createSideTxEntries(peg).txId);
    vote = signed(
      {
        version: 1n,
        timeRange: 0n,
        inputs: [{ type: 'spend', ...pegged, arguments: [] }],
        outputs: [
          { type: 'vote', vote: candidateKey, assetId: pegged.assetId, amount: STAKE, controlProgram: voterProgram },
        ],
      },
      voter,
    );
    await node.submitTxs([vote.tx]);
    const at = await confirmed('the vote', vote.id);
    voteRound = roundOfHeight(params.consensus, at.height);
    const votes = (await tallyView(at.blockId)).transactions.flatMap((t) => t.votes);
    assert.deepEqual(
      votes.map((v) => [hex(v.producerKey), v.amount]),
      [[hex(candidateKey), STAKE]],
    );

    const before = await node.roundAfter(at.blockId);
    assert.equal(before.producers.producers.length, 4, 'the vote does not change the round it is in');
    const next = await producersOf(voteRound + 1n);
    assert.deepEqual(
      next.map((p) => hex(p.producerKey)),
      [hex(candidateKey)],
    );
    const b = await irreversibleIn(voteRound + 1n);
    assert.equal(await node.ownerOf(b), 0, 'the candidate owns every slot of its round');
    assert.ok(
      b.block.header.witness.some((s) => s.length > 0),
      'signed by the candidate',
    );
  });

  it('a veto of the vote gives the round after back to the devnet producers', async () => {
    const voteOutput: Coin = {
      sourceId: vote.muxId,
      sourcePosition: 0n,
      assetId: vote.tx.outputs[0]!.assetId,
      amount: STAKE,
      controlProgram: voterProgram,
    };
    const veto = signed(
      {
        version: 1n,
        timeRange: 0n,
        inputs: [{ type: 'veto', ...voteOutput, vote: candidateKey, arguments: [] }],
        outputs: [
          { type: 'intraChain', assetId: voteOutput.assetId, amount: STAKE - FEE, controlProgram: voterProgram },
        ],
      },
      voter,
    );
    const at = await waitFor(
      'the veto to be admitted and confirmed',
      async () => {
        try {
          await node.submitTxs([veto.tx]);
        } catch (err) {
          // Refused while the vote is younger than the vote maturity; pending already on a retry.
          if (!/IMMATURE|DUPLICATE/.test(String((err as { code?: string }).code))) throw err;
        }
        return confirmed('the veto', veto.id);
      },
      60_000,
      1000,
    );
    const vetoRound = roundOfHeight(params.consensus, at.height);
    const vetoes = (await tallyView(at.blockId)).transactions.flatMap((t) => t.vetoes);
    assert.deepEqual(
      vetoes.map((v) => [hex(v.producerKey), v.amount]),
      [[hex(candidateKey), STAKE]],
    );
    assert.deepEqual(
      (await producersOf(vetoRound + 1n)).map((p) => hex(p.producerKey)),
      producers.map((p) => p.key),
    );
    const b = await irreversibleIn(vetoRound + 1n);
    assert.ok(b.height > vetoRound * R);
  });
});
