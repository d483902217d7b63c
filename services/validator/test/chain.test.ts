// The validator in process against real nats-server and redis-server: genesis, a mined devnet chain
// across a retarget submitted through gRPC, every kind of invalid block rejected with its code and
// the chain unchanged, orphans, reorganizations (and a failed one), the queries and WatchBlocks, and
// what it publishes (net.block, the node's JetStream events).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { chainV1 } from '@bystack/proto';
import { bitsToTarget, createTxEntries, DEVNET_BITS, encodeBlock, type Tx } from '@bystack/protocol';
import { createNatsBus, isRpcError, type NatsBus, subject } from '@bystack/runtime';
import { startNats, startRedis, type TestServer } from '@bystack/testing';
import { eventStreamSpec } from '../src/index.ts';
import {
  btm,
  type Coin,
  coinsOf,
  Disposition,
  devnetGenesis,
  FEE,
  faucet,
  fromGenesis,
  hex,
  type InProcessValidator,
  type MinedBlock,
  mine,
  mineChain,
  outputIdOf,
  startValidator,
  submit,
  tempDir,
  testKey,
  transfer,
} from './devnet.ts';

async function rejects(promise: Promise<unknown>, code: string, status?: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isRpcError(err), `expected an RpcError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (status) assert.equal(err.grpcStatus, statusNumber(status));
    return true;
  });
}

const statusNumber = (name: string) => ({ INVALID_ARGUMENT: 3, NOT_FOUND: 5, FAILED_PRECONDITION: 9 })[name];

describe('validator (in process)', () => {
  let nats: TestServer;
  let redis: TestServer;
  let dir: ReturnType<typeof tempDir>;
  let node: InProcessValidator;
  let bus: NatsBus;
  const announced: string[] = [];
  const A = testKey('a');
  const B = testKey('b');
  const C = testKey('c');
  let chain: MinedBlock[] = [];
  let coinsA: Coin[] = [];
  let tip: MinedBlock;

  before(async () => {
    [nats, redis] = await Promise.all([startNats(), startRedis()]);
    dir = tempDir('chain');
    node = await startValidator({ natsUrl: nats.url, redisUrl: redis.url, dataDir: dir.path });
    bus = await createNatsBus({ servers: nats.url });
    bus.subscribe(subject('main', 'net', 'block'), chainV1.BlockAnnounce, (a) => {
      announced.push(a.originNode);
    });
    await bus.flush();
  });

  after(async () => {
    await bus?.close();
    await node?.stop();
    await Promise.all([nats?.stop(), redis?.stop()]);
    dir?.remove();
  });

  const tipOf = async () => {
    const r = await node.client.getTip({ chain: { chainId: 'main' } });
    return { id: hex(r.tip!.blockId), height: Number(r.tip!.height) };
  };

  const utxosOf = async (program: Uint8Array) =>
    (await node.client.listUtxos({ chain: { chainId: 'main' }, controlProgram: Buffer.from(program) })).utxos;

  /** Every message of the node's event stream: [subject, decoded]. */
  async function events(): Promise<
    { subject: string; committed?: chainV1.BlockCommitted; reorged?: chainV1.BlockReorged }[]
  > {
    const js = await bus.jetstream();
    const name = eventStreamSpec('main', 'n0').name;
    const info = await js.manager.streams.info(name);
    const out = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await js.manager.streams.getMessage(name, { seq });
      if (!m) continue;
      out.push(
        m.subject.endsWith('.committed')
          ? { subject: m.subject, committed: chainV1.BlockCommitted.decode(m.data) }
          : { subject: m.subject, reorged: chainV1.BlockReorged.decode(m.data) },
      );
    }
    return out;
  }

  test('starts from the devnet genesis and publishes its committed event', async () => {
    const genesis = fromGenesis();
    assert.deepEqual(await tipOf(), { id: hex(genesis.id), height: 0 });
    const got = await node.client.getBlock({ chain: { chainId: 'main' }, selector: { $case: 'height', value: 0n } });
    assert.deepEqual(hex(got.block!.bytes), hex(encodeBlock(devnetGenesis())));
    const faucetUtxos = await utxosOf(faucet.program);
    assert.equal(faucetUtxos.length, 1);
    assert.equal(faucetUtxos[0]!.coinbase, true);
    const ev = await events();
    assert.equal(ev.length, 1);
    assert.equal(hex(ev[0]!.committed!.ref!.blockId), hex(genesis.id));
    tip = genesis;
  });

  test('connects a mined chain submitted through gRPC, across a retarget', async () => {
    const genesisCoin = coinsOf(devnetGenesis().transactions[0]!, faucet)[0]!;
    // Blocks 1-5 come faster than the 2 s target, so the retarget after block 20 makes mining harder.
    // Block 6 splits the faucet's genesis coin (mature after 5 blocks) into coins of A.
    chain = mineChain(tip, 5, { spacing: 1n });
    const split = transfer(
      [genesisCoin],
      [
        btm(1_000_000_000n, A.program),
        btm(1_000_000_000n, A.program),
        btm(1_000_000_000n, A.program),
        btm(1_000_000_000n, A.program),
        btm(1_000_000_000n, A.program),
        btm(genesisCoin.amount - 5_000_000_000n - FEE, faucet.program),
      ],
    );
    chain.push(mine(chain.at(-1)!, { txs: [split] }));
    coinsA = coinsOf(split, A).slice(0, 5);
    const pay = transfer([coinsA[0]!], [btm(coinsA[0]!.amount - FEE, B.program)]);
    chain.push(mine(chain.at(-1)!, { txs: [pay] }));
    chain.push(...mineChain(chain.at(-1)!, 15)); // up to height 22: past the retarget at 20
    for (const b of chain) {
      const r = await submit(node.client, b);
      assert.equal(r.disposition, Disposition.BLOCK_DISPOSITION_CONNECTED, `height ${b.height}`);
      assert.equal(Number(r.ref!.height), b.height);
    }
    tip = chain.at(-1)!;
    assert.deepEqual(await tipOf(), { id: hex(tip.id), height: 22 });
    const bits20 = chain[19]!.block.header.bits;
    const bits21 = chain[20]!.block.header.bits;
    assert.equal(bits20, DEVNET_BITS);
    assert.notEqual(bits21, bits20, 'the retarget after block 20 changed the bits');
    assert.ok(bitsToTarget(bits21) < bitsToTarget(bits20), 'to a harder target');
    // A submitted block is announced on net.block, once each. The validator's publish reaches this
    // subscriber after its answer to SubmitBlock: wait for them all, then for any extra one.
    const fromN0 = () => announced.filter((n) => n === 'n0').length;
    for (const deadline = Date.now() + 5000; fromN0() < chain.length && Date.now() < deadline; ) await sleep(20);
    await sleep(100);
    assert.equal(fromN0(), chain.length);
    // Duplicate.
    const again = await submit(node.client, chain[3]!);
    assert.equal(again.disposition, Disposition.BLOCK_DISPOSITION_DUPLICATE);
    // Balances.
    assert.equal((await utxosOf(B.program)).length, 1);
    assert.equal((await utxosOf(A.program)).length, 4);
    const status = await node.client.getTxStatus({ chain: { chainId: 'main' }, txId: Buffer.from(txIdOf(pay)) });
    assert.equal(status.status, chainV1.TxStatus.TX_STATUS_CONFIRMED);
    assert.equal(Number(status.block!.height), 7);
    assert.equal(status.confirmations, 22 - 7 + 1);
  });

  test('rejects each kind of invalid block with its code, and changes nothing', async () => {
    const before = await tipOf();
    const aBefore = (await utxosOf(A.program)).length;
    const spent = coinsA[0]!; // spent at height 7
    const madeUp: Coin = { ...coinsA[1]!, sourcePosition: 99n };
    const cases: [string, string, () => MinedBlock | Uint8Array][] = [
      ['TRUNCATED', 'INVALID_ARGUMENT', () => mine(tip, { skipPow: true }).bytes.slice(0, 20)],
      ['BAD_BITS', 'INVALID_ARGUMENT', () => mine(tip, { edit: { bits: DEVNET_BITS }, skipPow: true })],
      [
        'BAD_TIMESTAMP',
        'INVALID_ARGUMENT',
        () => mine(tip, { edit: { timestamp: chain[15]!.block.header.timestamp }, skipPow: true }),
      ],
      [
        'TIMESTAMP_TOO_FAR_AHEAD',
        'INVALID_ARGUMENT',
        () => mine(tip, { edit: { timestamp: BigInt(Math.floor(Date.now() / 1000) + 7200) }, skipPow: true }),
      ],
      ['BAD_POW', 'INVALID_ARGUMENT', () => mine(tip, { badPow: true })],
      [
        'BAD_MERKLE_ROOT',
        'INVALID_ARGUMENT',
        () => mine(tip, { edit: { transactionsMerkleRoot: new Uint8Array(32) } }),
      ],
      ['BAD_COINBASE_AMOUNT', 'INVALID_ARGUMENT', () => mine(tip, { coinbaseExtra: 1n })],
      [
        'BAD_SIGNATURE',
        'INVALID_ARGUMENT',
        () => {
          const t = transfer([coinsA[1]!], [btm(coinsA[1]!.amount - FEE, C.program)]);
          const input = t.inputs[0]!;
          if (input.type !== 'spend') throw new Error('spend expected');
          const sig = Uint8Array.from(input.arguments[0]!);
          sig[5] = sig[5]! ^ 1;
          return mine(tip, { txs: [{ ...t, inputs: [{ ...input, arguments: [sig, input.arguments[1]!] }] }] });
        },
      ],
      [
        'UNKNOWN_INPUT',
        'FAILED_PRECONDITION',
        () => mine(tip, { txs: [transfer([spent], [btm(spent.amount - FEE, C.program)])] }),
      ],
      [
        'UNKNOWN_INPUT',
        'FAILED_PRECONDITION',
        () => mine(tip, { txs: [transfer([madeUp], [btm(madeUp.amount - FEE, C.program)])] }),
      ],
      [
        'DOUBLE_SPEND',
        'FAILED_PRECONDITION',
        () =>
          mine(tip, {
            txs: [
              transfer([coinsA[1]!], [btm(coinsA[1]!.amount - FEE, C.program)]),
              transfer([coinsA[1]!], [btm(coinsA[1]!.amount - 2n * FEE, C.program)]),
            ],
          }),
      ],
      [
        'IMMATURE_COINBASE',
        'FAILED_PRECONDITION',
        () => {
          const miner = testKey('miner');
          const coin = coinsOf(tip.block.transactions[0]!, miner)[0]!;
          return mine(tip, { txs: [transfer([coin], [btm(coin.amount - FEE, C.program)])] });
        },
      ],
    ];
    for (const [code, status, make] of cases) {
      await rejects(submit(node.client, make()), code, status);
      assert.deepEqual(await tipOf(), before, `${code}: tip unchanged`);
    }
    assert.equal((await utxosOf(A.program)).length, aBefore);
    assert.equal((await utxosOf(C.program)).length, 0);
    await rejects(submit(node.client, new Uint8Array([1, 2, 3])), 'BAD_SERFLAGS', 'INVALID_ARGUMENT');
  });

  test('keeps an orphan until its parent arrives, then connects both', async () => {
    const [c1, c2] = mineChain(tip, 2, { tag: 'o' });
    const orphan = await submit(node.client, c2!);
    assert.equal(orphan.disposition, Disposition.BLOCK_DISPOSITION_ORPHAN);
    assert.equal((await tipOf()).height, 22);
    const parent = await submit(node.client, c1!);
    assert.equal(parent.disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
    assert.deepEqual(await tipOf(), { id: hex(c2!.id), height: 24 });
    tip = c2!;
    // An orphan whose parent turns out invalid is dropped and known invalid.
    const bad = mine(tip, { tag: 'x', coinbaseExtra: 5n });
    const badChild = mine(bad, { tag: 'x' });
    assert.equal((await submit(node.client, badChild)).disposition, Disposition.BLOCK_DISPOSITION_ORPHAN);
    await rejects(submit(node.client, bad), 'BAD_COINBASE_AMOUNT', 'INVALID_ARGUMENT');
    await rejects(submit(node.client, badChild), 'INVALID_ANCESTOR', 'INVALID_ARGUMENT');
    assert.deepEqual(await tipOf(), { id: hex(c2!.id), height: 24 });
  });

  test('a heavier side branch reorganizes: UTXOs, tx status, BlockReorged and WatchBlocks follow', async () => {
    const watch = node.client.watchBlocks(
      { chain: { chainId: 'main' }, fromHeight: 22n, fromTip: false },
      { deadlineMs: 30_000 },
    );
    const seen: chainV1.WatchBlocksResponse[] = [];
    const reader = (async () => {
      for await (const m of watch) {
        seen.push(m);
        if (seen.length === 5) return;
      }
    })();
    reader.catch(() => {}); // awaited below; a failing assertion first must not leave it unhandled

    const fork = tip.parent!.parent!; // height 22
    const coin = coinsA[2]!;
    const toB = transfer([coin], [btm(coin.amount - FEE, B.program)]);
    const toC = transfer([coin], [btm(coin.amount - 2n * FEE, C.program)]);
    const m1 = mine(tip, { txs: [toB] }); // main: 25
    assert.equal((await submit(node.client, m1)).disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
    assert.equal((await utxosOf(B.program)).length, 2);
    const eventsBefore = (await events()).length;

    const s1 = mine(fork, { tag: 's' });
    const s2 = mine(s1, { tag: 's', txs: [toC] });
    const s3 = mine(s2, { tag: 's' });
    const s4 = mine(s3, { tag: 's' });
    assert.equal((await submit(node.client, s1)).disposition, Disposition.BLOCK_DISPOSITION_SIDE_BRANCH);
    assert.equal((await submit(node.client, s2)).disposition, Disposition.BLOCK_DISPOSITION_SIDE_BRANCH);
    assert.equal((await submit(node.client, s3)).disposition, Disposition.BLOCK_DISPOSITION_SIDE_BRANCH);
    assert.equal((await submit(node.client, s4)).disposition, Disposition.BLOCK_DISPOSITION_CONNECTED);
    assert.deepEqual(await tipOf(), { id: hex(s4.id), height: 26 });

    // The UTXO set is the side branch's: C paid, B's second coin gone, A's coin spent.
    assert.equal((await utxosOf(B.program)).length, 1);
    const cUtxos = await utxosOf(C.program);
    assert.equal(cUtxos.length, 1);
    assert.equal(cUtxos[0]!.amount, coin.amount - 2n * FEE);
    const status = (t: typeof toB) =>
      node.client.getTxStatus({ chain: { chainId: 'main' }, txId: Buffer.from(txIdOf(t)) });
    assert.equal((await status(toB)).status, chainV1.TxStatus.TX_STATUS_UNKNOWN);
    assert.equal((await status(toC)).status, chainV1.TxStatus.TX_STATUS_CONFIRMED);
    // The hot tier agrees with the durable tier.
    const ids = [outputIdOf(coin), outputIdOf(coinsOf(toC, C)[0]!), outputIdOf(coinsOf(toB, B)[0]!)];
    const hot = await node.v.store.getUtxos('main', ids);
    const durable = await node.v.store.durable.getUtxos('main', ids);
    assert.deepEqual(hot, durable);
    assert.deepEqual(
      hot.map((r) => r !== undefined),
      [false, true, false],
    );

    // Events: one BlockReorged (fork 22, detached tip first, attached in order), then s1..s4 committed.
    const ev = (await events()).slice(eventsBefore);
    assert.equal(ev.length, 5, ev.map((e) => e.subject).join(', '));
    const reorged = ev[0]!.reorged!;
    assert.ok(reorged, 'reorged first');
    assert.equal(Number(reorged.forkPoint!.height), 22);
    assert.deepEqual(
      reorged.detached.map((b) => hex(b.bytes)),
      [m1, tip, tip.parent!].map((b) => hex(b.bytes)),
    );
    assert.deepEqual(
      reorged.attached.map((b) => hex(b.bytes)),
      [s1, s2, s3, s4].map((b) => hex(b.bytes)),
    );
    // A block the reorganization attached carries its effects too.
    assert.deepEqual(
      ev[2]!.committed!.effects!.txIds.map(hex),
      [s2.block.transactions[0]!, toC].map((t) => hex(txIdOf(t))),
    );
    assert.deepEqual(ev[2]!.committed!.effects!.consumedOutputIds.map(hex), [hex(outputIdOf(coin))]);
    assert.deepEqual(
      ev.slice(1).map((e) => Number(e.committed!.ref!.height)),
      [23, 24, 25, 26],
    );

    // WatchBlocks: replayed 23, 24, then 25 live, then the new branch from 23 flagged as a reorg.
    await reader;
    assert.deepEqual(
      seen.map((m) => [Number(m.ref!.height), m.reorg]),
      [
        [23, false],
        [24, false],
        [25, false],
        [23, true],
        [24, false],
      ].slice(0, seen.length),
    );
    assert.equal(hex(seen[3]!.ref!.blockId), hex(s1.id));
    tip = s4;
  });

  test('a heavier branch with a block that fails to connect leaves the old branch in place', async () => {
    const before = await tipOf();
    const fork = tip.parent!.parent!; // 24: t1 and t2 are side-branch blocks, t3 outweighs the tip
    const madeUp: Coin = { ...coinsA[3]!, sourcePosition: 77n };
    const t1 = mine(fork, { tag: 't' });
    const t2 = mine(t1, { tag: 't', txs: [transfer([madeUp], [btm(madeUp.amount - FEE, C.program)])] });
    const t3 = mine(t2, { tag: 't' });
    assert.equal((await submit(node.client, t1)).disposition, Disposition.BLOCK_DISPOSITION_SIDE_BRANCH);
    assert.equal((await submit(node.client, t2)).disposition, Disposition.BLOCK_DISPOSITION_SIDE_BRANCH);
    await rejects(submit(node.client, t3), 'UNKNOWN_INPUT', 'FAILED_PRECONDITION');
    assert.deepEqual(await tipOf(), before);
    assert.equal((await utxosOf(C.program)).length, 1);
    // Its descendants are known invalid now.
    await rejects(submit(node.client, mine(t3, { tag: 't' })), 'INVALID_ANCESTOR', 'INVALID_ARGUMENT');
  });

  test('queries: GetBlock by id and height, unknown things, other chains', async () => {
    const byId = await node.client.getBlock({
      chain: { chainId: 'main' },
      selector: { $case: 'blockId', value: Buffer.from(tip.id) },
    });
    assert.equal(hex(byId.block!.bytes), hex(tip.bytes));
    assert.equal(Number(byId.ref!.height), tip.height);
    const side = await node.client.getBlock({
      chain: { chainId: 'main' },
      selector: { $case: 'blockId', value: Buffer.from(chain.at(-1)!.id) },
    });
    assert.equal(Number(side.ref!.height), 22);
    await rejects(
      node.client.getBlock({ chain: { chainId: 'main' }, selector: { $case: 'height', value: 999n } }),
      'BLOCK_NOT_FOUND',
      'NOT_FOUND',
    );
    await rejects(
      node.client.getBlock({ chain: { chainId: 'main' }, selector: { $case: 'blockId', value: Buffer.alloc(32) } }),
      'BLOCK_NOT_FOUND',
      'NOT_FOUND',
    );
    await rejects(node.client.getTip({ chain: { chainId: 'side-1' } }), 'UNKNOWN_CHAIN', 'NOT_FOUND');
    await rejects(
      node.client.getTxStatus({ chain: { chainId: 'main' }, txId: Buffer.alloc(3) }),
      'BAD_REQUEST',
      'INVALID_ARGUMENT',
    );
    // WatchBlocks from genesis replays the main chain from height 0.
    const replay: number[] = [];
    for await (const m of node.client.watchBlocks({ fromHeight: 0n, fromTip: false }, { deadlineMs: 30_000 })) {
      replay.push(Number(m.ref!.height));
      if (replay.length === 3) break;
    }
    assert.deepEqual(replay, [0, 1, 2]);
    const unknown = await node.client.getTxStatus({ chain: { chainId: 'main' }, txId: Buffer.alloc(32, 7) });
    assert.equal(unknown.status, chainV1.TxStatus.TX_STATUS_UNKNOWN);
    // WatchBlocks from the tip waits for the next block.
    const watch = node.client.watchBlocks(
      { chain: { chainId: 'main' }, fromHeight: 0n, fromTip: true },
      { deadlineMs: 30_000 },
    );
    const first = (async () => {
      for await (const m of watch) return m;
      return undefined;
    })();
    const next = mine(tip, { tag: 'w' });
    await new Promise((r) => setTimeout(r, 50));
    await submit(node.client, next);
    const m = await first;
    assert.equal(hex(m!.ref!.blockId), hex(next.id));
    assert.equal(m!.reorg, false);
    tip = next;
  });
});

function txIdOf(t: Tx): Uint8Array {
  return createTxEntries(t).txId;
}
