// Stateless validation of one main-chain transaction (Bytom v1.1.1 `protocol/validation/tx.go`
// ValidateTx, with our rule that a failing program rejects it): everything that needs no UTXO
// state, possible because every input carries the output it spends.
import type { TxEntries } from '../chain/tx-graph.ts';
import type { Tx } from '../chain/types.ts';
import type { MainChainParams } from '../config/params.ts';
import { ed25519Verify } from '../keys/ed25519.ts';
import type { VerifySignatureFn } from '../vm/signatures.ts';
import { checkTxFacts, type TxCheckResult } from './check-tx.ts';
import { mainTxFacts, mainTxRules, mainTxSize } from './main-tx-facts.ts';

export type TxValidationContext = {
  readonly params: MainChainParams;
  /** Height of the block the transaction is (or would be) in: time range and BLOCKHEIGHT use it. */
  readonly blockHeight: bigint;
  /** Index in that block; a coinbase is valid only at 0. Undefined for a loose (mempool) transaction. */
  readonly txIndex?: number | undefined;
  /**
   * Ed25519 with the chain rule, for the rare program whose signature checks cannot be deferred and
   * must run strictly. Default: `ed25519Verify` (node:crypto).
   */
  readonly verify?: VerifySignatureFn | undefined;
};

/** The fee (native inputs minus outputs), the gas used, and the signature sets still to verify. */
export type TxValidationResult = TxCheckResult;

/**
 * Checks `tx` (with its `entries` from `createTxEntries`) and returns its fee, gas and signature
 * sets; throws ValidationError otherwise. The transaction is valid once every returned signature
 * set verifies (`verifySignatureSets`) and its spent outputs exist and are spendable (stage 2).
 */
export function validateTxStateless(tx: Tx, entries: TxEntries, ctx: TxValidationContext): TxValidationResult {
  return checkTxFacts(
    mainTxFacts(tx, entries),
    () => mainTxSize(tx),
    { blockHeight: ctx.blockHeight, txIndex: ctx.txIndex },
    mainTxRules(ctx.params),
    ctx.verify ?? ed25519Verify,
  );
}
