// Signature checks of CHECKSIG and CHECKMULTISIG as data, and their upstream semantics
// (Bytom v1.1.1 `protocol/vm/crypto.go`). Ed25519 itself is injected, so the VM does not depend on
// a curve library: `verify` must follow Bytom's `ed25519.Verify` and return false (not throw)
// for any bytes it is given.

export const PUBLIC_KEY_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;

export type VerifySignatureFn = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;

/** One Ed25519 check (the shape of the keys area's `SignatureSet`). */
export type SignaturePair = {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
};

/**
 * A signature check whose result a deferred run assumed to be true. The arrays are views into the
 * program or arguments the VM was given; keep those unchanged until the set is verified.
 * - single: one Ed25519 check (CHECKSIG, or one pair of a CHECKMULTISIG whose pairing is forced).
 * - orderedMultisig: CHECKMULTISIG with fewer signatures than keys. Which key a signature belongs to
 *   depends on verification results, so the whole match is deferred: it holds iff upstream's
 *   in-order match succeeds.
 */
export type VmSignatureSet =
  | ({ readonly kind: 'single' } & SignaturePair)
  | {
      readonly kind: 'orderedMultisig';
      /** In matching order: the key pushed last comes first. */
      readonly publicKeys: readonly Uint8Array[];
      readonly message: Uint8Array;
      /** In matching order: the signature pushed last comes first. Fewer than the keys. */
      readonly signatures: readonly Uint8Array[];
    };

/** Verifies a set sequentially, exactly as upstream would have during the run. */
export function verifyVmSignatureSet(set: VmSignatureSet, verify: VerifySignatureFn): boolean {
  return set.kind === 'single'
    ? verifyEd25519(verify, set.publicKey, set.message, set.signature)
    : orderedMultisigMatches(set.publicKeys, set.message, set.signatures, verify);
}

export function verifyVmSignatureSets(sets: readonly VmSignatureSet[], verify: VerifySignatureFn): boolean {
  return sets.every((set) => verifyVmSignatureSet(set, verify));
}

/**
 * The independent checks that decide a set, for a batch verifier: the set itself if single; for an
 * M-of-N ordered match, signature s against keys s..s+N-M (a signature matched to any other key
 * leaves too few keys for the rest), M * (N - M + 1) checks, signature-major.
 */
export function vmSignatureSetPairs(set: VmSignatureSet): SignaturePair[] {
  if (set.kind === 'single') return [set];
  const window = set.publicKeys.length - set.signatures.length;
  return set.signatures.flatMap((signature, s) =>
    set.publicKeys.slice(s, s + window + 1).map((publicKey) => ({ publicKey, message: set.message, signature })),
  );
}

/** Whether a set holds given the verdicts of `vmSignatureSetPairs(set)`, in that order. */
export function vmSignatureSetHolds(set: VmSignatureSet, pairVerdicts: readonly boolean[]): boolean {
  if (set.kind === 'single') return pairVerdicts[0] === true;
  const window = set.publicKeys.length - set.signatures.length;
  let s = 0;
  for (let k = 0; k < set.publicKeys.length && s < set.signatures.length; k++) {
    if (k - s <= window && pairVerdicts[s * (window + 1) + (k - s)] === true) s++;
  }
  return s === set.signatures.length;
}

/** One check with upstream's length rules: only a 32-byte key and a 64-byte signature can verify. */
export function verifyEd25519(
  verify: VerifySignatureFn,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  return (
    publicKey.length === PUBLIC_KEY_LENGTH &&
    signature.length === SIGNATURE_LENGTH &&
    verify(publicKey, message, signature)
  );
}

/** Upstream CHECKMULTISIG loop: each signature must verify under a later key than the previous one. */
export function orderedMultisigMatches(
  publicKeys: readonly Uint8Array[],
  message: Uint8Array,
  signatures: readonly Uint8Array[],
  verify: VerifySignatureFn,
): boolean {
  let s = 0;
  for (let k = 0; k < publicKeys.length && s < signatures.length; k++) {
    if (verifyEd25519(verify, publicKeys[k]!, message, signatures[s]!)) s++;
  }
  return s === signatures.length;
}
