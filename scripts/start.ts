// `npm start`: the devnet launcher (packages/cli/src/devnet). Flags after `--` go to it:
//   npm start -- --nodes 3 --data-dir /tmp/devnet
import { runDevnetCli } from '@bystack/cli';

process.exitCode = await runDevnetCli(process.argv.slice(2));
