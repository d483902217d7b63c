// Stage 1 of PSWV for a side-chain block (Vapor `protocol/validation/block.go` ValidateBlockHeader
// and ValidateBlock): links, time (at least one interval after the parent, at most
// `maxTimeOffsetMs` ahead of the clock), every transaction, the block gas limit, the coinbase
// paying exactly the rewards due, and the roots. Producer signatures are BBFT's (consensus/bbft.ts).
import type { SideChainBasicParams } from '../config/params.ts';
import type { SideChainConsensusParams } from '../consensus/params.ts';
import { sideBlockId } from '../sidechain/block-codec.ts';
import type { SideTxEntries } from '../sidechain/tx-entries.ts';
import type { SideBlock } from '../sidechain/types.ts';
import type { VerifySignatureFn } from '../vm/signatures.ts';
import { checkBlockLinks, checkBlockRoots, checkBlockTxs, type ParentBlock } from './block-body.ts';
import type { BlockValidationResult } from './block-stateless.ts';
import { checkSideCoinbaseAmount } from './coinbase-amount.ts';
import { ValidationError, ValidationErrorCode } from './errors.ts';
import { sideTxRules } from './side-tx-facts.ts';
import { sideTxChain, type TxChecks } from './tx-checks.ts';
import type { TxCheckRecord } from './tx-checks-pack.ts';

export type SideBlockValidationContext = {
  readonly params: SideChainBasicParams;
  readonly consensus: Pick<SideChainConsensusParams, 'minVoteOutputAmount' | 'blockIntervalMs'>;
  readonly parent: ParentBlock & { readonly timestamp: bigint };
  /** The validator's clock, milliseconds since the Unix epoch. */
  readonly now: bigint;
  /** What the coinbase must pay in total: the producer rewards due in this block (0 in most blocks). */
  readonly coinbaseAmount: bigint;
  /** The federation's witness program at this height, for cross-chain inputs. */
  readonly federationProgram: Uint8Array;
  readonly entries?: readonly SideTxEntries[] | undefined;
  /** The transactions' checks if already run (a TxCheckPool's), else run here. */
  readonly txChecks?: TxChecks | undefined;
  /** Records the mempool filed for some transactions (by index; not the coinbase): not run again. */
  readonly filed?: readonly (TxCheckRecord<SideTxEntries> | undefined)[] | undefined;
  readonly verify?: VerifySignatureFn | undefined;
};

export function validateSideBlockStateless(
  block: SideBlock,
  ctx: SideBlockValidationContext,
): BlockValidationResult<SideTxEntries> {
  const { header, transactions } = block;
  checkBlockLinks(header, ctx.parent);
  checkSideBlockTime(header.timestamp, ctx);
  const chain = sideTxChain(ctx.federationProgram);
  const { entries, ...body } = checkBlockTxs(transactions, chain, {
    blockHeight: header.height,
    rules: sideTxRules(ctx.params, ctx.consensus.minVoteOutputAmount),
    txChecks: ctx.txChecks,
    filed: ctx.filed,
    entries: ctx.entries,
    verify: ctx.verify,
  });
  checkSideCoinbaseAmount(chain.facts(transactions[0]!, entries[0]!).outputs, ctx.coinbaseAmount);
  checkBlockRoots(header, entries);
  return { blockId: sideBlockId(header), entries, ...body };
}

/** Vapor checkBlockTime, with the clock an input. */
function checkSideBlockTime(timestamp: bigint, ctx: SideBlockValidationContext): void {
  const earliest = ctx.parent.timestamp + ctx.consensus.blockIntervalMs;
  if (timestamp < earliest) {
    throw new ValidationError(ValidationErrorCode.BAD_TIMESTAMP, `timestamp ${timestamp} < ${earliest}`);
  }
  const latest = ctx.now + BigInt(ctx.params.maxTimeOffsetMs);
  if (timestamp > latest) {
    throw new ValidationError(ValidationErrorCode.TIMESTAMP_TOO_FAR_AHEAD, `timestamp ${timestamp} > ${latest}`);
  }
}
