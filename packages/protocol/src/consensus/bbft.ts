// BBFT block signatures and irreversibility (Vapor `protocol/bbft.go`: signBlockHeader, checkNodeSign,
// isIrreversible, ProcessBlockSignature; `protocol/bc/types/block_witness.go`). Every producer of the
// round signs each valid block it sees; its signature goes into the witness slot of its order. A block
// with signatures from more than 2/3 of the round's producers is irreversible.
import { ed25519Verify } from '../keys/ed25519.ts';
import { assertBlockId, assertProducerKey, assertSignature } from './checks.ts';
import { ConsensusError, ConsensusErrorCode } from './errors.ts';

/** Plain Ed25519 verification, argument order of `@noble/curves` `ed25519.verify`. */
export type ProducerSignatureVerifier = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;

/** The chain's Ed25519 rule (`ed25519Verify`) as a ProducerSignatureVerifier. */
export const ed25519ProducerVerifier: ProducerSignatureVerifier = (signature, message, publicKey) =>
  ed25519Verify(publicKey, message, signature);

/**
 * The message a producer signs for a block: exactly the 32-byte block id, no prefix (Vapor signs
 * `blockHeader.Hash().Bytes()`). The id covers the header but not its witness, so signatures can be
 * collected after the block is made; it commits to the parent chain, so it cannot be replayed on
 * another chain or branch.
 */
export function blockSignBytes(blockId: Uint8Array): Uint8Array {
  return Uint8Array.from(assertBlockId(blockId));
}

/**
 * Verifies a producer's signature of a block. The producer key is a 64-byte xpub (public key || chain
 * code); Ed25519 uses its first 32 bytes (Vapor `chainkd.XPub.Verify`). A verifier that throws counts
 * as a failed verification.
 */
export function verifyBlockSignature(
  producerKey: Uint8Array,
  blockId: Uint8Array,
  signature: Uint8Array,
  verify: ProducerSignatureVerifier,
): boolean {
  const publicKey = assertProducerKey(producerKey).subarray(0, 32);
  const message = blockSignBytes(blockId);
  assertSignature(signature);
  try {
    return verify(signature, message, publicKey) === true;
  } catch {
    return false;
  }
}

function assertCount(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ConsensusError(ConsensusErrorCode.InvalidInput, `${what} must be a non-negative safe integer`, {
      value,
    });
  }
  return value;
}

/** More than 2/3 of the producers signed: 3 * signatureCount > 2 * producerCount, exact in integers. */
export function isIrreversible(signatureCount: number, producerCount: number): boolean {
  assertCount(signatureCount, 'signatureCount');
  if (assertCount(producerCount, 'producerCount') === 0 || signatureCount > producerCount) {
    throw new ConsensusError(ConsensusErrorCode.InvalidInput, 'need 0 <= signatureCount <= producerCount >= 1', {
      signatureCount,
      producerCount,
    });
  }
  return 3 * signatureCount > 2 * producerCount;
}

/** Signatures of one block by witness slot (producer order); `undefined` marks a slot not signed yet. */
export interface BlockSignatureSet {
  readonly blockId: Uint8Array;
  readonly signatures: readonly (Uint8Array | undefined)[];
}

/**
 * Signature set of a block for a round of `producerCount` producers, optionally seeded from the block's
 * witness list: empty entries are unsigned slots, entries past the producer count are ignored (Vapor
 * counts slots 0..N-1 only). Signatures are not verified here.
 */
export function createBlockSignatureSet(
  blockId: Uint8Array,
  producerCount: number,
  witness: readonly Uint8Array[] = [],
): BlockSignatureSet {
  assertBlockId(blockId);
  if (assertCount(producerCount, 'producerCount') === 0) {
    throw new ConsensusError(ConsensusErrorCode.InvalidInput, 'a round has at least one producer');
  }
  if (!Array.isArray(witness)) throw new ConsensusError(ConsensusErrorCode.InvalidInput, 'witness must be an array');
  const signatures = Array.from({ length: producerCount }, (_, i) => {
    const entry = witness[i];
    if (entry === undefined || (entry instanceof Uint8Array && entry.length === 0)) return undefined;
    return Uint8Array.from(assertSignature(entry, `witness ${i}`));
  });
  return Object.freeze({ blockId: Uint8Array.from(blockId), signatures: Object.freeze(signatures) });
}

function assertOrder(set: BlockSignatureSet, order: number): number {
  if (!Number.isSafeInteger(order) || order < 0 || order >= set.signatures.length) {
    throw new ConsensusError(ConsensusErrorCode.ProducerOrderOutOfRange, 'no such witness slot', {
      order,
      producerCount: set.signatures.length,
    });
  }
  return order;
}

function withSlot(set: BlockSignatureSet, order: number, value: Uint8Array | undefined): BlockSignatureSet {
  const signatures = set.signatures.slice();
  signatures[order] = value;
  return Object.freeze({ blockId: set.blockId, signatures: Object.freeze(signatures) });
}

/**
 * Records the (already verified) signature of the producer of order `order`. A slot already signed is
 * kept and the same set returned, as Vapor ignores a second signature for a slot.
 */
export function addBlockSignature(set: BlockSignatureSet, order: number, signature: Uint8Array): BlockSignatureSet {
  assertOrder(set, order);
  assertSignature(signature);
  return set.signatures[order] === undefined ? withSlot(set, order, Uint8Array.from(signature)) : set;
}

/** Clears a slot, as Vapor does for the signature of a producer caught double-signing. */
export function removeBlockSignature(set: BlockSignatureSet, order: number): BlockSignatureSet {
  assertOrder(set, order);
  return set.signatures[order] === undefined ? set : withSlot(set, order, undefined);
}

/** Orders of the producers who signed, ascending. */
export function signedProducerOrders(set: BlockSignatureSet): number[] {
  const orders: number[] = [];
  set.signatures.forEach((sig, i) => {
    if (sig !== undefined) orders.push(i);
  });
  return orders;
}

/** Whether the block has signatures from more than 2/3 of its round's producers. */
export function isBlockIrreversible(set: BlockSignatureSet): boolean {
  return isIrreversible(signedProducerOrders(set).length, set.signatures.length);
}
