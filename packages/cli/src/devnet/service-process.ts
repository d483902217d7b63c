// One node service (validator, mempool, miner) as a child process: `node services/<name>/src/main.ts`
// with its BYSTACK_* environment, output appended to a log file, ready when its gRPC port accepts
// connections. Stop is SIGTERM, then SIGKILL after a grace period; kill is SIGKILL at once (a crash);
// start again reuses the same ports and environment.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, CliErrorCode } from '../errors.ts';

export type ServiceProcessOptions = {
  /** e.g. "n0/validator", for messages. */
  readonly name: string;
  /** The entry point (`services/validator/src/main.ts`). */
  readonly entry: string;
  readonly env: NodeJS.ProcessEnv;
  readonly grpcPort: number;
  readonly metricsPort: number;
  readonly logFile: string;
  /** Longest a start may take before it counts as failed (default 60 s). */
  readonly readyTimeoutMs?: number;
  /** SIGTERM to SIGKILL (default 10 s). */
  readonly graceMs?: number;
  /** Node binary (default: this process's). */
  readonly node?: string;
  /** Called when the process exits without being asked to. */
  readonly onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
};

export class ServiceProcess {
  readonly name: string;
  readonly grpcPort: number;
  readonly metricsPort: number;
  readonly logFile: string;
  private readonly opts: ServiceProcessOptions;
  private env: NodeJS.ProcessEnv;
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private tail = '';
  private expectingExit = false;
  private exited: Promise<void> = Promise.resolve();

  constructor(opts: ServiceProcessOptions) {
    this.opts = opts;
    this.name = opts.name;
    this.grpcPort = opts.grpcPort;
    this.metricsPort = opts.metricsPort;
    this.logFile = opts.logFile;
    this.env = { ...opts.env };
  }

  /** Changes the environment of the next start (`undefined` removes a variable). */
  updateEnv(patch: Readonly<Record<string, string | undefined>>): void {
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) delete this.env[key];
      else this.env[key] = value;
    }
  }

  get address(): string {
    return `127.0.0.1:${this.grpcPort}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** The last few KiB the service printed. */
  get recentOutput(): string {
    return this.tail;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error(`${this.name} already running`);
    this.log ??= createWriteStream(this.opts.logFile, { flags: 'a' });
    this.log.write(`--- ${new Date().toISOString()} start ${this.name}\n`);
    this.tail = '';
    this.expectingExit = false;
    const child = spawn(this.opts.node ?? process.execPath, [this.opts.entry], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a terminal's Ctrl-C reaches the launcher, which stops services in order.
      detached: true,
    });
    this.child = child;
    const collect = (chunk: Buffer) => {
      this.log?.write(chunk);
      this.tail = (this.tail + chunk.toString()).slice(-8192);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        exitInfo = { code, signal };
        if (this.child === child) this.child = undefined;
        this.log?.write(`--- ${new Date().toISOString()} exit ${this.name} code=${code} signal=${signal}\n`);
        if (!this.expectingExit) this.opts.onUnexpectedExit?.(code, signal);
        resolve();
      });
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    const deadline = Date.now() + (this.opts.readyTimeoutMs ?? 60_000);
    while (!(await accepts(this.grpcPort))) {
      if (exitInfo !== undefined) {
        throw new CliError(
          CliErrorCode.SERVICE_FAILED,
          `${this.name} exited while starting (code ${exitInfo.code}, signal ${exitInfo.signal}); log ${this.logFile}:\n${lastLines(this.tail)}`,
        );
      }
      if (Date.now() > deadline) {
        await this.kill();
        throw new CliError(
          CliErrorCode.SERVICE_FAILED,
          `${this.name} did not open its gRPC port ${this.grpcPort}; log ${this.logFile}:\n${lastLines(this.tail)}`,
        );
      }
      await sleep(50);
    }
  }

  /** SIGTERM, then SIGKILL after the grace period. */
  async stop(graceMs = this.opts.graceMs ?? 10_000): Promise<void> {
    await this.signal('SIGTERM', graceMs);
  }

  /** SIGKILL at once, as a crash. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL', 5_000);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Synchronous last resort (process exit): SIGKILL if still running. */
  killNow(): void {
    if (this.child?.pid !== undefined) {
      try {
        process.kill(this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** Closes the log file once the process is gone. */
  async close(): Promise<void> {
    await this.kill();
    const log = this.log;
    this.log = undefined;
    if (log) await new Promise<void>((resolve) => log.end(resolve));
  }

  private async signal(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.expectingExit = true;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function lastLines(text: string, n = 15): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}
