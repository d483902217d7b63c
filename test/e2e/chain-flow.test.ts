// Done-when 1: a devnet mines; a key gets coinbase funds after maturity; it issues an asset,
// transfers some to a second key, retires part; balances and tx statuses are right through the CLI
// (run as a process, as a user would) and through gRPC.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { chainV1 } from '@bystack/proto';
import { mainDevnetParams } from '@bystack/protocol';
import { BTM, balances, cliJson, runCli, startTestDevnet, type TestDevnet, tempDir, waitFor } from './support.ts';

const maturity = BigInt(mainDevnetParams.coinbaseMaturity);

type Key = { address: string; controlProgram: string };

let devnet: TestDevnet;
let keysDir: string;
let alice: Key;
let bob: Key;
const cli = (args: string[]) => cliJson(args, { dataDir: devnet.dataDir, keysDir });
const program = (key: Key) => Buffer.from(key.controlProgram, 'hex');

before(async () => {
  keysDir = tempDir('keys');
  // Keys need no running service.
  alice = (await cliJson(['keys', 'create', '--name', 'alice'], { keysDir })) as Key;
  bob = (await cliJson(['keys', 'create', '--name', 'bob'], { keysDir })) as Key;
  // Alice mines: every coinbase of this devnet pays her.
  devnet = await startTestDevnet('flow', { minerProgram: program(alice) });
});
after(async () => {
  await devnet?.dispose();
  rmSync(keysDir, { recursive: true, force: true });
});

describe('a devnet used through the bystack CLI', () => {
  test('the miner’s key gets coinbase funds once they mature', async () => {
    const client = devnet.client();
    await waitFor('a coinbase of alice to mature', async () => (await client.tip()).height >= maturity + 1n);
    const shown = await cli(['balance', 'alice']);
    const rows = shown.balances as { assetId: string; amount: string; immature: string }[];
    const btm = rows.find((r) => r.assetId === BTM);
    assert.ok(btm, 'alice holds BTM');
    assert.ok(BigInt(btm.amount) > BigInt(btm.immature), 'some of it is spendable');
    const utxos = await client.listUtxos(program(alice));
    assert.ok(utxos.some((u) => u.coinbase));
    assert.ok(utxos.every((u) => u.assetId.every((b) => b === 0xff)));
    // The CLI's figure is the gRPC figure at that tip (more blocks may have paid her since).
    assert.ok((await balances(client, program(alice))).get(BTM)! >= BigInt(btm.amount));
  });

  let gold: string;
  const txs: Record<string, string> = {};

  test('alice issues an asset, sends some to bob, retires part', async () => {
    const issued = await cli(['issue', '--key', 'alice', '--amount', '1000', '--definition', '{"name":"GOLD"}']);
    assert.equal(issued.status, 'confirmed');
    gold = issued.assetId as string;
    txs.issue = issued.txId as string;

    const sent = await cli(['transfer', '--key', 'alice', '--to', bob.address, '--asset', gold, '--amount', '300']);
    assert.equal(sent.status, 'confirmed');
    txs.transfer = sent.txId as string;

    const retired = await cli(['retire', '--key', 'alice', '--asset', gold, '--amount', '200']);
    assert.equal(retired.status, 'confirmed');
    txs.retire = retired.txId as string;

    const paid = await cli(['faucet', 'bob', '--amount', '5btm']);
    assert.equal(paid.status, 'confirmed');
    txs.faucet = paid.txId as string;
  });

  test('balances agree through the CLI and gRPC', async () => {
    const client = devnet.client();
    const goldOf = async (who: string) => {
      const rows = (await cli(['balance', who])).balances as { assetId: string; amount: string }[];
      return BigInt(rows.find((r) => r.assetId === gold)?.amount ?? '0');
    };
    assert.equal(await goldOf('alice'), 700n - 200n);
    assert.equal(await goldOf('bob'), 300n);
    assert.equal(await goldOf(bob.address), 300n);
    const bobGrpc = await balances(client, program(bob));
    assert.equal(bobGrpc.get(gold), 300n);
    assert.equal(bobGrpc.get(BTM), 500_000_000n);
    assert.equal((await balances(client, program(alice))).get(gold), 500n);
  });

  test('every transaction is confirmed, through the CLI and gRPC', async () => {
    const client = devnet.client();
    for (const [what, id] of Object.entries(txs)) {
      const shown = await cli(['tx', 'status', id]);
      assert.equal(shown.status, 'confirmed', what);
      const res = await client.chain.getTxStatus({ chain: { chainId: 'main' }, txId: Buffer.from(id, 'hex') });
      assert.equal(res.status, chainV1.TxStatus.TX_STATUS_CONFIRMED, what);
      assert.equal(String(res.block?.height), String(shown.height), what);
    }
    const unknown = await cli(['tx', 'status', '00'.repeat(32)]);
    assert.equal(unknown.status, 'unknown');
  });

  test('a typed error becomes a sentence: spending more than the key holds', async () => {
    const run = await runCli(['transfer', '--key', 'bob', '--to', alice.address, '--amount', '1000btm'], {
      dataDir: devnet.dataDir,
      keysDir,
    });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /error \[INSUFFICIENT_FUNDS\]: The key does not hold enough/);
  });
});
