// A real server process (nats-server, redis-server) owned by a test suite: started on a free
// loopback port, and able to be killed, paused, resumed and restarted on the same port and data
// directory, so tests can inject the faults a production node meets.
import { type ChildProcess, spawn } from 'node:child_process';
import { waitForPort } from './free-port.ts';

export type ServerProcessOptions = {
  /** Human name for errors, e.g. "nats-server". */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly port: number;
  /** Said when the binary is missing. */
  readonly installHint: string;
  /**
   * Own process group (default false), so a terminal's Ctrl-C reaches only the owner, which then
   * stops the server in its own order (the devnet launcher).
   */
  readonly detached?: boolean;
};

export class ServerProcess {
  readonly port: number;
  private readonly opts: ServerProcessOptions;
  private child: ChildProcess | undefined;
  private output = '';

  constructor(opts: ServerProcessOptions) {
    this.opts = opts;
    this.port = opts.port;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and waits until its port accepts connections. */
  async start(): Promise<void> {
    if (this.child) throw new Error(`${this.opts.name} already running`);
    const child = spawn(this.opts.command, [...this.opts.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: this.opts.detached ?? false,
    });
    this.child = child;
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err: NodeJS.ErrnoException) => {
        this.child = undefined;
        reject(
          err.code === 'ENOENT' ? new Error(`${this.opts.name} not found: ${this.opts.installHint}`) : (err as Error),
        );
      });
    });
    const collect = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-8192);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await spawned;
    try {
      await waitForPort(this.port);
    } catch (err) {
      await this.kill();
      throw new Error(`${this.opts.name} did not start: ${(err as Error).message}\n${this.output}`);
    }
  }

  /** Stops the process: SIGTERM, then SIGKILL if it lingers. */
  async stop(): Promise<void> {
    await this.signalAndWait('SIGTERM', 5000);
  }

  /** Kills the process at once (SIGKILL), as a crash would. */
  async kill(): Promise<void> {
    await this.signalAndWait('SIGKILL', 5000);
  }

  /** Freezes the process (SIGSTOP): it holds its connections but answers nothing. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** The last few KiB the process printed, for failure messages. */
  get log(): string {
    return this.output;
  }

  private async signalAndWait(signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) {
      this.child = undefined;
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT');
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
    this.child = undefined;
  }
}
