// Stage 2 for the main chain: UTXO existence, double spends and coinbase maturity, and the changes
// (Bytom v1.1.1 `protocol/state/utxo_view.go` ApplyTransaction / ApplyBlock) over connect.ts.
import type { TxEntries } from '../chain/tx-graph.ts';
import type { Block, Tx } from '../chain/types.ts';
import type { MainChainParams } from '../config/params.ts';
import { type ConnectRules, connectTxFacts, connectTxsFacts } from './connect.ts';
import { ValidationError, ValidationErrorCode } from './errors.ts';
import { mainTxFacts } from './main-tx-facts.ts';
import type { UtxoChanges, UtxoView } from './utxo-view.ts';

export type ConnectTxContext = {
  readonly params: MainChainParams;
  readonly blockHeight: bigint;
  /** True for the first transaction of a block: its outputs become coinbase outputs. */
  readonly coinbase?: boolean | undefined;
};

function mainConnectRules(params: MainChainParams): ConnectRules {
  return { coinbaseMaturity: BigInt(params.coinbaseMaturity), voteMaturity: undefined, keepsZeroAmountOutputs: true };
}

/** The UTXO changes of one (already stateless-valid) transaction; throws if it cannot spend. Reads `view` only. */
export function connectTx(view: UtxoView, tx: Tx, entries: TxEntries, ctx: ConnectTxContext): UtxoChanges {
  return connectTxFacts(
    view,
    mainTxFacts(tx, entries),
    ctx.blockHeight,
    ctx.coinbase === true,
    mainConnectRules(ctx.params),
  );
}

/**
 * Stage 2 of a block that passed `validateBlockStateless` (`entries` are its result's): the net
 * UTXO changes, in transaction order, or a ValidationError with `detail.txIndex`. Reads `view` only.
 */
export function connectBlock(
  view: UtxoView,
  block: Block,
  entries: readonly TxEntries[],
  params: MainChainParams,
): UtxoChanges {
  if (entries.length !== block.transactions.length) {
    throw new ValidationError(ValidationErrorCode.BAD_ARGUMENT, 'one TxEntries per transaction expected');
  }
  const facts = block.transactions.map((tx, i) => mainTxFacts(tx, entries[i]!));
  return connectTxsFacts(view, facts, block.header.height, mainConnectRules(params));
}
