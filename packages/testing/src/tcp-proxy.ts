// A TCP proxy on a loopback port that a test can cut and restore, to partition two processes that
// talk over one TCP link (a NATS leafnode connection, a gRPC channel) without touching either.
// `cut()` destroys every connection in flight and refuses new ones (they are accepted and closed
// at once, as a dropped link looks to a client that reconnects); `restore()` lets them through again.
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { freePort } from './free-port.ts';

export type TcpProxyOptions = {
  /** Where connections go. */
  readonly targetPort: number;
  /** Default 127.0.0.1. */
  readonly targetHost?: string;
  /** Port to listen on (default: a free one). */
  readonly listenPort?: number;
};

export type TcpProxy = {
  /** The port clients connect to (127.0.0.1). */
  readonly port: number;
  readonly targetPort: number;
  /** True while the link is cut. */
  readonly isCut: boolean;
  /** Connections currently relayed. */
  readonly connections: number;
  /** Drops every relayed connection and refuses new ones until `restore()`. */
  cut(): void;
  restore(): void;
  /** Stops listening and drops every connection. Safe to call twice. */
  close(): Promise<void>;
};

export async function createTcpProxy(opts: TcpProxyOptions): Promise<TcpProxy> {
  const targetHost = opts.targetHost ?? '127.0.0.1';
  const port = opts.listenPort ?? (await freePort());
  const pairs = new Set<[Socket, Socket]>();
  let cut = false;
  let closed = false;

  const drop = (pair: [Socket, Socket]) => {
    pairs.delete(pair);
    pair[0].destroy();
    pair[1].destroy();
  };

  const server: Server = createServer((client) => {
    if (cut || closed) {
      client.destroy();
      return;
    }
    const upstream = tcpConnect(opts.targetPort, targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => drop(pair);
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    port,
    targetPort: opts.targetPort,
    get isCut() {
      return cut;
    },
    get connections() {
      return pairs.size;
    },
    cut() {
      cut = true;
      for (const pair of [...pairs]) drop(pair);
    },
    restore() {
      cut = false;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const pair of [...pairs]) drop(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
