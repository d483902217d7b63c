// The miner as an operator runs it: `node services/miner/src/main.ts` with BYSTACK_* variables.
// Killed with SIGKILL it loses nothing that matters (it keeps no state); restarted, it mines on
// from the validator's tip, which the network moved meanwhile.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createMainDevnetGenesis, mainDevnetParams } from '@bystack/protocol';
import { startNats, type TestServer } from '@bystack/testing';
import { type ChainDouble, startChainDouble } from './support/chain-double.ts';
import { hex, trustedBlock } from './support/fixtures.ts';
import { MempoolDouble } from './support/mempool-double.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const params = mainDevnetParams;

type MinerProcess = { child: ChildProcess; lines: string[]; exited: Promise<[number | null, NodeJS.Signals | null]> };

function spawnMiner(env: Record<string, string>): MinerProcess {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => lines.push(`stderr: ${line}`));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, lines, exited };
}

describe('miner process', () => {
  let nats: TestServer;
  let chain: ChainDouble;
  let mempool: MempoolDouble;
  const running: MinerProcess[] = [];

  before(async () => {
    nats = await startNats();
    mempool = new MempoolDouble();
    await mempool.start();
    chain = await startChainDouble({ params, genesis: createMainDevnetGenesis(), natsUrl: nats.url, nodeId: 'p0' });
  });
  after(async () => {
    for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await chain?.stop();
    await mempool?.stop();
    await nats?.stop();
  });

  it('resumes mining after SIGKILL and a restart, on the tip the network moved meanwhile', async () => {
    const env = {
      BYSTACK_NODE_ID: 'p0',
      BYSTACK_CHAIN: 'main-devnet',
      BYSTACK_NATS_URL: nats.url,
      BYSTACK_VALIDATOR_ADDR: chain.address,
      BYSTACK_MEMPOOL_ADDR: mempool.address,
      BYSTACK_MINER_THREADS: '1',
      BYSTACK_GRPC_HOST: '127.0.0.1',
      BYSTACK_GRPC_PORT: '0',
      BYSTACK_METRICS_HOST: '127.0.0.1',
      BYSTACK_METRICS_PORT: '0',
    };
    const dump = (p: MinerProcess) => p.lines.join('\n');

    const first = spawnMiner(env);
    running.push(first);
    await chain
      .until(() => chain.height >= 2n, 'two blocks from the first miner process', 30_000)
      .catch((err) => {
        throw new Error(`${(err as Error).message}\n${dump(first)}`);
      });
    first.child.kill('SIGKILL');
    const [code, signal] = await first.exited;
    assert.equal(code, null);
    assert.equal(signal, 'SIGKILL');

    // The network goes on without it: another miner's block.
    const other = await chain.append(trustedBlock(params, chain.tip.block.header));
    const killedAt = chain.height;

    const second = spawnMiner(env);
    running.push(second);
    await chain
      .until(() => chain.height >= killedAt + 2n, 'two blocks from the restarted process', 30_000)
      .catch((err) => {
        throw new Error(`${(err as Error).message}\n${dump(second)}`);
      });
    second.child.kill('SIGTERM');
    const [exitCode] = await second.exited;
    assert.equal(exitCode, 0, dump(second));

    // (A block the killed process had on the wire may still arrive: it is on an older parent.)
    const after = chain.submissions.filter((s) => s.block.header.height > killedAt);
    assert.ok(after.length >= 2);
    assert.equal(hex(after[0]!.block.header.previousBlockId), hex(other.id), 'the first new block builds on the tip');
    assert.ok(
      after.every((s) => s.outcome === 'connected'),
      JSON.stringify(after.map((s) => s.outcome)),
    );
    assert.ok(second.lines.some((l) => l.includes('"msg":"block accepted"')));
  });

  it('exits 78 naming the setting when mainnet has no coinbase program', async () => {
    const p = spawnMiner({ BYSTACK_CHAIN: 'bytom-mainnet', BYSTACK_NATS_URL: nats.url, BYSTACK_GRPC_PORT: '0' });
    running.push(p);
    const [code] = await p.exited;
    assert.equal(code, 78, p.lines.join('\n'));
    const record = p.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r.level === 'error');
    assert.equal(record?.setting, 'BYSTACK_MINER_PROGRAM');
  });
});
