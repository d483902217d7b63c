// `<data-dir>/endpoints.json`: what a running devnet offers, written by the launcher at start and
// removed at a clean stop, read by the CLI (and by anyone: it is plain JSON).
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type ServiceEndpoint = {
  /** host:port of the gRPC API. */
  readonly grpc: string;
  /** URL of the Prometheus endpoint. */
  readonly metrics: string;
  readonly pid: number | undefined;
  /** The service's log file. */
  readonly log: string;
};

export type NodeEndpoints = {
  readonly id: string;
  readonly nats: string;
  readonly redis: string;
  readonly dataDir: string;
  readonly validator: ServiceEndpoint;
  readonly mempool: ServiceEndpoint;
  readonly miner: ServiceEndpoint | undefined;
  /** Where this node's miner pays its coinbase. */
  readonly minerProgram: string;
  readonly minerAddress: string;
  /** The side chains this node runs (absent in files of launchers before side chains). */
  readonly sideChains?: readonly SideChainEndpoints[];
};

export type SideChainEndpoints = {
  /** Chain config name, e.g. "side-devnet". */
  readonly chain: string;
  /** Chain id, e.g. "side-1". */
  readonly chainId: string;
  readonly validator: ServiceEndpoint;
  readonly mempool: ServiceEndpoint;
  /** One bbft process per devnet producer key; `index` is the key's. */
  readonly producers: readonly (ServiceEndpoint & { readonly index: number })[];
};

export type DevnetEndpoints = {
  readonly version: 1;
  /** Chain config name, e.g. "main-devnet". */
  readonly chain: string;
  /** Chain id in subjects and requests, e.g. "main". */
  readonly chainId: string;
  readonly dataDir: string;
  /** The launcher's process. */
  readonly pid: number;
  readonly startedAt: string;
  readonly nodes: readonly NodeEndpoints[];
};

export const ENDPOINTS_FILE = 'endpoints.json';

export function endpointsPath(dataDir: string): string {
  return path.join(dataDir, ENDPOINTS_FILE);
}

export function writeEndpoints(dataDir: string, endpoints: DevnetEndpoints): void {
  const file = endpointsPath(dataDir);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(endpoints, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export function readEndpoints(dataDir: string): DevnetEndpoints | undefined {
  let text: string;
  try {
    text = readFileSync(endpointsPath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  const parsed = JSON.parse(text) as DevnetEndpoints;
  return parsed.version === 1 && Array.isArray(parsed.nodes) ? parsed : undefined;
}

export function removeEndpoints(dataDir: string): void {
  rmSync(endpointsPath(dataDir), { force: true });
}
