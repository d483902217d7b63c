// The gRPC server of a service: typed handlers, health, reflection, metrics, and a graceful stop.
//   const grpc = createGrpcServer({ port: ctx.config.grpcPort }, ctx);
//   grpc.addService(chainV1.ChainServiceService, { getTip: async (req, call) => ..., ... });
//   await grpc.start();
// When the service's signal aborts: health turns NOT_SERVING, streams end with UNAVAILABLE, and
// (after `drainDelayMs`) new calls are refused. The shutdown hook waits for the in-flight calls for
// up to `graceMs`, then cancels what is left and closes every connection.
import {
  type handleBidiStreamingCall,
  type handleClientStreamingCall,
  Server,
  ServerCredentials,
  type ServiceDefinition,
  status as Status,
  type UntypedHandleCall,
} from '@grpc/grpc-js';
import type { ModuleContext } from '../lifecycle/types.ts';
import type { Logger } from '../log/types.ts';
import { type RuntimeMetrics, runtimeMetricsOf } from '../metrics/runtime-metrics.ts';
import { RpcError, RpcErrorCode } from './errors.ts';
import { type CallHost, wrapServerStream, wrapUnary } from './handlers.ts';
import { HEALTH_SERVICE_NAME, HealthService } from './health.ts';
import { addReflection } from './reflection.ts';
import type {
  GrpcServerOptions,
  ServerStreamHandler,
  ServiceDef,
  ServiceImplementation,
  UnaryHandler,
} from './types.ts';

/** `bystack.chain.v1.ChainService` from a definition's first method path. */
export function serviceNameOf(definition: ServiceDef): string {
  const first = Object.values(definition)[0];
  if (!first) throw new TypeError('service definition has no methods');
  return first.path.slice(1, first.path.lastIndexOf('/'));
}

export class GrpcServer implements CallHost {
  readonly log: Logger;
  readonly metrics: RuntimeMetrics;
  readonly health = new HealthService();
  private readonly opts: GrpcServerOptions;
  private readonly ctx: Pick<ModuleContext, 'signal' | 'onShutdown'>;
  private readonly server: Server;
  private readonly services: string[] = [];
  private readonly calls = new Map<AbortController, boolean>();
  private boundPort: number | undefined;
  private draining: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(opts: GrpcServerOptions, ctx: Pick<ModuleContext, 'log' | 'metrics' | 'signal' | 'onShutdown'>) {
    this.opts = opts;
    this.ctx = ctx;
    this.log = ctx.log.child({ module: 'grpc-server' });
    this.metrics = runtimeMetricsOf(ctx.metrics.registry);
    this.server = new Server(opts.serverOptions);
    this.health.addToServer(this.server);
  }

  /** The bound port (after `start`). */
  get port(): number {
    if (this.boundPort === undefined) throw new Error('gRPC server not started');
    return this.boundPort;
  }

  /** Registers the handlers of one service; call before `start`. */
  addService<S extends ServiceDef>(definition: S, implementation: ServiceImplementation<S>): this {
    if (this.boundPort !== undefined) throw new Error('add services before starting the server');
    const handlers: Record<string, UntypedHandleCall> = {};
    for (const [name, method] of Object.entries(definition)) {
      const impl = (implementation as Record<string, unknown>)[name];
      if (typeof impl !== 'function') throw new TypeError(`no handler for ${method.path}`);
      if (method.requestStream) {
        handlers[name] = impl as
          | handleClientStreamingCall<unknown, unknown>
          | handleBidiStreamingCall<unknown, unknown>;
      } else if (method.responseStream) {
        handlers[name] = wrapServerStream(method.path, impl as ServerStreamHandler<unknown, unknown>, this);
      } else {
        handlers[name] = wrapUnary(method.path, impl as UnaryHandler<unknown, unknown>, this);
      }
    }
    this.server.addService(definition as unknown as ServiceDefinition, handlers);
    const serviceName = serviceNameOf(definition);
    this.services.push(serviceName);
    this.health.register(serviceName);
    return this;
  }

  /** Binds, reports SERVING, and arranges the stop. Resolves with the bound port. */
  async start(): Promise<number> {
    this.ctx.signal.throwIfAborted();
    if (this.opts.reflection !== false) {
      addReflection(this.server, [...this.services, HEALTH_SERVICE_NAME], this.opts.reflection ?? {});
    }
    const host = this.opts.host ?? '0.0.0.0';
    const target = `${host.includes(':') ? `[${host}]` : host}:${this.opts.port}`;
    this.boundPort = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(target, this.opts.credentials ?? ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      );
    });
    this.ctx.onShutdown('grpc-server', () => this.close());
    this.ctx.signal.addEventListener('abort', () => void this.drain(), { once: true });
    this.health.setAll('SERVING');
    this.log.info('gRPC server listening', { host, port: this.boundPort, services: this.services });
    return this.boundPort;
  }

  /** Sets a service's health status ('' = the whole server), e.g. NOT_SERVING while its store is down. */
  setServing(service: string, serving: boolean): void {
    this.health.set(service, serving ? 'SERVING' : 'NOT_SERVING');
  }

  track(controller: AbortController, streaming: boolean): () => void {
    this.calls.set(controller, streaming);
    return () => this.calls.delete(controller);
  }

  /** Stops taking work: NOT_SERVING, ends streams, then refuses new calls and waits for the rest. */
  drain(): Promise<void> {
    this.draining ??= (async () => {
      this.health.shutdown();
      this.abortCalls((streaming) => streaming);
      const delay = this.opts.drainDelayMs ?? 0;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      this.log.info('gRPC server draining', { in_flight: this.calls.size });
      await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
    })();
    return this.draining;
  }

  /** The shutdown hook: drain within `graceMs`, then cancel what is left and close. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const graceMs = this.opts.graceMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'grace-over'>((resolve) => {
        timer = setTimeout(() => resolve('grace-over'), graceMs);
      });
      const outcome = await Promise.race([this.drain(), graceOver]);
      clearTimeout(timer);
      if (outcome === 'grace-over') {
        this.log.warn('shutdown grace period over, cancelling calls', {
          in_flight: this.calls.size,
          grace_ms: graceMs,
        });
        this.abortCalls(() => true);
        this.server.forceShutdown();
      }
    })();
    return this.closing;
  }

  private abortCalls(which: (streaming: boolean) => boolean): void {
    const reason = new RpcError(RpcErrorCode.Unavailable, 'server shutting down', { status: Status.UNAVAILABLE });
    for (const [controller, streaming] of this.calls) if (which(streaming)) controller.abort(reason);
  }
}

export function createGrpcServer(
  opts: GrpcServerOptions,
  ctx: Pick<ModuleContext, 'log' | 'metrics' | 'signal' | 'onShutdown'>,
): GrpcServer {
  return new GrpcServer(opts, ctx);
}
