// Signing: every input the key controls signs its signature hash (`createTxEntries(tx).sigHashes`,
// which cover neither witness) with `xprvSign`. A P2WPKH spend's witness is [signature, public key]
// (its expansion: DUP HASH160 <hash> EQUALVERIFY TXSIGHASH SWAP CHECKSIG); a 1-of-1 multisig
// issuance's is [signature].
import { createTxEntries, type Tx, type TxInput, xprvSign } from '@bystack/protocol';
import { equalBytes } from '../hex.ts';
import type { WalletKey } from './types.ts';

export function signTx(tx: Tx, key: WalletKey): Tx {
  const { sigHashes } = createTxEntries(tx);
  const inputs = tx.inputs.map((input, i): TxInput => {
    const sign = () => xprvSign(key.xprv, sigHashes[i]!);
    if (input.type === 'spend' && equalBytes(input.controlProgram, key.controlProgram)) {
      return { ...input, arguments: [sign(), key.publicKey] };
    }
    if (input.type === 'issuance' && equalBytes(input.issuanceProgram, key.issuanceProgram)) {
      return { ...input, arguments: [sign()] };
    }
    return input;
  });
  return { ...tx, inputs, serializedSize: undefined };
}
