// Double-sign evidence: one producer signed two different blocks at the same height (Vapor
// `protocol/bbft.go` checkDoubleSign, ErrDoubleSignBlock). Vapor only drops such a signature; we also
// build a canonical, self-describing evidence record so that the fault can be proven to others.

import { type ProducerSignatureVerifier, verifyBlockSignature } from './bbft.ts';
import {
  assertBlockId,
  assertHeight,
  assertProducerKey,
  assertSignature,
  BLOCK_ID_LENGTH,
  bytesEqual,
  compareBytes,
  PRODUCER_KEY_LENGTH,
  SIGNATURE_LENGTH,
} from './checks.ts';
import { ConsensusError, ConsensusErrorCode } from './errors.ts';

/** A producer's signature of a block, with the block's height as the signer's peer reports it. */
export interface ProducerBlockSignature {
  readonly producerKey: Uint8Array;
  readonly height: bigint;
  readonly blockId: Uint8Array;
  readonly signature: Uint8Array;
}

export interface DoubleSignPart {
  readonly blockId: Uint8Array;
  readonly signature: Uint8Array;
}

/** Two signatures by one producer of two blocks at one height; `first.blockId` < `second.blockId`. */
export interface DoubleSignEvidence {
  readonly producerKey: Uint8Array;
  readonly height: bigint;
  readonly first: DoubleSignPart;
  readonly second: DoubleSignPart;
}

const EVIDENCE_VERSION = 1;
const SIGNED_ID_LENGTH = BLOCK_ID_LENGTH + SIGNATURE_LENGTH;
/** version (1) | producer key (64) | height (uint64 LE) | first id (32) | first sig (64) | second id | second sig */
export const DOUBLE_SIGN_EVIDENCE_LENGTH = 1 + PRODUCER_KEY_LENGTH + 8 + 2 * SIGNED_ID_LENGTH;

function checkSigned(h: ProducerBlockSignature, what: string): void {
  if (typeof h !== 'object' || h === null) throw new ConsensusError(ConsensusErrorCode.InvalidInput, what);
  assertProducerKey(h.producerKey, `${what} producer key`);
  assertHeight(h.height, `${what} height`);
  assertBlockId(h.blockId, `${what} block id`);
  assertSignature(h.signature, `${what} signature`);
}

function signedId(h: DoubleSignPart): DoubleSignPart {
  return Object.freeze({ blockId: Uint8Array.from(h.blockId), signature: Uint8Array.from(h.signature) });
}

function makeEvidence(
  producerKey: Uint8Array,
  height: bigint,
  a: DoubleSignPart,
  b: DoubleSignPart,
): DoubleSignEvidence {
  const [first, second] = compareBytes(a.blockId, b.blockId) < 0 ? [a, b] : [b, a];
  return Object.freeze({
    producerKey: Uint8Array.from(producerKey),
    height,
    first: signedId(first),
    second: signedId(second),
  });
}

/**
 * Evidence if `a` and `b` are one producer's signatures of two different blocks at one height, else
 * undefined. The pair's order does not matter. Signatures are not checked: see `verifyDoubleSignEvidence`.
 */
export function detectDoubleSign(a: ProducerBlockSignature, b: ProducerBlockSignature): DoubleSignEvidence | undefined {
  checkSigned(a, 'first header');
  checkSigned(b, 'second header');
  if (!bytesEqual(a.producerKey, b.producerKey) || a.height !== b.height || bytesEqual(a.blockId, b.blockId)) {
    return undefined;
  }
  return makeEvidence(a.producerKey, a.height, a, b);
}

function checkEvidence(e: DoubleSignEvidence): void {
  if (typeof e !== 'object' || e === null || typeof e.first !== 'object' || typeof e.second !== 'object') {
    throw new ConsensusError(ConsensusErrorCode.InvalidInput, 'evidence must be an object with two signed ids');
  }
  checkSigned({ ...e.first, producerKey: e.producerKey, height: e.height }, 'first block');
  checkSigned({ ...e.second, producerKey: e.producerKey, height: e.height }, 'second block');
  if (compareBytes(e.first.blockId, e.second.blockId) >= 0) {
    throw new ConsensusError(ConsensusErrorCode.MalformedEncoding, 'evidence block ids must differ and ascend');
  }
}

/** The canonical bytes of `evidence` (DOUBLE_SIGN_EVIDENCE_LENGTH bytes). */
export function encodeDoubleSignEvidence(evidence: DoubleSignEvidence): Uint8Array {
  checkEvidence(evidence);
  const out = new Uint8Array(DOUBLE_SIGN_EVIDENCE_LENGTH);
  out[0] = EVIDENCE_VERSION;
  out.set(evidence.producerKey, 1);
  new DataView(out.buffer).setBigUint64(1 + PRODUCER_KEY_LENGTH, evidence.height, true);
  let at = 1 + PRODUCER_KEY_LENGTH + 8;
  for (const s of [evidence.first, evidence.second]) {
    out.set(s.blockId, at);
    out.set(s.signature, at + BLOCK_ID_LENGTH);
    at += SIGNED_ID_LENGTH;
  }
  return out;
}

/** Decodes canonical evidence bytes; anything else is a MalformedEncoding error. */
export function decodeDoubleSignEvidence(bytes: Uint8Array): DoubleSignEvidence {
  if (!(bytes instanceof Uint8Array) || bytes.length !== DOUBLE_SIGN_EVIDENCE_LENGTH) {
    throw new ConsensusError(ConsensusErrorCode.MalformedEncoding, 'wrong evidence length', {
      length: bytes instanceof Uint8Array ? bytes.length : undefined,
    });
  }
  if (bytes[0] !== EVIDENCE_VERSION) {
    throw new ConsensusError(ConsensusErrorCode.MalformedEncoding, 'unknown evidence version', { version: bytes[0] });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const base = 1 + PRODUCER_KEY_LENGTH + 8;
  const part = (at: number) => ({
    blockId: bytes.slice(at, at + BLOCK_ID_LENGTH),
    signature: bytes.slice(at + BLOCK_ID_LENGTH, at + SIGNED_ID_LENGTH),
  });
  const evidence: DoubleSignEvidence = Object.freeze({
    producerKey: bytes.slice(1, 1 + PRODUCER_KEY_LENGTH),
    height: view.getBigUint64(1 + PRODUCER_KEY_LENGTH, true),
    first: Object.freeze(part(base)),
    second: Object.freeze(part(base + SIGNED_ID_LENGTH)),
  });
  checkEvidence(evidence);
  return evidence;
}

/**
 * Whether `evidence` proves a double sign: canonical form, two different block ids, and both signatures
 * valid for the producer key. Signatures cover only the block ids and Ed25519 uses only the first half
 * of the xpub, so the caller must still bind the rest: the full 64-byte xpub must be a producer of the
 * round at `evidence.height`, and both blocks must sit at that height, which `heightOf` (e.g. a lookup
 * in the caller's block store) checks when given.
 */
export function verifyDoubleSignEvidence(
  evidence: DoubleSignEvidence,
  verify: ProducerSignatureVerifier,
  heightOf?: (blockId: Uint8Array) => bigint | undefined,
): boolean {
  try {
    checkEvidence(evidence);
  } catch (err) {
    if (err instanceof ConsensusError) return false;
    throw err;
  }
  for (const s of [evidence.first, evidence.second]) {
    if (heightOf !== undefined && heightOf(s.blockId) !== evidence.height) return false;
    if (!verifyBlockSignature(evidence.producerKey, s.blockId, s.signature, verify)) return false;
  }
  return true;
}
