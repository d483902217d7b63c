// Main-chain data model (Bytom v1.1.1 `protocol/bc/types`): plain readonly objects.
// Bytes are Uint8Array (hashes and asset ids: 32 bytes), every uint64 of the wire format is a
// bigint (exact for the whole varint63 range), counts and sizes are numbers.
//
// Asset version and the VM version of spend/output commitments are always 1: the decoder refuses
// anything else, so they are not fields. The optional `...Suffix` fields hold bytes that upstream
// reads past the known fields of an extensible string and writes back untouched (forward
// compatibility); they are `undefined` when there are none, which is almost always. They are not
// covered by any id. Decoded objects carry every optional key (possibly undefined).
//
// Byte fields of decoded objects are views into one private copy of the decoded input (see
// encoding/reader.ts): they never alias the caller's buffer; slice() those kept long-term.

/** An asset id and an amount (bc.AssetAmount). */
export type AssetAmount = {
  readonly assetId: Uint8Array;
  readonly amount: bigint;
};

/** Extra bytes after the known content of an input's commitment and witness. */
export type InputSuffixes = {
  readonly commitmentSuffix?: Uint8Array | undefined;
  readonly witnessSuffix?: Uint8Array | undefined;
};

/**
 * The previous output an input spends, carried whole by the input (types.SpendCommitment), so that
 * its output id is recomputed from the input alone. Its VM version is 1.
 */
export type SpendCommitment = {
  readonly sourceId: Uint8Array;
  readonly assetId: Uint8Array;
  readonly amount: bigint;
  readonly sourcePosition: bigint;
  readonly controlProgram: Uint8Array;
  /** Unparsed tail of the spend commitment's own extensible string. */
  readonly spendCommitmentSuffix?: Uint8Array | undefined;
};

/** Input type 0: creates new units of an asset. Its asset id is computed, not carried. */
export type IssuanceInput = InputSuffixes & {
  readonly type: 'issuance';
  readonly nonce: Uint8Array;
  readonly amount: bigint;
  readonly assetDefinition: Uint8Array;
  readonly vmVersion: bigint;
  readonly issuanceProgram: Uint8Array;
  readonly arguments: readonly Uint8Array[];
};

/** Input type 1: spends a previous output. */
export type SpendInput = InputSuffixes &
  SpendCommitment & {
    readonly type: 'spend';
    readonly arguments: readonly Uint8Array[];
  };

/** Input type 2: the block reward; `arbitrary` is free data (e.g. the height). No witness. */
export type CoinbaseInput = InputSuffixes & {
  readonly type: 'coinbase';
  readonly arbitrary: Uint8Array;
};

export type TxInput = IssuanceInput | SpendInput | CoinbaseInput;

/** An output (types.TxOutput, VM version 1). A program starting with OP_FAIL makes it a retirement. */
export type TxOutput = {
  readonly assetId: Uint8Array;
  readonly amount: bigint;
  readonly controlProgram: Uint8Array;
  readonly commitmentSuffix?: Uint8Array | undefined;
  /** Content of the output witness string, always empty in practice; upstream reads and ignores it. */
  readonly witnessSuffix?: Uint8Array | undefined;
};

export type Tx = {
  readonly version: bigint;
  readonly timeRange: bigint;
  readonly inputs: readonly TxInput[];
  readonly outputs: readonly TxOutput[];
  /** Bytes of the transaction's serialization; set by the decoder, not part of any hash. */
  readonly serializedSize?: number | undefined;
};

export type BlockHeader = {
  readonly version: bigint;
  readonly height: bigint;
  readonly previousBlockId: Uint8Array;
  /**
   * Seconds since the Unix epoch. A bigint like every other uint64 field: the wire allows the whole
   * varint63 range, and a number would silently round above 2^53 and break byte-exact round trips.
   */
  readonly timestamp: bigint;
  readonly transactionsMerkleRoot: Uint8Array;
  readonly transactionStatusHash: Uint8Array;
  readonly nonce: bigint;
  readonly bits: bigint;
  /** Unparsed tail of the block commitment's extensible string (upstream drops it). */
  readonly commitmentSuffix?: Uint8Array | undefined;
};

export type Block = {
  readonly header: BlockHeader;
  readonly transactions: readonly Tx[];
};
