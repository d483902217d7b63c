// Stage 1 of PSWV for a main-chain block (Bytom v1.1.1 `protocol/validation/block.go`
// ValidateBlockHeader and ValidateBlock): everything that needs no UTXO state, so any number of
// blocks of a window can run it at once, in any order. What it needs of the chain before the block
// (parent id and height, past timestamps, expected bits, the Tensority seed or result) follows from
// the headers alone; the clock is an input.
import { blockId } from '../chain/block-codec.ts';
import type { TxEntries } from '../chain/tx-graph.ts';
import type { Block } from '../chain/types.ts';
import { blockSubsidy, type MainChainParams } from '../config/params.ts';
import { checkProofOfWork } from '../pow/difficulty.ts';
import { tensority } from '../pow/tensority.ts';
import type { VerifySignatureFn } from '../vm/signatures.ts';
import { checkBlockLinks, checkBlockRoots, checkBlockTxs, type ParentBlock } from './block-body.ts';
import { checkBlockTime } from './block-time.ts';
import { checkCoinbaseAmount } from './coinbase-amount.ts';
import { ValidationError, ValidationErrorCode } from './errors.ts';
import { mainTxRules } from './main-tx-facts.ts';
import type { TxSignatureSet } from './signature-sets.ts';
import { mainTxChain, type TxChecks } from './tx-checks.ts';
import type { TxCheckRecord } from './tx-checks-pack.ts';

/**
 * Proof of work: the Tensority hash of the block id if already known (computed on a worker, or a
 * test's stand-in), else the seed of the block's height to compute it with (`seedForHeight`).
 */
export type ProofOfWorkInput = { readonly hash: Uint8Array } | { readonly seed: Uint8Array };

export type BlockValidationContext = {
  readonly params: MainChainParams;
  readonly parent: ParentBlock;
  /** Timestamps of the parent and its ancestors, newest first: min(medianTimeBlocks, parent height + 1) at least. */
  readonly pastTimestamps: readonly bigint[];
  /** The bits the retarget expects after the parent (`nextBits`). */
  readonly expectedBits: bigint;
  /** The validator's clock, seconds since the Unix epoch. */
  readonly now: bigint;
  readonly pow: ProofOfWorkInput;
  /** The transactions' entries if already computed (e.g. while decoding), else computed here. */
  readonly entries?: readonly TxEntries[] | undefined;
  /** The transactions' checks if already run (a TxCheckPool's), else run here. */
  readonly txChecks?: TxChecks | undefined;
  /** Records the mempool filed for some transactions (by index; not the coinbase): not run again. */
  readonly filed?: readonly (TxCheckRecord<TxEntries> | undefined)[] | undefined;
  /** Strict Ed25519 for programs whose checks cannot be deferred; default `ed25519Verify`. */
  readonly verify?: VerifySignatureFn | undefined;
};

export type BlockValidationResult<Entries extends TxEntries = TxEntries> = {
  readonly blockId: Uint8Array;
  /** One per transaction, for stage 2 (`connectBlock`). */
  readonly entries: readonly Entries[];
  /** Sum of the native fees. */
  readonly fees: bigint;
  readonly gasUsed: number;
  /** Every signature check of the block; it is valid only if all hold (`verifySignatureSets`). */
  readonly signatureSets: readonly TxSignatureSet[];
};

/** Stage 1: throws ValidationError, or returns what stage 2 and the signature batch need. */
export function validateBlockStateless(block: Block, ctx: BlockValidationContext): BlockValidationResult {
  const { header, transactions } = block;
  const { params } = ctx;
  checkBlockLinks(header, ctx.parent);
  if (header.bits !== ctx.expectedBits) {
    throw new ValidationError(ValidationErrorCode.BAD_BITS, `bits ${header.bits}, expected ${ctx.expectedBits}`);
  }
  checkBlockTime(header.timestamp, ctx.pastTimestamps, ctx.parent.height, ctx.now, params);
  const id = blockId(header);
  checkPow(id, header.bits, ctx.pow);

  const { entries, ...body } = checkBlockTxs(transactions, mainTxChain, {
    blockHeight: header.height,
    rules: mainTxRules(params),
    txChecks: ctx.txChecks,
    filed: ctx.filed,
    entries: ctx.entries,
    verify: ctx.verify,
  });
  checkCoinbaseAmount(transactions, blockSubsidy(params, Number(header.height)) + body.fees);
  checkBlockRoots(header, entries);
  return { blockId: id, entries, ...body };
}

function checkPow(id: Uint8Array, bits: bigint, pow: ProofOfWorkInput): void {
  const hash = 'hash' in pow ? pow.hash : tensority(id, pow.seed);
  if (hash.length !== 32) throw new ValidationError(ValidationErrorCode.BAD_ARGUMENT, 'pow hash must be 32 bytes');
  if (!checkProofOfWork(hash, bits)) throw new ValidationError(ValidationErrorCode.BAD_POW, 'hash above the target');
}
