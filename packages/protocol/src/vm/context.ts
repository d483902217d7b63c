// What a program may learn about the transaction it runs in: the fields of Bytom v1.1.1
// `protocol/vm/context.go` that opcodes read, filled by validation (`protocol/validation/vmcontext.go`).
// Every field is optional: an opcode that needs an absent one fails with CONTEXT, as upstream.
// uint64 fields are bigints; opcodes push them as int64, reinterpreting the top bit as upstream does.

/** Upstream `CheckOutput`: does mux destination `index` carry exactly this value and program? */
export type CheckOutputFn = (
  index: bigint,
  amount: bigint,
  assetId: Uint8Array,
  vmVersion: bigint,
  code: Uint8Array,
  expansion: boolean,
) => boolean;

export type VmContext = {
  /** Expansion opcodes are disallowed when this is 1 (upstream `expansionReserved`). */
  readonly txVersion?: bigint;
  readonly blockHeight?: bigint;
  /** Id of the entry (spend, issuance, ...) whose program runs; ENTRYID pushes empty bytes if absent. */
  readonly entryId?: Uint8Array;
  /** Signature hash of the entry, `SHA3(entryId || txId)`, computed lazily by the caller. */
  readonly txSigHash?: () => Uint8Array;
  readonly assetId?: Uint8Array;
  readonly amount?: bigint;
  /** Position of the entry's destination in the mux (INDEX). */
  readonly destPos?: bigint;
  readonly spentOutputId?: Uint8Array;
  /** May throw a `ProtocolError` (e.g. a `VmError` BAD_VALUE for an index out of range). */
  readonly checkOutput?: CheckOutputFn;
  /** Side-chain (Vapor) opcode set: MULFRACTION (0xa6) is defined instead of being an expansion NOP. */
  readonly sideChain?: boolean;
};
