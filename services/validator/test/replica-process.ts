// A validator replica as its own process (replica-main.ts), for the replica tests and bench:
// resolves once it logs "replica ready". `taskset`, when given, pins it to those cores.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const MAIN = path.resolve(import.meta.dirname, '../src/replica-main.ts');

export type ReplicaProcessOptions = {
  readonly natsUrl: string;
  readonly name: string;
  /** Its BYSTACK_CHAIN. */
  readonly chain: 'main-devnet' | 'side-devnet';
  /** Cores for `taskset -c` (e.g. "1"); default: not pinned. */
  readonly cores?: string;
};

export function startReplica(opts: ReplicaProcessOptions): Promise<ChildProcess> {
  const args = [process.execPath, MAIN];
  const [command, ...rest] = opts.cores === undefined ? args : ['taskset', '-c', opts.cores, ...args];
  const child = spawn(command!, rest, {
    env: {
      ...process.env,
      OTEL_SDK_DISABLED: 'true',
      BYSTACK_NODE_ID: opts.name,
      BYSTACK_CHAIN: opts.chain,
      BYSTACK_NATS_URL: opts.natsUrl,
      BYSTACK_METRICS_HOST: '127.0.0.1',
      BYSTACK_METRICS_PORT: '0',
      BYSTACK_VERIFIER_THREADS: '1',
      BYSTACK_TX_CHECK_THREADS: '1',
      BYSTACK_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"msg":"replica ready"')) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`replica exited (${code}) before it was ready:\n${output}`)));
  });
}
