// The composition root: config -> logger and metrics -> build the modules in order -> serve, and one
// AbortController whose signal every module gets. Stopping aborts it (modules stop taking work),
// then runs the modules' shutdown hooks in reverse build order within the shutdown timeout.
import { loadConfig, redactConfig } from '../config/load.ts';
import type { ConfigSchema } from '../config/types.ts';
import { createLogger } from '../log/logger.ts';
import type { Logger, LogLevel } from '../log/types.ts';
import { createMetrics } from '../metrics/service-metrics.ts';
import type { ServiceMetrics } from '../metrics/types.ts';
import { ExitCode, LifecycleError, LifecycleErrorCode } from './errors.ts';
import { runtimeConfigSchema } from './runtime-config.ts';
import { ShutdownHooks } from './shutdown.ts';
import type { ServiceConfig, ServiceContext, ServiceHandle, ShutdownHook, StartServiceOptions } from './types.ts';

/** Loads the service's schema plus the runtime's settings; throws ConfigError naming each bad setting. */
export function loadServiceConfig<S extends ConfigSchema>(
  schema: S,
  sources?: StartServiceOptions<S, unknown>['configSources'],
): ServiceConfig<S> {
  return loadConfig({ ...schema, ...runtimeConfigSchema }, sources) as ServiceConfig<S>;
}

/** One service process's shared state; `startService` and `runService` drive it. */
export class ServiceRuntime<C extends ServiceConfig<ConfigSchema>> {
  readonly name: string;
  readonly config: C;
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  private readonly controller = new AbortController();
  private readonly hooks: ShutdownHooks;
  private building: Promise<unknown> | undefined;
  private stopping: Promise<number> | undefined;
  private failed = false;
  private resolveStopped!: (code: number) => void;
  readonly stopped: Promise<number>;

  constructor(name: string, config: C, log: Logger, metrics: ServiceMetrics) {
    this.name = name;
    this.config = config;
    this.log = log;
    this.metrics = metrics;
    this.hooks = new ShutdownHooks(log);
    this.stopped = new Promise((resolve) => {
      this.resolveStopped = resolve;
    });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  context(): ServiceContext<C> {
    return {
      name: this.name,
      config: this.config,
      log: this.log,
      signal: this.controller.signal,
      metrics: this.metrics,
      onShutdown: (name: string, hook: ShutdownHook) => this.hooks.add(name, hook),
    };
  }

  /** Runs `build`; on failure shuts down what was built and rethrows as BUILD_FAILED. */
  async build<M>(build: (ctx: ServiceContext<C>) => M | Promise<M>): Promise<M> {
    const started = performance.now();
    const running = (async () => build(this.context()))();
    this.building = running;
    try {
      const modules = await running;
      this.log.info('service started', { ms: Math.round(performance.now() - started), modules: this.hooks.size });
      return modules;
    } catch (err) {
      if (this.controller.signal.aborted) {
        // Stopped while starting: a module giving up because of the abort is not a failure.
        this.log.warn('build interrupted by shutdown', { err });
        await this.stop();
      } else {
        this.log.error('build failed', { err });
        await this.stop('build failed', err);
      }
      throw new LifecycleError(LifecycleErrorCode.BuildFailed, `${this.name}: build failed`, { cause: err });
    } finally {
      this.building = undefined;
    }
  }

  /**
   * Starts the shutdown once (later calls return the same promise). `failure` makes the exit code 1
   * even when every hook closes cleanly (uncaught exception, failed build).
   */
  stop(reason = 'stop requested', failure?: unknown): Promise<number> {
    if (failure !== undefined) this.failed = true;
    this.stopping ??= this.shutdown(reason);
    return this.stopping;
  }

  private async shutdown(reason: string): Promise<number> {
    const started = performance.now();
    const deadline = Date.now() + this.config.shutdownTimeout;
    this.log.info('shutting down', { reason, timeout_ms: this.config.shutdownTimeout });
    this.controller.abort(new LifecycleError(LifecycleErrorCode.ServiceStopping, `service stopping: ${reason}`));
    let ok = true;
    if (this.building) ok = await settlesBefore(this.building, deadline);
    if (!ok) this.log.error('shutdown timed out', { waiting_for: 'build' });
    else ok = (await this.hooks.runAll(deadline)).ok;
    const code = ok && !this.failed ? ExitCode.Ok : ExitCode.Failure;
    this.log.info('stopped', { code, ms: Math.round(performance.now() - started) });
    this.resolveStopped(code);
    return code;
  }
}

async function settlesBefore(p: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([
      p.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Config, logger, metrics and the runtime, before anything is built. Throws ConfigError. */
export function prepareService<S extends ConfigSchema, M>(
  opts: StartServiceOptions<S, M>,
): ServiceRuntime<ServiceConfig<S>> {
  const config = loadServiceConfig(opts.configSchema, opts.configSources);
  const log = createLogger({
    service: opts.name,
    level: opts.logLevel ?? (config.logLevel as LogLevel),
    ...(opts.logSink ? { sink: opts.logSink } : {}),
  });
  log.info('configuration', { config: redactConfig({ ...opts.configSchema, ...runtimeConfigSchema }, config) });
  const metrics = createMetrics({ service: opts.name, processMetrics: opts.processMetrics });
  return new ServiceRuntime(opts.name, config, log, metrics);
}

/**
 * Loads the config and builds the modules; resolves once serving. For tests and embedding: signals
 * and process exit are the caller's business (`runService` adds them). Throws ConfigError, or
 * LifecycleError BUILD_FAILED after closing what was built.
 */
export async function startService<S extends ConfigSchema, M>(
  opts: StartServiceOptions<S, M>,
): Promise<ServiceHandle<ServiceConfig<S>, M>> {
  const runtime = prepareService(opts);
  const modules = await runtime.build(opts.build);
  return {
    name: runtime.name,
    config: runtime.config,
    modules,
    log: runtime.log,
    metrics: runtime.metrics,
    signal: runtime.signal,
    stop: (reason, failure) => runtime.stop(reason, failure),
    stopped: runtime.stopped,
  };
}
