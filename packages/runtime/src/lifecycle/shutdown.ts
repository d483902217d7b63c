// Shutdown hooks, run last-registered first: modules are built in dependency order, so closing in
// reverse lets the gRPC server drain its calls while the bus and stores they use are still open.
import type { Logger } from '../log/types.ts';
import type { ShutdownHook } from './types.ts';

export type ShutdownResult = {
  /** Every hook finished without throwing, in time. */
  readonly ok: boolean;
  /** Hooks that threw. */
  readonly failed: readonly string[];
  /** The hook still running when the deadline passed, and those that never started. */
  readonly timedOut: readonly string[];
};

export class ShutdownHooks {
  private readonly hooks: { name: string; hook: ShutdownHook }[] = [];
  private readonly log: Logger;

  constructor(log: Logger) {
    this.log = log;
  }

  add(name: string, hook: ShutdownHook): void {
    this.hooks.push({ name, hook });
  }

  get size(): number {
    return this.hooks.length;
  }

  /**
   * Runs the hooks in reverse order, one at a time, until `deadline` (epoch ms). A hook that throws
   * is logged and the next still runs: one broken module must not keep the others' connections open.
   * Hooks added while running (a module finishing its build late) run next.
   */
  async runAll(deadline: number): Promise<ShutdownResult> {
    const failed: string[] = [];
    for (let entry = this.hooks.pop(); entry; entry = this.hooks.pop()) {
      const { name, hook } = entry;
      const started = performance.now();
      this.log.info('closing', { module: name });
      const outcome = await runBefore(hook, deadline);
      const ms = Math.round(performance.now() - started);
      if (outcome.kind === 'timeout') {
        const timedOut = [name, ...this.hooks.map((h) => h.name).reverse()];
        this.hooks.length = 0;
        this.log.error('shutdown timed out', { module: name, not_closed: timedOut, ms });
        return { ok: false, failed, timedOut };
      }
      if (outcome.kind === 'error') {
        failed.push(name);
        this.log.error('close failed', { module: name, ms, err: outcome.error });
      } else {
        this.log.info('closed', { module: name, ms });
      }
    }
    return { ok: failed.length === 0, failed, timedOut: [] };
  }
}

type Outcome = { kind: 'done' } | { kind: 'error'; error: unknown } | { kind: 'timeout' };

async function runBefore(hook: ShutdownHook, deadline: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), Math.max(0, deadline - Date.now()));
  });
  const run = (async (): Promise<Outcome> => {
    try {
      await hook();
      return { kind: 'done' };
    } catch (error) {
      return { kind: 'error', error };
    }
  })();
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
