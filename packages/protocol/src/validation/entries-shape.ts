// The entries handed in with a transaction must be its own, computed with signature hashes
// (`createTxEntries` / `createSideTxEntries`). Their ids cannot be rechecked without recomputing
// them, but their shape can, cheaply, which catches the usual mix-ups.
import type { TxEntries } from '../chain/tx-graph.ts';
import { ValidationError, ValidationErrorCode } from './errors.ts';

export function checkEntriesShape(
  tx: { readonly inputs: readonly unknown[]; readonly outputs: readonly unknown[] },
  entries: TxEntries,
): void {
  const n = tx.inputs.length;
  if (
    entries.inputIds.length !== n ||
    entries.inputValues.length !== n ||
    entries.spentOutputIds.length !== n ||
    entries.sigHashes.length !== n ||
    entries.outputIds.length !== tx.outputs.length
  ) {
    throw new ValidationError(
      ValidationErrorCode.BAD_ARGUMENT,
      'entries do not match the transaction (or lack signature hashes)',
    );
  }
}
