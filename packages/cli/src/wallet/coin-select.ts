// Coin selection for one asset: the smallest single coin that covers the target when there is one
// (no dust left behind, one input); otherwise the largest coins first until the target is met
// (fewest inputs, so the smallest fee).
import { WalletError, WalletErrorCode } from './errors.ts';
import type { SpendableUtxo } from './types.ts';

export type CoinSelection = {
  readonly selected: readonly SpendableUtxo[];
  /** Sum of the selected coins (>= the target). */
  readonly total: bigint;
};

export function selectCoins(
  utxos: readonly SpendableUtxo[],
  target: bigint,
  describe: () => string = () => 'the asset',
): CoinSelection {
  if (target <= 0n) return { selected: [], total: 0n };
  const sorted = [...utxos].sort((a, b) => (a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0));
  const single = sorted.find((u) => u.amount >= target);
  if (single !== undefined) return { selected: [single], total: single.amount };
  const selected: SpendableUtxo[] = [];
  let total = 0n;
  for (let i = sorted.length - 1; i >= 0 && total < target; i--) {
    selected.push(sorted[i]!);
    total += sorted[i]!.amount;
  }
  if (total < target) {
    throw new WalletError(
      WalletErrorCode.INSUFFICIENT_FUNDS,
      `it holds ${total} of ${describe()} in spendable coins, and ${target} are needed`,
      { have: total, need: target },
    );
  }
  return { selected, total };
}
