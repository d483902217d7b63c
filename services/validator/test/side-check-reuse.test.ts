// A side-chain producer checks its block (checkOnly), signs it, and submits it again; the other
// producers submit the same block with their signatures. The validator, in process against real
// nats-server and redis-server, runs the transaction checks and the UTXO checks once for that
// (its `stats` counters), checks the witness of the signed submission as if nothing had been
// checked before, runs stage 2 again when the tip moved in between, decodes the other producers'
// copies (nor of a competing block) no more, and keeps at most a few checked blocks.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bbftV1 } from '@bystack/proto';
import {
  createDevnetPegIn,
  decodeSideBlock,
  devnetControlProgram,
  devnetXPrv,
  encodeSideBlock,
  encodeSideBlockHeader,
  type SideBlock,
  type SideTx,
  sha3,
  sideBlockId,
  sideDevnetParams,
  witnessWith,
  xprvSign,
  xprvToXPub,
} from '@bystack/protocol';
import { createNatsBus, isRpcError, type NatsBus, statusName, subject } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import type { PipelineStats } from '../src/pipeline.ts';
import { Disposition, hex, type InProcessValidator, startValidator, tempDir } from './devnet.ts';
import { SideBlockMaker } from './side-blocks.ts';

const params = sideDevnetParams;
const chain = { chainId: params.chainId };
const INTERVAL = params.consensus.blockIntervalMs;
const recipient = devnetControlProgram(xprvToXPub(devnetXPrv('recipient', 0)));

let pegIns = 0;
function pegIn(): SideTx {
  const sourceId = sha3(new TextEncoder().encode(`check-reuse peg-in ${pegIns++}`));
  return createDevnetPegIn({ sourceId, amount: 1_000_000_000n, fee: 10_000_000n, controlProgram: recipient });
}

describe('a checked side block submitted signed', { timeout: 60_000 }, () => {
  let nats: TestServer;
  let redis: TestServer;
  let bus: NatsBus;
  let dir: ReturnType<typeof tempDir>;
  let v: InProcessValidator;
  const maker = new SideBlockMaker(params);
  const { producers } = maker;

  const submit = (block: SideBlock, checkOnly = false) =>
    v.client.submitBlock({ chain, block: { bytes: Buffer.from(encodeSideBlock(block)) }, checkOnly });
  const tipId = async () => hex((await v.client.getTip({ chain })).tip!.blockId);
  const stored = async (id: Uint8Array) =>
    decodeSideBlock(
      (await v.client.getBlock({ chain, selector: { $case: 'blockId', value: Buffer.from(id) } })).block!.bytes,
    );
  /** What the pipeline did since `from`. */
  const since = (from: PipelineStats): PipelineStats => {
    const now = v.v.chain.stats;
    return {
      bodyDecodes: now.bodyDecodes - from.bodyDecodes,
      stage1Runs: now.stage1Runs - from.stage1Runs,
      stage1Reused: now.stage1Reused - from.stage1Reused,
      stage2Runs: now.stage2Runs - from.stage2Runs,
      stage2Reused: now.stage2Reused - from.stage2Reused,
      txChecksPooled: now.txChecksPooled - from.txChecksPooled,
    };
  };
  const stats = () => ({ ...v.v.chain.stats });
  const signedBy = (block: SideBlock, id: Uint8Array, slots: readonly number[], key = (p: number) => producers[p]!) => {
    const witness = producers.map((_, p) => (slots.includes(p) ? xprvSign(key(p), id) : new Uint8Array(0)));
    return { ...block, header: { ...block.header, witness } };
  };
  async function rejects(promise: Promise<unknown>, code: string): Promise<void> {
    await assert.rejects(promise, (err: unknown) => isRpcError(err) && err.code === code);
  }

  before(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    bus = await createNatsBus({ servers: nats.url, name: 'check-reuse-test' });
    dir = tempDir('check-reuse');
    v = await startValidator({ natsUrl: nats.url, redisUrl: redis.url, dataDir: dir.path, chain: 'side-devnet' });
  });

  after(async () => {
    await v?.stop();
    await bus?.close();
    dir?.remove();
    await Promise.all([nats?.stop(), redis?.stop()]);
  });

  let parent: SideBlock = maker.genesis;
  let ts = maker.genesis.header.timestamp + 10n * INTERVAL;
  const nextTs = () => {
    ts += INTERVAL;
    return ts;
  };

  test('the transaction and UTXO checks run once; the other producers’ copies are not decoded again', async () => {
    const made = await maker.blockOn(parent, nextTs(), [pegIn(), pegIn()], 'none');
    const start = stats();
    assert.equal((await submit(made.block, true)).disposition, Disposition.BLOCK_DISPOSITION_CHECKED);
    const signed = signedBy(made.block, made.id, [made.owner]);
    assert.equal((await submit(signed)).disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
    assert.deepEqual(since(start), {
      bodyDecodes: 1,
      stage1Runs: 1,
      stage1Reused: 1,
      stage2Runs: 1,
      stage2Reused: 1,
      txChecksPooled: 0,
    });
    assert.equal(await tipId(), hex(made.id));

    // Another producer submits it with its own signature too: a duplicate; its signature is kept.
    const other = (made.owner + 1) % producers.length;
    const copy = signedBy(made.block, made.id, [made.owner, other]);
    assert.equal((await submit(copy)).disposition, Disposition.BLOCK_DISPOSITION_DUPLICATE);
    assert.equal(since(start).bodyDecodes, 1, 'the copy shares the filed block’s transactions');
    const witness = (await stored(made.id)).header.witness;
    assert.equal(hex(witness[made.owner]!), hex(signed.header.witness[made.owner]!));
    assert.equal(hex(witness[other]!), hex(copy.header.witness[other]!));
    parent = made.block;
  });

  test('the witness of the signed submission is checked in full', async () => {
    const made = await maker.blockOn(parent, nextTs(), [pegIn()], 'none');
    assert.equal((await submit(made.block, true)).disposition, Disposition.BLOCK_DISPOSITION_CHECKED);
    const start = stats();
    const outsider = devnetXPrv('outsider', 0);
    await rejects(submit(made.block), 'PRODUCER_SIGNATURE_MISSING');
    await rejects(submit(signedBy(made.block, made.id, [made.owner], () => outsider)), 'BAD_PRODUCER_SIGNATURE');
    // The owner's signature over another block's id is no signature of this one.
    await rejects(
      submit({
        ...made.block,
        header: {
          ...made.block.header,
          witness: witnessWith(
            producers.length,
            made.owner,
            xprvSign(producers[made.owner]!, sideBlockId(parent.header)),
          ),
        },
      }),
      'BAD_PRODUCER_SIGNATURE',
    );
    assert.equal(await tipId(), hex(sideBlockId(parent.header)), 'the chain stays');
    // Signed by its owner, with a forged signature in another slot: filed, with the forged one dropped.
    const other = (made.owner + 1) % producers.length;
    const forged = signedBy(made.block, made.id, [made.owner, other], (p) => (p === other ? outsider : producers[p]!));
    assert.equal((await submit(forged)).disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
    const s = since(start);
    assert.equal(s.stage1Runs, 0, 'the transactions were checked once, at the check');
    assert.equal(s.stage1Reused, 4, 'every signed submission had its witness checked');
    const witness = (await stored(made.id)).header.witness;
    assert.equal(hex(witness[made.owner]!), hex(forged.header.witness[made.owner]!));
    assert.equal(witness[other]!.length, 0, 'the forged signature is not filed');
    parent = made.block;
  });

  test('a tip change between the check and the submission runs stage 2 again', async () => {
    const t = await maker.blockOn(parent, nextTs());
    assert.equal((await submit(t.block)).disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
    const x = await maker.blockOn(t.block, nextTs(), [pegIn()], 'none');
    assert.equal((await submit(x.block, true)).disposition, Disposition.BLOCK_DISPOSITION_CHECKED);
    // A longer branch from t's parent takes the tip; then t, signed by 3 of 4, takes it back.
    const a1 = await maker.blockOn(parent, nextTs());
    const a2 = await maker.blockOn(a1.block, nextTs());
    assert.equal((await submit(a1.block)).disposition, Disposition.BLOCK_DISPOSITION_SIDE_BRANCH);
    assert.equal((await submit(a2.block)).disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
    for (const p of [0, 1, 2, 3].filter((p) => p !== t.owner).slice(0, 2)) {
      bus.publish(subject(params.chainId, 'net', 'sig'), bbftV1.BlockSignature, {
        blockId: Buffer.from(t.id),
        height: t.block.header.height,
        producerXpub: Buffer.from(xprvToXPub(producers[p]!)),
        signature: Buffer.from(xprvSign(producers[p]!, t.id)),
      });
    }
    await bus.flush();
    for (let i = 0; i < 50 && (await tipId()) !== hex(t.id); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await tipId(), hex(t.id), 'the irreversible branch is the chain again');

    const start = stats();
    const signed = signedBy(x.block, x.id, [x.owner]);
    assert.equal((await submit(signed)).disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
    assert.deepEqual(since(start), {
      bodyDecodes: 0,
      stage1Runs: 0,
      stage1Reused: 1,
      stage2Runs: 1,
      stage2Reused: 0,
      txChecksPooled: 0,
    });
    parent = x.block;
  });

  test('a few checked blocks are kept, the oldest forgotten', async () => {
    const made = [];
    for (let i = 0; i < 6; i++)
      made.push(await maker.blockOn(parent, ts + BigInt(i + 1) * INTERVAL, [pegIn()], 'none'));
    for (const m of made)
      assert.equal((await submit(m.block, true)).disposition, Disposition.BLOCK_DISPOSITION_CHECKED);
    const start = stats();
    const first = made[0]!;
    assert.equal(
      (await submit(signedBy(first.block, first.id, [first.owner]))).disposition,
      Disposition.BLOCK_DISPOSITION_CONNECTED,
    );
    assert.equal(since(start).stage1Runs, 1, 'the oldest check was forgotten: its transactions are checked again');
    const last = made.at(-1)!;
    assert.equal(
      (await submit(signedBy(last.block, last.id, [last.owner]))).disposition,
      Disposition.BLOCK_DISPOSITION_SIDE_BRANCH,
    );
    assert.equal(since(start).stage1Runs, 1, 'the newest check was kept');
    assert.equal(since(start).stage1Reused, 1);
    // The competing block again, from another producer: a duplicate, not decoded whole again.
    const decodes = since(start).bodyDecodes;
    const other = (last.owner + 1) % producers.length;
    const copy = signedBy(last.block, last.id, [last.owner, other]);
    assert.equal((await submit(copy)).disposition, Disposition.BLOCK_DISPOSITION_DUPLICATE);
    assert.equal(since(start).bodyDecodes, decodes);
    assert.equal(hex((await stored(last.id)).header.witness[other]!), hex(copy.header.witness[other]!));
  });
  test('a header alone names a block the validator holds: its signed submission, another producer’s copy', async () => {
    const tipBlock = await stored(Buffer.from(await tipId(), 'hex'));
    const made = await maker.blockOn(tipBlock, ts + 20n * INTERVAL, [pegIn()], 'none');
    const byHeader = (block: SideBlock) =>
      v.client.submitBlock({ chain, header: { bytes: Buffer.from(encodeSideBlockHeader(block.header)) } });
    const signed = signedBy(made.block, made.id, [made.owner]);
    // Not held yet: the whole block is asked for, and nothing changes.
    const before = await tipId();
    await rejects(byHeader(signed), 'UNKNOWN_BLOCK_BODY');
    assert.equal(await tipId(), before);

    assert.equal((await submit(made.block, true)).disposition, Disposition.BLOCK_DISPOSITION_CHECKED);
    const start = stats();
    // The header without the owner's signature is refused as the whole block would be.
    await rejects(byHeader(made.block), 'PRODUCER_SIGNATURE_MISSING');
    assert.equal((await byHeader(signed)).disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
    assert.equal(await tipId(), hex(made.id));
    assert.equal(since(start).bodyDecodes, 0, 'the checked block’s transactions are taken');
    assert.equal(since(start).stage1Reused, 2);

    // Another producer's copy by its header: a duplicate whose signature is kept.
    const other = (made.owner + 1) % producers.length;
    const copy = signedBy(made.block, made.id, [made.owner, other]);
    assert.equal((await byHeader(copy)).disposition, Disposition.BLOCK_DISPOSITION_DUPLICATE);
    assert.equal(hex((await stored(made.id)).header.witness[other]!), hex(copy.header.witness[other]!));

    // A block and a header at once; a header that does not decode.
    await rejects(
      v.client.submitBlock({
        chain,
        block: { bytes: Buffer.from(encodeSideBlock(copy)) },
        header: { bytes: Buffer.from(encodeSideBlockHeader(copy.header)) },
      }),
      'BAD_REQUEST',
    );
    await assert.rejects(
      v.client.submitBlock({ chain, header: { bytes: Buffer.from([1, 2, 3]) } }),
      (err: unknown) => isRpcError(err) && statusName(err.grpcStatus) === 'INVALID_ARGUMENT',
    );
    assert.equal(await tipId(), hex(made.id));
  });
});
