// Program builder with forward jumps, following Bytom v1.1.1 `protocol/vm/vmutil/builder.go`.
import { VmError, VmErrorCode } from '../errors.ts';
import { Opcode } from '../opcodes.ts';
import { pushdataBytes, pushdataInt64 } from '../pushdata.ts';

export class ProgramBuilder {
  #buf = new Uint8Array(64);
  #len = 0;
  #jumpCounter = 0;
  /** Jump target number -> program offset. */
  readonly #targets = new Map<number, number>();
  /** Jump target number -> offsets of the 4-byte address fields to fill in. */
  readonly #placeholders = new Map<number, number[]>();

  addOp(op: number): this {
    this.#reserve(1);
    this.#buf[this.#len++] = op;
    return this;
  }

  /** Shortest push of `data`. */
  addData(data: Uint8Array): this {
    return this.addRawBytes(pushdataBytes(data));
  }

  /** Shortest push of `n` (0 and 1..16 are one byte). */
  addInt64(n: bigint): this {
    return this.addRawBytes(pushdataInt64(n));
  }

  /** Appends bytes as they are, without a push opcode. */
  addRawBytes(bytes: Uint8Array): this {
    this.#reserve(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
    return this;
  }

  /** A number to use in `addJump`/`addJumpIf` before or after `setJumpTarget` gives it a place. */
  newJumpTarget(): number {
    return ++this.#jumpCounter;
  }

  addJump(target: number): this {
    return this.#addJump(Opcode.JUMP, target);
  }

  addJumpIf(target: number): this {
    return this.#addJump(Opcode.JUMPIF, target);
  }

  /** Jumps to `target` land on whatever is added next (or fall off the end of the program). */
  setJumpTarget(target: number): this {
    this.#targets.set(target, this.#len);
    return this;
  }

  build(): Uint8Array {
    const program = this.#buf.slice(0, this.#len);
    for (const [target, places] of this.#placeholders) {
      const address = this.#targets.get(target);
      if (address === undefined) throw new VmError(VmErrorCode.UNRESOLVED_JUMP, `jump target ${target} never set`);
      for (const place of places)
        program.set([address & 0xff, (address >>> 8) & 0xff, (address >>> 16) & 0xff, address >>> 24], place);
    }
    return program;
  }

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const grown = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + n));
    grown.set(this.#buf.subarray(0, this.#len));
    this.#buf = grown;
  }

  #addJump(op: number, target: number): this {
    this.addOp(op);
    const places = this.#placeholders.get(target) ?? [];
    places.push(this.#len);
    this.#placeholders.set(target, places);
    return this.addRawBytes(new Uint8Array(4));
  }
}
