// Stage 2 for the side chain (Vapor `protocol/state/utxo_view.go`): as the main chain's, plus
// vote maturity for vetoes, main-chain outputs minted once, and no zero-amount intra-chain outputs.
import type { SideChainBasicParams } from '../config/params.ts';
import type { SideTxEntries } from '../sidechain/tx-entries.ts';
import type { SideBlock, SideTx } from '../sidechain/types.ts';
import { type ConnectRules, connectTxFacts, connectTxsFacts } from './connect.ts';
import { ValidationError, ValidationErrorCode } from './errors.ts';
import { sideTxFacts } from './side-tx-facts.ts';
import type { UtxoChanges, UtxoView } from './utxo-view.ts';

export type ConnectSideTxContext = {
  readonly params: SideChainBasicParams;
  readonly blockHeight: bigint;
  /** True for the first transaction of a block: its outputs become coinbase outputs. */
  readonly coinbase?: boolean | undefined;
};

function sideConnectRules(params: SideChainBasicParams): ConnectRules {
  return {
    coinbaseMaturity: BigInt(params.coinbaseMaturity),
    voteMaturity: BigInt(params.voteMaturity),
    keepsZeroAmountOutputs: false,
  };
}

// Stage 2 never runs programs, so the federation program is irrelevant here.
const NO_PROGRAM = new Uint8Array(0);

export function connectSideTx(
  view: UtxoView,
  tx: SideTx,
  entries: SideTxEntries,
  ctx: ConnectSideTxContext,
): UtxoChanges {
  const facts = sideTxFacts(tx, entries, NO_PROGRAM);
  return connectTxFacts(view, facts, ctx.blockHeight, ctx.coinbase === true, sideConnectRules(ctx.params));
}

/** Stage 2 of a side-chain block that passed `validateSideBlockStateless`. Reads `view` only. */
export function connectSideBlock(
  view: UtxoView,
  block: SideBlock,
  entries: readonly SideTxEntries[],
  params: SideChainBasicParams,
): UtxoChanges {
  if (entries.length !== block.transactions.length) {
    throw new ValidationError(ValidationErrorCode.BAD_ARGUMENT, 'one SideTxEntries per transaction expected');
  }
  const facts = block.transactions.map((tx, i) => sideTxFacts(tx, entries[i]!, NO_PROGRAM));
  return connectTxsFacts(view, facts, block.header.height, sideConnectRules(params));
}
