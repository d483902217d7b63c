// `bystack`: the command line of a Bystack node (keys, balances, assets, transfers, chain status)
// and the devnet launcher (`bystack devnet`). Exit codes: 0 done, 1 failed, 2 bad usage.
import { parseArgs } from 'node:util';
import { type Command, createContext, type FlagValues, GLOBAL_HELP, GLOBAL_OPTIONS } from './cli/command.ts';
import { createOutput, jsonReplacer } from './cli/output.ts';
import { balance, tip, txStatus, watch } from './commands/chain.ts';
import { keysCreate, keysDerive, keysList, keysShow } from './commands/keys.ts';
import { faucet, issue, retire, transfer } from './commands/send.ts';
import { CliErrorCode, explainError, isCliError } from './errors.ts';
import { errorContextOf } from './node-client.ts';

export const COMMANDS: readonly Command[] = [
  keysCreate,
  keysDerive,
  keysShow,
  keysList,
  balance,
  issue,
  transfer,
  retire,
  faucet,
  txStatus,
  tip,
  watch,
];

function usage(): string {
  const lines = COMMANDS.map((c) => `  bystack ${c.name.padEnd(12)} ${c.summary}`);
  return `Usage: bystack <command> [flags]

Commands:
  bystack devnet       start a devnet on this machine (see bystack devnet --help)
${lines.join('\n')}

${GLOBAL_HELP}

Amounts are whole units (neu for BTM: 1 BTM = 100000000 neu), or BTM with a suffix: 1.5btm.
Keys are named by file name in the keys dir, a path to a key file, or devnet:faucet / devnet:miner/0.`;
}

/**
 * The command named by the first one or two words, wherever global flags put them: flags (and the
 * values of global string flags) before the command are skipped, and handed to the command's parser.
 */
function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | undefined {
  const wordAt: number[] = [];
  for (let i = 0; i < argv.length && wordAt.length < 2; i++) {
    const token = argv[i]!;
    if (token.startsWith('-')) {
      const name = token.replace(/^--?/, '');
      if (!token.includes('=') && GLOBAL_OPTIONS[name]?.type === 'string') i++;
      continue;
    }
    wordAt.push(i);
  }
  for (const words of [2, 1]) {
    if (wordAt.length < words) continue;
    const name = wordAt
      .slice(0, words)
      .map((i) => argv[i])
      .join(' ');
    const command = COMMANDS.find((c) => c.name === name);
    if (command) return { command, rest: argv.filter((_, i) => !wordAt.slice(0, words).includes(i)) };
  }
  return undefined;
}

export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv[0] === 'devnet') {
    const { runDevnetCli } = await import('./devnet/cli.ts');
    return runDevnetCli(argv.slice(1), env);
  }
  const json = argv.includes('--json');
  const out = createOutput(json);
  const found = findCommand(argv);
  if (found === undefined) {
    const help = argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h';
    (help ? process.stdout : process.stderr).write(`${usage()}\n`);
    if (!help)
      process.stderr.write(
        `\nunknown command: ${argv
          .filter((a) => !a.startsWith('-'))
          .slice(0, 2)
          .join(' ')}\n`,
      );
    return help ? 0 : 2;
  }
  const { command, rest } = found;
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let ctx: ReturnType<typeof createContext> | undefined;
  try {
    const parsed = parseArgs({
      args: [...rest],
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help === true) {
      process.stdout.write(`Usage: bystack ${command.name} ${command.usage}\n  ${command.summary}\n\n${GLOBAL_HELP}\n`);
      return 0;
    }
    ctx = createContext(parsed.values as FlagValues, parsed.positionals, out, env, controller.signal);
    return (await command.run(ctx)) ?? 0;
  } catch (err) {
    const usageError =
      (isCliError(err) && err.code === CliErrorCode.BAD_ARGUMENT) ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true;
    const { code, sentence } =
      usageError && !isCliError(err)
        ? { code: CliErrorCode.BAD_ARGUMENT, sentence: (err as Error).message }
        : explainError(err, errorContextOf(err));
    process.stderr.write(`error [${code}]: ${sentence}\n`);
    if (usageError) process.stderr.write(`usage: bystack ${command.name} ${command.usage.split('\n')[0]}\n`);
    if (json) process.stdout.write(`${JSON.stringify({ error: { code, message: sentence } }, jsonReplacer)}\n`);
    return usageError ? 2 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    ctx?.close();
  }
}

if (import.meta.main) {
  process.exitCode = await runCli(process.argv.slice(2));
}
