// Gossip of pending transactions on `bystack.<chain>.net.tx` (core NATS, crosses between nodes):
// every tx this node admits from a client or re-admits after a reorg is published once with this
// node as its origin, one message per admission batch (a message per tx cost the sender, NATS and
// every subscriber, the sender itself included, a message each); txs other nodes publish go through
// the same admission as a client's (batched with each other), and are not published again: every
// node subscribes to the subject, so a relay would only echo. A node ignores its own messages.
// Duplicates die at admission (DUPLICATE_TX).
import { type chainV1, mempoolV1 } from '@bystack/proto';
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
  /** Gossip messages admitted at once (default 64): their txs batch into the same admission. */
  readonly concurrency?: number;
};

/** Txs per gossip message at most: ~300 KB of transfers, well under NATS's 1 MB default payload. */
const TXS_PER_MESSAGE = 1024;
/** And bytes per message at most (a few big txs). */
const BYTES_PER_MESSAGE = 512 * 1024;

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
        const txs = msg.tx ? [msg.tx, ...msg.txs] : msg.txs;
        if (txs.length === 0) txs.push({ bytes: Buffer.alloc(0) }); // rejected as malformed, and counted
        await Promise.all(
          txs.map(async (raw) => {
            const result = await sink.submit(raw.bytes, 'gossip');
            if (!result.ok && result.error.code !== MempoolErrorCode.DUPLICATE_TX) {
              log.debug('gossiped tx rejected', { origin: msg.originNode, code: result.error.code });
            }
          }),
        );
      },
      { concurrency: this.#o.concurrency ?? 64 },
    );
    return this.#subscription;
  }

  announce(txs: readonly Uint8Array[]): void {
    const { bus, nodeId, log } = this.#o;
    try {
      for (let at = 0; at < txs.length; ) {
        const batch: chainV1.RawTx[] = [];
        let size = 0;
        while (at < txs.length && batch.length < TXS_PER_MESSAGE) {
          const bytes = txs[at]!;
          if (batch.length > 0 && size + bytes.length > BYTES_PER_MESSAGE) break;
          batch.push({ bytes: asBuffer(bytes) });
          size += bytes.length;
          at++;
        }
        bus.publish(this.#subject, mempoolV1.TxGossip, { tx: undefined, txs: batch, originNode: nodeId });
      }
    } catch (err) {
      // Shutting down or disconnected: the txs stay pending here; gossip is best effort.
      log.warn('tx gossip not published', { err, txs: txs.length });
    }
  }
}
