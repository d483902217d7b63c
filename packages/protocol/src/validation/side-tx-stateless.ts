// Stateless validation of one side-chain transaction (Vapor `protocol/validation/tx.go` ValidateTx,
// with our rule that a failing program rejects it), over the checks shared with the main chain.
import type { SideChainBasicParams } from '../config/params.ts';
import type { SideChainConsensusParams } from '../consensus/params.ts';
import { ed25519Verify } from '../keys/ed25519.ts';
import type { SideTxEntries } from '../sidechain/tx-entries.ts';
import type { SideTx } from '../sidechain/types.ts';
import type { VerifySignatureFn } from '../vm/signatures.ts';
import { checkTxFacts } from './check-tx.ts';
import { sideTxFacts, sideTxRules, sideTxSize } from './side-tx-facts.ts';
import type { TxValidationResult } from './tx-stateless.ts';

export type SideTxValidationContext = {
  readonly params: SideChainBasicParams;
  readonly consensus: Pick<SideChainConsensusParams, 'minVoteOutputAmount'>;
  /** The federation's witness program at `blockHeight`: what cross-chain inputs must satisfy. */
  readonly federationProgram: Uint8Array;
  readonly blockHeight: bigint;
  /** Index in the block; a coinbase is valid only at 0. Undefined for a loose transaction. */
  readonly txIndex?: number | undefined;
  /** Strict Ed25519 for programs whose checks cannot be deferred; default `ed25519Verify`. */
  readonly verify?: VerifySignatureFn | undefined;
};

/** Like `validateTxStateless`, for a side-chain transaction with its `createSideTxEntries` entries. */
export function validateSideTxStateless(
  tx: SideTx,
  entries: SideTxEntries,
  ctx: SideTxValidationContext,
): TxValidationResult {
  return checkTxFacts(
    sideTxFacts(tx, entries, ctx.federationProgram),
    () => sideTxSize(tx),
    { blockHeight: ctx.blockHeight, txIndex: ctx.txIndex },
    sideTxRules(ctx.params, ctx.consensus.minVoteOutputAmount),
    ctx.verify ?? ed25519Verify,
  );
}
