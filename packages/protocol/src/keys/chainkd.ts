// ChainKD hierarchical keys, bit-compatible with Bytom v1.1.1 `crypto/ed25519/chainkd/chainkd.go`.
//   xprv = scalar (32 bytes, little-endian, used directly, never hashed) || chain code (32 bytes)
//   xpub = public key [scalar]B (32 bytes) || chain code (32 bytes)
// Non-hardened children add a small derived scalar f to the parent scalar (public side: P + [f]B),
// so a child xpub is derivable from the parent xpub and signatures stay plain Ed25519.
import { concatBytes } from '@noble/curves/utils.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { ed25519InnerSign, ed25519Verify } from './ed25519.ts';
import { decodePoint, multiplyBaseVartime, scalarFromBytes } from './ed25519-noble.ts';
import { ed25519BaseMultiply } from './ed25519-sodium.ts';
import { KeysError } from './errors.ts';

/** 64 bytes: scalar || chain code. */
export type XPrv = Uint8Array;
/** 64 bytes: public key || chain code. */
export type XPub = Uint8Array;

export const XPRV_SIZE = 64;
export const XPUB_SIZE = 64;

const ROOT_KEY = new TextEncoder().encode('Root');
const EXPAND_KEY = new TextEncoder().encode('Expand');
const HARDENED_TAG = Uint8Array.of(0x48); // 'H'
const NON_HARDENED_TAG = Uint8Array.of(0x4e); // 'N'

function checkXPrv(xprv: XPrv): void {
  if (xprv.length !== XPRV_SIZE) throw new KeysError('BAD_LENGTH', `xprv must be 64 bytes, got ${xprv.length}`);
  if (xprv[31]! >= 0x80) throw new KeysError('BAD_SCALAR', 'xprv scalar has its top bit set');
}

function checkXPub(xpub: XPub): void {
  if (xpub.length !== XPUB_SIZE) throw new KeysError('BAD_LENGTH', `xpub must be 64 bytes, got ${xpub.length}`);
}

// Clears the low 3 bits (a multiple of the cofactor) and the top 3 bits, then sets bit 254. Unlike
// Ed25519 clamping bit 253 is cleared too, so that non-hardened children cannot overflow.
function pruneRootScalar(s: Uint8Array): void {
  s[0]! &= 248;
  s[31]! &= 31;
  s[31]! |= 64;
}

// Keeps bits 3..232 only: f < 2^233, a multiple of 8.
function pruneIntermediateScalar(f: Uint8Array): void {
  f[0]! &= 248;
  f[29]! &= 1;
  f[30] = 0;
  f[31] = 0;
}

/** Root xprv of a seed of any length: HMAC-SHA512(key "Root", seed), scalar pruned. */
export function createRootXPrv(seed: Uint8Array): XPrv {
  const xprv = hmac(sha512, ROOT_KEY, seed);
  pruneRootScalar(xprv);
  return xprv;
}

export function xprvToXPub(xprv: XPrv): XPub {
  checkXPrv(xprv);
  return concatBytes(ed25519BaseMultiply(scalarFromBytes(xprv.subarray(0, 32))), xprv.subarray(32, 64));
}

/** The Ed25519 public key of an xpub: its first 32 bytes (a copy). */
export function xpubToPublicKey(xpub: XPub): Uint8Array {
  checkXPub(xpub);
  return xpub.slice(0, 32);
}

// HMAC-SHA512 keyed by the chain code over tag || key half || selector; the right half of the
// result is the child's chain code.
function childHmac(parent: Uint8Array, tag: Uint8Array, selector: Uint8Array): Uint8Array {
  return hmac(sha512, parent.subarray(32, 64), concatBytes(tag, parent.subarray(0, 32), selector));
}

function hardenedChild(xprv: XPrv, selector: Uint8Array): XPrv {
  const child = childHmac(xprv, HARDENED_TAG, selector);
  pruneRootScalar(child);
  return child;
}

function nonHardenedChild(xprv: XPrv, selector: Uint8Array): XPrv {
  const child = childHmac(xprvToXPub(xprv), NON_HARDENED_TAG, selector);
  pruneIntermediateScalar(child);
  // child scalar = parent scalar + f, as 256-bit integers (not mod L), as upstream does.
  let carry = 0;
  for (let i = 0; i < 32; i++) {
    const sum = xprv[i]! + child[i]! + carry;
    child[i] = sum & 0xff;
    carry = sum >> 8;
  }
  if (carry !== 0 || child[31]! >= 0x80) throw new KeysError('BAD_SCALAR', 'child scalar overflows 255 bits');
  return child;
}

/**
 * Child xprv for `selector` (any bytes). Hardened children are unrelated to the parent xpub;
 * non-hardened ones match `xpubChild(xprvToXPub(xprv), selector)`.
 */
export function xprvChild(xprv: XPrv, selector: Uint8Array, hardened: boolean): XPrv {
  checkXPrv(xprv);
  return hardened ? hardenedChild(xprv, selector) : nonHardenedChild(xprv, selector);
}

/** Non-hardened child xpub for `selector`. Throws BAD_PUBLIC_KEY when the key is not a curve point. */
export function xpubChild(xpub: XPub, selector: Uint8Array): XPub {
  checkXPub(xpub);
  const parent = decodePoint(xpub.subarray(0, 32));
  if (parent === undefined) throw new KeysError('BAD_PUBLIC_KEY', 'xpub public key is not a curve point');
  const child = childHmac(xpub, NON_HARDENED_TAG, selector);
  pruneIntermediateScalar(child);
  // f is derived from public data, so variable time is fine.
  const f = multiplyBaseVartime(scalarFromBytes(child.subarray(0, 32)));
  child.set(parent.add(f).toBytes(), 0);
  return child;
}

/** Non-hardened derivation along `path`: `xprvDerive(k, [a, b]) = xprvChild(xprvChild(k, a, false), b, false)`. */
export function xprvDerive(xprv: XPrv, path: readonly Uint8Array[]): XPrv {
  checkXPrv(xprv);
  let key: XPrv = xprv.slice();
  for (const selector of path) key = xprvChild(key, selector, false);
  return key;
}

/** Non-hardened derivation along `path`, the public counterpart of `xprvDerive`. */
export function xpubDerive(xpub: XPub, path: readonly Uint8Array[]): XPub {
  checkXPub(xpub);
  let key: XPub = xpub.slice();
  for (const selector of path) key = xpubChild(key, selector);
  return key;
}

/**
 * The 64-byte expanded key chainkd signs with: the xprv scalar as is, then the right half of
 * HMAC-SHA512(key "Expand", xprv) as nonce prefix.
 */
export function xprvToExpandedPrivateKey(xprv: XPrv): Uint8Array {
  checkXPrv(xprv);
  const expanded = hmac(sha512, EXPAND_KEY, xprv);
  expanded.set(xprv.subarray(0, 32), 0);
  return expanded;
}

/** Ed25519 signature that verifies against `xpubToPublicKey(xprvToXPub(xprv))`. */
export function xprvSign(xprv: XPrv, message: Uint8Array): Uint8Array {
  return ed25519InnerSign(xprvToExpandedPrivateKey(xprv), message);
}

/** Plain Ed25519 verification (chain rule) against the xpub's public key. Never throws. */
export function xpubVerify(xpub: XPub, message: Uint8Array, signature: Uint8Array): boolean {
  return xpub.length === XPUB_SIZE && ed25519Verify(xpub.subarray(0, 32), message, signature);
}
