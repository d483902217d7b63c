// The nats-server configuration of one devnet node: JetStream under the node's data dir, in a
// JetStream domain of its own (the node id), so that node-local streams never clash across the
// leafnode links; node 0 listens for leafnodes, the other nodes connect to it as leafnode remotes.
// Core NATS subjects (`bystack.<chain>.net.*`) then flow between all nodes. The largest message is
// raised from the server's 1 MiB default to 8 MiB: a 5,000-transfer block is 1.3 MB, and blocks
// travel whole on net.block, in sync replies and in committed events.

/** max_payload of a devnet node's nats-server, bytes. */
export const DEVNET_NATS_MAX_PAYLOAD = 8 * 1024 * 1024;

export type NatsNodeConfig = {
  readonly nodeId: string;
  readonly port: number;
  readonly storeDir: string;
  readonly logFile: string;
  /** Node 0: the port it accepts leafnode connections on. */
  readonly leafListenPort?: number;
  /**
   * Node 0: the address it tells leaf nodes to reconnect to. A leaf adds it to the URL it was given,
   * so with a proxy in front of the listener (a partition test) this must not be the listener
   * itself, or the leaf reconnects around the proxy: the launcher names a closed port then.
   */
  readonly leafAdvertise?: string;
  /** Nodes 1..N-1: host:port of node 0's leafnode listener (or a proxy in front of it). */
  readonly leafRemote?: string;
};

/** A JSON string literal is a valid NATS config string. */
const q = (s: string) => JSON.stringify(s);

export function natsConfigText(c: NatsNodeConfig): string {
  const lines = [
    `server_name: ${q(`bystack-${c.nodeId}`)}`,
    `listen: ${q(`127.0.0.1:${c.port}`)}`,
    `log_file: ${q(c.logFile)}`,
    `max_payload: ${DEVNET_NATS_MAX_PAYLOAD}`,
    `jetstream {`,
    `  store_dir: ${q(c.storeDir)}`,
    `  domain: ${q(c.nodeId)}`,
    `}`,
  ];
  if (c.leafListenPort !== undefined) {
    lines.push(`leafnodes {`, `  listen: ${q(`127.0.0.1:${c.leafListenPort}`)}`);
    if (c.leafAdvertise !== undefined) lines.push(`  advertise: ${q(c.leafAdvertise)}`);
    lines.push(`}`);
  }
  if (c.leafRemote !== undefined) {
    // Reconnect every second after a partition heals.
    lines.push(`leafnodes {`, `  reconnect: 1`, `  remotes: [ { url: ${q(`nats-leaf://${c.leafRemote}`)} } ]`, `}`);
  }
  return `${lines.join('\n')}\n`;
}
