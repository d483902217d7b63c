import type { ConfigOf, ConfigSchema, LoadConfigOptions } from '../config/types.ts';
import type { Logger, LogLevel, LogSink } from '../log/types.ts';
import type { ServiceMetrics } from '../metrics/types.ts';
import type { runtimeConfigSchema } from './runtime-config.ts';

/** Closes one module: drain what it has in flight, then release its connections. */
export type ShutdownHook = () => void | Promise<void>;

/**
 * What every module receives from the composition root (`new X(opts, ctx)` / `createX(opts, ctx)`).
 * Contract: when `signal` aborts, stop taking new work (stop accepting calls, drain subscriptions);
 * the hook given to `onShutdown` then finishes in-flight work and closes connections. Hooks run in
 * reverse registration order, so register right after the resource is opened.
 */
export interface ModuleContext {
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly metrics: ServiceMetrics;
  onShutdown(name: string, hook: ShutdownHook): void;
}

/** The context a service's `build` receives. */
export interface ServiceContext<C> extends ModuleContext {
  /** The service name (`service` field of logs, `service` label of metrics). */
  readonly name: string;
  readonly config: C;
}

/** The runtime's own settings, added to every service's schema (logLevel, shutdownTimeout; a service cannot redefine them). */
export type RuntimeConfigSchema = typeof runtimeConfigSchema;

/** The configuration a service with schema `S` receives: its settings plus the runtime's. */
export type ServiceConfig<S extends ConfigSchema> = ConfigOf<Omit<S, keyof RuntimeConfigSchema> & RuntimeConfigSchema>;

export type StartServiceOptions<S extends ConfigSchema, M> = {
  readonly name: string;
  readonly configSchema: S;
  /** Builds the modules in order; resolves when the service is serving. */
  readonly build: (ctx: ServiceContext<ServiceConfig<S>>) => M | Promise<M>;
  /** Config sources (default: process.env, process.argv, prefix BYSTACK_). */
  readonly configSources?: LoadConfigOptions;
  /** Log sink (default: stdout). */
  readonly logSink?: LogSink;
  /** Overrides the configured log level (tests). */
  readonly logLevel?: LogLevel;
  /** Node process metrics in the registry (default true). */
  readonly processMetrics?: boolean;
};

export type RunServiceOptions<S extends ConfigSchema, M> = StartServiceOptions<S, M> & {
  /** Signals that start a graceful shutdown (default SIGTERM, SIGINT). A second one exits at once. */
  readonly signals?: readonly NodeJS.Signals[];
  /** Ends the process (default process.exit); tests pass their own. */
  readonly exit?: (code: number) => void;
};

/** A running service, as `startService` returns it. */
export interface ServiceHandle<C, M> {
  readonly name: string;
  readonly config: C;
  readonly modules: M;
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  readonly signal: AbortSignal;
  /**
   * Aborts the signal, then runs the shutdown hooks in reverse order within `shutdownTimeout`.
   * Resolves with the exit code (0 clean, 1 a hook failed or the time ran out). Idempotent.
   */
  stop(reason?: string, failure?: unknown): Promise<number>;
  /** Settles with the exit code once stopped. */
  readonly stopped: Promise<number>;
}
