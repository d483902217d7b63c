// The producer's key and the one rule that keeps it safe: at most one block per height, ever. A
// signature is computed only after the guard has durably recorded (height, block id): a crash,
// restart or replay after that point can only ever sign the same block at that height again.
// Signing is serialized, so two blocks offered at once at one height cannot both pass the check.
import { blockSignBytes, type XPrv, type XPub, xprvSign, xprvToXPub } from '@bystack/protocol';
import { ownBytes, sameBytes, toHex } from './bytes.ts';
import type { SideBlockRef, SignerGuard } from './types.ts';

/** Whose block a signature is for: the crash hook tells them apart. */
export type SignKind = 'own' | 'peer';

export type SignerOptions = {
  readonly xprv: XPrv;
  /** TEST ONLY: called after the guard persisted a record, before the signature is computed. */
  readonly onPersisted?: ((kind: SignKind, height: bigint, blockId: Uint8Array) => void) | undefined;
  /** Heights remembered in memory (the guard remains the authority below them). Default 4096. */
  readonly memory?: number;
};

export type SignResult =
  | { readonly kind: 'signed'; readonly signature: Uint8Array }
  /** The guard holds another block at this height. */
  | { readonly kind: 'refused'; readonly signed: Uint8Array | undefined };

export class Signer {
  readonly xpub: XPub;
  readonly #xprv: XPrv;
  readonly #guard: SignerGuard;
  readonly #onPersisted: SignerOptions['onPersisted'];
  readonly #memory: number;
  /** height -> block id signed, for recent heights (a fast path; the guard decides). */
  readonly #signed = new Map<bigint, Uint8Array>();
  #last: SideBlockRef | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(opts: SignerOptions, guard: SignerGuard) {
    this.#xprv = ownBytes(opts.xprv);
    this.xpub = xprvToXPub(this.#xprv);
    this.#guard = guard;
    this.#onPersisted = opts.onPersisted;
    this.#memory = opts.memory ?? 4096;
  }

  /** Reads the guard's last record (call once before signing). */
  async load(): Promise<void> {
    this.#last = await this.#guard.getLastSigned();
    if (this.#last !== undefined) this.#remember(this.#last.height, this.#last.id);
  }

  /** The highest (height, block) on record. */
  get lastSigned(): SideBlockRef | undefined {
    return this.#last;
  }

  /** The block on record at `height`, if this process knows of one (memory, then the guard). */
  async signedAt(height: bigint): Promise<Uint8Array | undefined> {
    return this.#signed.get(height) ?? (await this.#guard.getSigned(height));
  }

  /** Records (height, blockId) durably, then signs; refuses when another block is on record at `height`. */
  sign(height: bigint, blockId: Uint8Array, kind: SignKind): Promise<SignResult> {
    const run = this.#queue.then(() => this.#sign(height, ownBytes(blockId), kind));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #sign(height: bigint, blockId: Uint8Array, kind: SignKind): Promise<SignResult> {
    const known = this.#signed.get(height);
    if (known !== undefined && !sameBytes(known, blockId)) return { kind: 'refused', signed: known };
    if (!(await this.#guard.recordSigned(height, blockId))) {
      return { kind: 'refused', signed: await this.#guard.getSigned(height) };
    }
    this.#remember(height, blockId);
    if (this.#last === undefined || height > this.#last.height) this.#last = { id: blockId, height };
    this.#onPersisted?.(kind, height, blockId);
    return { kind: 'signed', signature: xprvSign(this.#xprv, blockSignBytes(blockId)) };
  }

  /**
   * TEST ONLY (BYSTACK_BBFT_FAULT_DOUBLE_SIGN): signs without the guard. It exists so that the
   * double-sign detection of the other producers can be shown end to end; nothing else calls it.
   */
  signUnguarded(blockId: Uint8Array): Uint8Array {
    return xprvSign(this.#xprv, blockSignBytes(blockId));
  }

  #remember(height: bigint, blockId: Uint8Array): void {
    this.#signed.set(height, blockId);
    if (this.#signed.size > this.#memory) {
      let lowest = height;
      for (const h of this.#signed.keys()) if (h < lowest) lowest = h;
      this.#signed.delete(lowest);
    }
  }

  /** Hex of the key, for logs. */
  get keyHex(): string {
    return toHex(this.xpub);
  }
}
