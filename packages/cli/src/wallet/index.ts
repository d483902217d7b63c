// The CLI's wallet: keys' programs, spendable coins, coin selection, fees, signing. This file only re-exports.
export { type BuildTxOptions, type BuiltTx, buildTx } from './build.ts';
export { type CoinSelection, selectCoins } from './coin-select.ts';
export { isWalletError, WalletError, WalletErrorCode } from './errors.ts';
export { createWalletKey, ISSUANCE_VM_VERSION, issuedAssetId } from './key.ts';
export { signTx } from './sign.ts';
export type { Issuance, ListedUtxo, Payment, SpendableUtxo, WalletKey } from './types.ts';
export { isMature, resolveSources, type SpendableOptions, spendableUtxos, type UtxoChainReader } from './utxos.ts';
