// One service as a real child process (`node services/<name>/src/main.ts`, configured by BYSTACK_*
// variables) on a fixed loopback gRPC port: started and waited for, stopped with SIGTERM or killed,
// restarted on the same port, its last output kept for failure messages.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { freePort, waitForPort } from '@bystack/testing';

const SERVICES = path.resolve(import.meta.dirname, '../../..');

export type Exit = { readonly code: number | null; readonly signal: NodeJS.Signals | null };

export class ServiceProcess {
  readonly service: string;
  grpcPort = 0;
  readonly #env: Record<string, string>;
  #child: ChildProcess | undefined;
  #exit: Promise<Exit> | undefined;
  #output = '';

  /** `service`: the directory under services/; `env`: its BYSTACK_* settings (the port is added). */
  constructor(service: string, env: Record<string, string>) {
    this.service = service;
    this.#env = env;
  }

  get address(): string {
    return `127.0.0.1:${this.grpcPort}`;
  }

  /** The running process's id (for reading its CPU time), or undefined. */
  get pid(): number | undefined {
    return this.running ? this.#child!.pid : undefined;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The last output of the process (JSON log lines). */
  get output(): string {
    return this.#output;
  }

  /** Starts the process (extra env: test-only switches) and waits until its gRPC port accepts. */
  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    if (this.running) throw new Error(`${this.service} already running`);
    if (this.grpcPort === 0) this.grpcPort = await freePort();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      OTEL_SDK_DISABLED: 'true',
      BYSTACK_GRPC_HOST: '127.0.0.1',
      BYSTACK_GRPC_PORT: String(this.grpcPort),
      BYSTACK_METRICS_HOST: '127.0.0.1',
      BYSTACK_METRICS_PORT: '0',
      BYSTACK_SHUTDOWN_TIMEOUT: '5s',
      BYSTACK_GRPC_GRACE: '1s',
      ...this.#env,
      ...extraEnv,
    };
    const main = path.join(SERVICES, this.service, 'src', 'main.ts');
    const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    this.#exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const collect = (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString()).slice(-64_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const exitedEarly = this.#exit.then(({ code, signal }) => {
      throw new Error(`${this.service} exited (${code ?? signal}) while starting:\n${this.#output.slice(-4000)}`);
    });
    await Promise.race([waitForPort(this.grpcPort, 20_000), exitedEarly]);
    exitedEarly.catch(() => {});
  }

  /** Resolves with how the process ended. */
  exited(): Promise<Exit> {
    if (this.#exit === undefined) throw new Error(`${this.service} never started`);
    return this.#exit;
  }

  /** SIGTERM (graceful stop), waiting for the exit. */
  stop(): Promise<void> {
    return this.#signal('SIGTERM');
  }

  /** SIGKILL, waiting for the exit. */
  kill(): Promise<void> {
    return this.#signal('SIGKILL');
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    if (!this.running) return;
    this.#child!.kill(signal);
    const timer = setTimeout(() => this.#child?.kill('SIGKILL'), 8_000);
    await this.#exit;
    clearTimeout(timer);
  }
}
