// The mempool's side of the node's verified-signature cache: it only writes. A tx the mempool checks
// is new to this node (a pending duplicate is refused before its signatures are looked at), so
// asking the cache first would almost never hit, and costs two Redis lookups per chunk of every
// batch. The validator, which meets the same signatures again in blocks, is the one that reads.
// (A reorganization's re-admitted txs are verified again: rare, and bounded by the detached blocks.)
import type { VerifiedSignatureCache } from '@bystack/protocol';

/** `cache` for adding verified triples only: every lookup answers "not there" without asking it. */
export function writeOnlySignatureCache(cache: VerifiedSignatureCache): VerifiedSignatureCache {
  return {
    has: async (keys) => keys.map(() => false),
    add: (keys) => cache.add(keys),
  };
}
