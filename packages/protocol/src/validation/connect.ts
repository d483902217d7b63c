// Stage 2, shared by both chains: in order, against a UTXO view, the checks that need state and
// the changes a transaction makes. Bytom v1.1.1 `protocol/state/utxo_view.go` (ApplyTransaction,
// ApplyBlock) and Vapor's (applyCrossChainUtxo, applySpendUtxo, applyOutputUtxo). Every accepted
// transaction succeeded, so upstream's failed-status branch (only native inputs spent) is gone.
import { atTxIndex, ValidationError, ValidationErrorCode } from './errors.ts';
import type { TxFacts } from './tx-facts.ts';
import { createUtxoOverlay, type UtxoChange, type UtxoChanges, type UtxoView } from './utxo-view.ts';

export type ConnectRules = {
  /** Blocks before a coinbase output may be spent. */
  readonly coinbaseMaturity: bigint;
  /** Side chain: blocks before a vote may be vetoed; undefined on the main chain. */
  readonly voteMaturity: bigint | undefined;
  /** Bytom keeps zero-amount outputs in the UTXO set; Vapor drops zero-amount intra-chain outputs. */
  readonly keepsZeroAmountOutputs: boolean;
};

const NO_PROGRAM = new Uint8Array(0);

function reject(code: ValidationErrorCode, message: string, inputIndex: number): never {
  throw new ValidationError(code, message, { inputIndex });
}

/** The changes of one transaction at `height`; `coinbaseTx` when it is its block's first. Reads only. */
export function connectTxFacts(
  view: UtxoView,
  facts: TxFacts,
  height: bigint,
  coinbaseTx: boolean,
  rules: ConnectRules,
): UtxoChanges {
  const spent: UtxoChange[] = [];
  const created: UtxoChange[] = [];
  facts.inputs.forEach((input, inputIndex) => {
    const outputId = input.spentOutputId;
    if (outputId === undefined) return;
    if (input.kind === 'crossChain') {
      if (view.get(outputId) !== undefined) {
        reject(ValidationErrorCode.DOUBLE_MINT, `input ${inputIndex} mints a main-chain output twice`, inputIndex);
      }
      const marker = { kind: 'crossChain', height, assetId: input.assetId, amount: input.amount } as const;
      created.push({ outputId, entry: { ...marker, controlProgram: NO_PROGRAM } });
      return;
    }
    const entry = view.get(outputId);
    if (entry === undefined || entry.kind === 'crossChain') {
      reject(ValidationErrorCode.UNKNOWN_INPUT, `input ${inputIndex} spends an unknown output`, inputIndex);
    }
    if (entry.spent === true) {
      reject(ValidationErrorCode.DOUBLE_SPEND, `input ${inputIndex} spends a spent output`, inputIndex);
    }
    if (entry.kind === 'coinbase' && entry.height + rules.coinbaseMaturity > height) {
      reject(ValidationErrorCode.IMMATURE_COINBASE, `input ${inputIndex} spends an immature coinbase`, inputIndex);
    }
    if (entry.kind === 'vote' && rules.voteMaturity !== undefined && entry.height + rules.voteMaturity > height) {
      reject(ValidationErrorCode.IMMATURE_VOTE, `input ${inputIndex} vetoes an immature vote`, inputIndex);
    }
    spent.push({ outputId, entry });
  });
  facts.outputs.forEach((output, i) => {
    if (output.kind === 'retirement' || output.kind === 'crossChain') return;
    if (output.kind === 'output' && output.amount === 0n && !rules.keepsZeroAmountOutputs) return;
    const kind = coinbaseTx ? 'coinbase' : output.kind === 'vote' ? 'vote' : 'normal';
    const { assetId, amount, controlProgram, vote } = output;
    created.push({
      outputId: facts.entries.outputIds[i]!,
      entry: { kind, height, assetId, amount, controlProgram, vote },
    });
  });
  return { spent, created };
}

/**
 * The net changes of a block's transactions at `height`, in order: a later transaction may spend
 * an earlier one's outputs, and no output is spent twice. Reads `view` only.
 */
export function connectTxsFacts(
  view: UtxoView,
  txs: readonly TxFacts[],
  height: bigint,
  rules: ConnectRules,
): UtxoChanges {
  const overlay = createUtxoOverlay(view);
  txs.forEach((facts, txIndex) => {
    overlay.apply(atTxIndex(txIndex, () => connectTxFacts(overlay, facts, height, txIndex === 0, rules)));
  });
  return overlay.changes();
}
