// `npm start` / `bystack devnet`: starts a devnet, prints its endpoints, shows blocks as they come,
// and stops everything it started on Ctrl-C (SIGINT) or SIGTERM. A second signal kills at once.
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { decodeBlock, devnetFaucetXPrv } from '@bystack/protocol';
import { chainConfig, DEFAULT_CHAIN } from '../chains.ts';
import { addressToProgram, publicKeyToAddress } from '../cli/values.ts';
import { describeBlock } from '../commands/chain.ts';
import { devnetDataDir } from '../endpoints.ts';
import { CliError, CliErrorCode, explainError, isCliError } from '../errors.ts';
import { keysDir, loadKey } from '../keys/keyfile.ts';
import { NodeClient } from '../node-client.ts';
import { createWalletKey } from '../wallet/index.ts';
import { Devnet } from './launcher.ts';
import { showSideChains } from './side-progress.ts';

const HELP = `Usage: npm start -- [flags]      (or: npx bystack devnet [flags])

Starts a devnet on this machine: nats-server and redis-server on free ports (or the servers
BYSTACK_NATS_URL / BYSTACK_REDIS_URL name), the validator, mempool and miner of each node as
separate processes, and the main devnet chain (a block every ~2 s). On node 0 it also runs two side
chains, side-devnet ("side-1") and side-devnet-2 ("side-2"): per chain a validator, a mempool and 4
bbft producers (500 ms blocks, irreversible once 3 of 4 sign). Ctrl-C stops it all; started again on
the same data dir, every chain resumes where it was.

Flags:
  --data-dir DIR        where the chain, servers' data and logs live (default ./.data/devnet; env BYSTACK_DEVNET_DIR)
  --nodes N             N nodes forming one network (leafnode links to node 0; default 1)
  --chain NAME          chain config (default main-devnet)
  --miner-address ADDR  where the miners' coinbase goes (default: devnet key devnet:miner/<node>)
  --miner-key KEY       the same, as a key (name, file or devnet:…)
  --miner-threads N     nonce-search threads per miner (default 1)
  --no-miner            start no miner (a chain that waits; always so on bytom-mainnet)
  --side-chains N       side chains on node 0: 0, 1 (side-devnet) or 2 (and side-devnet-2; default 2)
  --reset               delete the data dir first (a fresh chain)
  --log-level LEVEL     services' log level (debug, info, warn, error; default info)
  --quiet               do not print blocks as they come
  -h, --help            this help

Needs nats-server and redis-server: sudo apt-get install nats-server redis-server`;

export async function runDevnetCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const say = (text: string) => process.stdout.write(`${text}\n`);
  const note = (text: string) => process.stderr.write(`${text}\n`);
  let devnet: Devnet | undefined;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        'data-dir': { type: 'string' },
        nodes: { type: 'string' },
        chain: { type: 'string' },
        'miner-address': { type: 'string' },
        'miner-key': { type: 'string' },
        'miner-threads': { type: 'string' },
        'no-miner': { type: 'boolean' },
        'side-chains': { type: 'string' },
        reset: { type: 'boolean' },
        'log-level': { type: 'string' },
        'keys-dir': { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
    if (values.help) {
      say(HELP);
      return 0;
    }
    const dataDir = devnetDataDir(values['data-dir'], env);
    const chain = chainConfig(values.chain ?? env.BYSTACK_CHAIN ?? DEFAULT_CHAIN);
    const nodes = Number(values.nodes ?? '1');
    const threads = Number(values['miner-threads'] ?? '1');
    // Side chains are devnets: none next to a real chain.
    const sideChains = chain.devnet ? Number(values['side-chains'] ?? '2') : 0;
    if (!Number.isInteger(threads) || threads < 1) {
      throw new CliError(CliErrorCode.BAD_ARGUMENT, `--miner-threads must be a positive integer`);
    }
    let minerProgram: Uint8Array | undefined;
    if (values['miner-address'] !== undefined) minerProgram = addressToProgram(values['miner-address'], chain.params);
    if (values['miner-key'] !== undefined) {
      minerProgram = createWalletKey(
        loadKey(values['miner-key'], keysDir(values['keys-dir'], env)).xprv,
      ).controlProgram;
    }
    if (values.reset) rmSync(dataDir, { recursive: true, force: true });
    // A CPU miner never finds a block at a real chain's difficulty.
    const mine = values['no-miner'] !== true && chain.devnet;
    if (!chain.devnet && values['no-miner'] !== true) note(`${chain.name} is not a devnet: starting no miner`);

    const sides = sideChains > 0 ? ` and ${sideChains} side chain${sideChains === 1 ? '' : 's'}` : '';
    note(`starting a ${chain.name} devnet of ${nodes} node${nodes === 1 ? '' : 's'}${sides} in ${dataDir}`);
    const running = new Devnet({
      dataDir,
      nodes,
      chain: chain.name,
      ...(env.BYSTACK_NATS_URL ? { natsUrl: env.BYSTACK_NATS_URL } : {}),
      ...(env.BYSTACK_REDIS_URL ? { redisUrl: env.BYSTACK_REDIS_URL } : {}),
      ...(minerProgram ? { minerProgram } : {}),
      minerThreads: threads,
      sideChains,
      services: mine ? ['validator', 'mempool', 'miner'] : ['validator', 'mempool'],
      ...(values['log-level'] ? { logLevel: values['log-level'] } : {}),
      baseEnv: env,
      onProgress: (m) => note(`  ${m}`),
      onServiceExit: (node, service, code, signal, logFile) => {
        note(`!! ${node.id}/${service} exited (code ${code}, signal ${signal}); its log: ${logFile}`);
      },
    });
    devnet = running;
    // Signals are ours from now on, start-up included: the first stops in order, a second kills.
    const stopped = new Promise<number>((resolve) => {
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals++;
        if (signals > 1) {
          note(`${signal} again: killing everything now`);
          running.killNow();
          resolve(1);
          return;
        }
        note(`\n${signal}: stopping the devnet (miners and producers, mempools, validators, then servers)…`);
        running.stop().then(
          () => {
            note('devnet stopped');
            resolve(0);
          },
          (err: unknown) => {
            note(`stopping failed: ${(err as Error).message}`);
            resolve(1);
          },
        );
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    try {
      await running.start();
    } catch (err) {
      if (isCliError(err) && err.code === CliErrorCode.INTERRUPTED) return await stopped;
      throw err;
    }
    printEndpoints(running, say);
    const abort = new AbortController();
    if (!values.quiet) {
      void showBlocks(running, say, abort.signal);
      void showSideChains(running, say, abort.signal);
    }
    const code = await stopped;
    abort.abort();
    return code;
  } catch (err) {
    const { code, sentence } = explainError(err);
    note(`error [${code}]: ${sentence}`);
    await devnet?.stop().catch(() => {});
    return code === CliErrorCode.BAD_ARGUMENT ? 2 : 1;
  }
}

function printEndpoints(devnet: Devnet, say: (text: string) => void): void {
  const { params } = chainConfig(devnet.chain);
  const endpoints = devnet.endpoints();
  const faucet = publicKeyToAddress(createWalletKey(devnetFaucetXPrv()).publicKey, params);
  say('');
  say(`Bystack devnet running: chain ${devnet.chain} (chain id "${params.chainId}"), data in ${devnet.dataDir}`);
  for (const n of endpoints.nodes) {
    say(`node ${n.id}`);
    say(
      `  validator  ${n.validator.grpc.padEnd(18)} bystack.chain.v1.ChainService      metrics ${n.validator.metrics}`,
    );
    say(`  mempool    ${n.mempool.grpc.padEnd(18)} bystack.mempool.v1.MempoolService  metrics ${n.mempool.metrics}`);
    if (n.miner) {
      say(`  miner      ${n.miner.grpc.padEnd(18)} bystack.miner.v1.MinerService      metrics ${n.miner.metrics}`);
    }
    say(`  nats       ${n.nats}`);
    say(`  redis      ${n.redis}`);
    say(`  coinbase   ${n.minerAddress || n.minerProgram}`);
    say(`  logs       ${n.dataDir}/logs/`);
    for (const side of n.sideChains ?? []) {
      const chainName = `${side.chain} (chain id "${side.chainId}")`;
      say(`  side chain ${chainName}: ${side.producers.length} producers, 500 ms blocks`);
      say(
        `    validator  ${side.validator.grpc.padEnd(18)} bystack.chain.v1.ChainService      metrics ${side.validator.metrics}`,
      );
      say(
        `    mempool    ${side.mempool.grpc.padEnd(18)} bystack.mempool.v1.MempoolService  metrics ${side.mempool.metrics}`,
      );
      for (const p of side.producers) {
        say(`    bbft ${p.index}     ${p.grpc.padEnd(18)} bystack.bbft.v1.BbftService        metrics ${p.metrics}`);
      }
    }
  }
  say(`faucet key   devnet:faucet  (${faucet})`);
  say(`endpoints    ${devnet.dataDir}/endpoints.json (the bystack CLI reads it)`);
  say('');
  say('Try, in another terminal:');
  say('  npx bystack tip');
  if (endpoints.nodes[0]?.sideChains?.length) say('  npx bystack tip --chain side-1');
  say('  npx bystack keys create --name alice');
  say('  npx bystack faucet alice');
  say('  npx bystack balance alice');
  say('Ctrl-C stops the devnet.');
  say('');
}

/** Prints node 0's blocks as its validator connects them; reconnects while the devnet runs. */
async function showBlocks(devnet: Devnet, say: (text: string) => void, signal: AbortSignal): Promise<void> {
  const node = devnet.node(0);
  const validator = node.services.validator;
  if (!validator) return;
  const client = new NodeClient({
    chain: chainConfig(devnet.chain),
    validator: validator.address,
    mempool: node.services.mempool?.address ?? validator.address,
    devnet: undefined,
  });
  let last: bigint | undefined;
  try {
    while (!signal.aborted && !devnet.stopped) {
      try {
        for await (const msg of client.watchBlocks({ ...(last === undefined ? {} : { fromHeight: last }), signal })) {
          const block = decodeBlock(msg.block?.bytes ?? new Uint8Array(0));
          const height = msg.ref?.height ?? block.header.height;
          last = height;
          say(`${devnet.nodes.length > 1 ? `[${node.id}] ` : ''}${describeBlock(block, height, msg.reorg)}`);
        }
      } catch {
        // The validator restarted or is busy: try again shortly.
      }
      await sleep(1000, undefined, { signal }).catch(() => {});
    }
  } finally {
    client.close();
  }
}
