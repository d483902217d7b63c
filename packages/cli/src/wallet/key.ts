// The wallet's view of a chainkd key: a P2WPKH control program for its coins (Bytom's standard
// account program) and a 1-of-1 multisig issuance program for the assets it issues (Bytom's
// standard asset signer), with the asset id an issuance program and a definition make.
import {
  assetDefinitionHash,
  computeAssetId,
  createMultisigScript,
  createP2WPKHProgram,
  publicKeyToHash160,
  type XPrv,
  xprvToXPub,
  xpubToPublicKey,
} from '@bystack/protocol';
import type { WalletKey } from './types.ts';

/** Issuance programs run on VM version 1. */
export const ISSUANCE_VM_VERSION = 1n;

export function createWalletKey(xprv: XPrv): WalletKey {
  const xpub = xprvToXPub(xprv);
  const publicKey = xpubToPublicKey(xpub);
  return {
    xprv,
    xpub,
    publicKey,
    controlProgram: createP2WPKHProgram(publicKeyToHash160(publicKey)),
    issuanceProgram: createMultisigScript([publicKey], 1),
  };
}

/** The id of the asset `issuanceProgram` issues under `definition`. */
export function issuedAssetId(issuanceProgram: Uint8Array, definition: Uint8Array): Uint8Array {
  return computeAssetId(issuanceProgram, ISSUANCE_VM_VERSION, assetDefinitionHash(definition));
}
