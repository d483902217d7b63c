import type { XPrv, XPub } from '@bystack/protocol';

/** An unspent output the wallet can spend: the chain's record plus where it came from. */
export type SpendableUtxo = {
  readonly outputId: Uint8Array;
  readonly assetId: Uint8Array;
  readonly amount: bigint;
  readonly controlProgram: Uint8Array;
  /** Height of the block that created it. */
  readonly height: bigint;
  readonly coinbase: boolean;
  /** The mux entry of the transaction that created it, and the output's position there. */
  readonly sourceId: Uint8Array;
  readonly sourcePosition: bigint;
};

/** An unspent output as the chain lists it (chainV1.Utxo): no source yet. */
export type ListedUtxo = Omit<SpendableUtxo, 'sourceId' | 'sourcePosition'>;

/** A key and everything the wallet derives from it once. */
export type WalletKey = {
  readonly xprv: XPrv;
  readonly xpub: XPub;
  /** The Ed25519 public key (32 bytes). */
  readonly publicKey: Uint8Array;
  /** P2WPKH program `00 14 RIPEMD160(publicKey)`: where the key's coins live. */
  readonly controlProgram: Uint8Array;
  /** 1-of-1 multisig issuance program: assets this key issues. */
  readonly issuanceProgram: Uint8Array;
};

/** An output to create. A retire program (OP_FAIL ...) burns the amount. */
export type Payment = {
  readonly assetId: Uint8Array;
  readonly amount: bigint;
  readonly controlProgram: Uint8Array;
};

/** New units of an asset the key issues (its id: the key's issuance program and the definition). */
export type Issuance = {
  readonly definition: Uint8Array;
  readonly amount: bigint;
  /** Makes the issuance input unique; random when absent. */
  readonly nonce?: Uint8Array;
};
