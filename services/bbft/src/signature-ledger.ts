// Double-sign detection over every verified producer signature this process sees (block witnesses
// and net.sig): the first signature per (producer, height) is remembered; a signature by the same
// producer of a different block at that height yields the protocol's evidence, and from then on that
// producer counts as faulty at that height (its signatures there count for no block). Pure.
import { type DoubleSignEvidence, detectDoubleSign, type ProducerBlockSignature } from '@bystack/protocol';
import { ownBytes, toHex } from './bytes.ts';

export type LedgerOutcome =
  /** First signature of this producer at this height, or the same block again. */
  | { readonly kind: 'ok' }
  /** A second block at this height: the evidence (new, or already held for this producer and height). */
  | { readonly kind: 'double-sign'; readonly evidence: DoubleSignEvidence; readonly fresh: boolean };

type Entry = { readonly first: ProducerBlockSignature; evidence: DoubleSignEvidence | undefined };

export class SignatureLedger {
  readonly #entries = new Map<string, Entry>();

  static #key(producerKey: Uint8Array, height: bigint): string {
    return `${toHex(producerKey)}:${height}`;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Records a verified signature; the height must be the block's own (from the tree, not a peer's word). */
  record(sig: ProducerBlockSignature): LedgerOutcome {
    const key = SignatureLedger.#key(sig.producerKey, sig.height);
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      this.#entries.set(key, {
        first: {
          producerKey: ownBytes(sig.producerKey),
          height: sig.height,
          blockId: ownBytes(sig.blockId),
          signature: ownBytes(sig.signature),
        },
        evidence: undefined,
      });
      return { kind: 'ok' };
    }
    const evidence = detectDoubleSign(entry.first, sig);
    if (evidence === undefined)
      return entry.evidence ? { kind: 'double-sign', evidence: entry.evidence, fresh: false } : { kind: 'ok' };
    const fresh = entry.evidence === undefined;
    entry.evidence ??= evidence;
    return { kind: 'double-sign', evidence: fresh ? evidence : entry.evidence, fresh };
  }

  /** Marks a producer faulty at a height from evidence proven elsewhere (net.evidence). */
  markFaulty(evidence: DoubleSignEvidence): void {
    const key = SignatureLedger.#key(evidence.producerKey, evidence.height);
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      this.#entries.set(key, {
        first: { producerKey: evidence.producerKey, height: evidence.height, ...evidence.first },
        evidence,
      });
    } else {
      entry.evidence ??= evidence;
    }
  }

  /** Whether the producer was caught signing two blocks at `height`. */
  isFaulty(producerKey: Uint8Array, height: bigint): boolean {
    return this.#entries.get(SignatureLedger.#key(producerKey, height))?.evidence !== undefined;
  }

  /** Forgets heights below `height`. */
  pruneBelow(height: bigint): void {
    for (const [key, entry] of this.#entries) {
      if (entry.first.height < height) this.#entries.delete(key);
    }
  }
}
