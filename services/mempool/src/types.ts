// What the mempool needs from outside, as the interfaces it defines (the consumer's view):
// the hot tier's UTXOs and tip (RedisHotTier fits), a signature verifier (the protocol's worker
// pool fits), and a way to publish admitted transactions.
import type { ChainTip, UtxoRecord } from '@bystack/runtime';

/** Read-only access to the chain's UTXO set and the tip it reflects. */
export interface UtxoSource {
  /** One answer per id, in order; undefined where the output is not unspent. */
  getUtxos(chain: string, outputIds: readonly Uint8Array[]): Promise<(UtxoRecord | undefined)[]>;
  /** The block the UTXO set reflects, if any. */
  getTip(chain: string): Promise<ChainTip | undefined>;
}

/** Where admitted transactions go to reach other nodes (gossip.ts). */
export interface TxAnnouncer {
  announce(txBytes: readonly Uint8Array[]): void;
}

/** Where a transaction came from: a client, another node, or a block a reorganization detached. */
export type AdmitSource = 'api' | 'gossip' | 'reorg';
