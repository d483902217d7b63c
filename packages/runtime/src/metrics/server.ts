// The Prometheus scrape endpoint: GET /metrics on its own port (node:http), closed at shutdown.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModuleContext } from '../lifecycle/types.ts';

export type MetricsServerOptions = {
  /** Port to listen on; 0 picks a free one. */
  readonly port: number;
  /** Interface (default 0.0.0.0, so the scraper in the cluster reaches it). */
  readonly host?: string;
  /** Path served (default /metrics); every other path is 404. */
  readonly path?: string;
};

export interface MetricsServer {
  /** The bound port (the real one when 0 was asked). */
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the endpoint and registers its closing with the service (it closes after the modules built later). */
export async function createMetricsServer(
  opts: MetricsServerOptions,
  ctx: Pick<ModuleContext, 'metrics' | 'log' | 'onShutdown'>,
): Promise<MetricsServer> {
  const path = opts.path ?? '/metrics';
  const host = opts.host ?? '0.0.0.0';
  const { registry } = ctx.metrics;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? '' : body),
      (err: unknown) => {
        ctx.log.error('metrics collection failed', { err });
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics collection failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${shownHost}:${port}${path}`;
  ctx.log.info('metrics endpoint listening', { url });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  ctx.onShutdown('metrics-server', close);
  return { port, url, close };
}
