// Gossip of pending transactions on `bystack.<chain>.net.tx` (core NATS, crosses between nodes):
// every tx this node admits from a client or re-admits after a reorg is published once with this
// node as its origin; txs other nodes publish go through the same admission as a client's (batched
// with each other), and are not published again: every node subscribes to the subject, so a relay
// would only echo. A node ignores its own messages. Duplicates die at admission (DUPLICATE_TX).
import { mempoolV1 } from '@bystack/proto';
import { type Bus, type BusSubscription, type Logger, subject } from '@bystack/runtime';
import type { AdmitResult } from './admission.ts';
import { MempoolErrorCode } from './errors.ts';
import { asBuffer } from './hex.ts';
import type { AdmitSource, TxAnnouncer } from './types.ts';

/** The part of the bus gossip uses. */
export type GossipBus = Pick<Bus, 'publish' | 'subscribe'>;

export type TxGossipOptions = {
  readonly bus: GossipBus;
  /** Chain id (subject token). */
  readonly chain: string;
  readonly nodeId: string;
  readonly log: Logger;
  /** Gossip messages admitted at once (default 512): they batch into the same admission. */
  readonly concurrency?: number;
};

/** What gossip hands received txs to. */
export interface GossipSink {
  submit(raw: Uint8Array, source: AdmitSource): Promise<AdmitResult>;
}

export class TxGossip implements TxAnnouncer {
  readonly #o: TxGossipOptions;
  readonly #subject;
  #subscription: BusSubscription | undefined;

  constructor(opts: TxGossipOptions) {
    this.#o = opts;
    this.#subject = subject(opts.chain, 'net', 'tx');
  }

  /** Starts admitting other nodes' gossip into `sink`. */
  start(sink: GossipSink): BusSubscription {
    const { nodeId, log } = this.#o;
    this.#subscription = this.#o.bus.subscribe(
      this.#subject,
      mempoolV1.TxGossip,
      async (msg) => {
        if (msg.originNode === nodeId) return;
        const result = await sink.submit(msg.tx?.bytes ?? new Uint8Array(0), 'gossip');
        if (!result.ok && result.error.code !== MempoolErrorCode.DUPLICATE_TX) {
          log.debug('gossiped tx rejected', { origin: msg.originNode, code: result.error.code });
        }
      },
      { concurrency: this.#o.concurrency ?? 512 },
    );
    return this.#subscription;
  }

  announce(txs: readonly Uint8Array[]): void {
    const { bus, nodeId, log } = this.#o;
    try {
      for (const bytes of txs)
        bus.publish(this.#subject, mempoolV1.TxGossip, { tx: { bytes: asBuffer(bytes) }, originNode: nodeId });
    } catch (err) {
      // Shutting down or disconnected: the txs stay pending here; gossip is best effort.
      log.warn('tx gossip not published', { err, txs: txs.length });
    }
  }
}
