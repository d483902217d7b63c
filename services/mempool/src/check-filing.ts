// The mempool's side of the node's filed transaction checks: each transaction it admits (stateless
// checks passed, signatures verified) is filed for the validator, which then takes its entries and
// result instead of checking it again in its block (the protocol's tx-checks-filed.ts). Only
// written here, as the signature cache is. A failed write is logged, never an admission's failure:
// the validator then checks those transactions itself.
import { type PassedTxCheck, txCheckFilings } from '@bystack/protocol';
import type { Logger, RedisTxCheckCache } from '@bystack/runtime';

export type TxCheckFiling = {
  /** The protocol's txChecksFingerprint of the pool's chain. */
  readonly fingerprint: Uint8Array;
  readonly cache: Pick<RedisTxCheckCache, 'file'>;
};

/** Files the checks of a batch's admitted transactions in one Redis call; never throws. */
export async function fileTxChecks(
  filing: TxCheckFiling,
  admitted: readonly PassedTxCheck[],
  log: Logger,
): Promise<void> {
  if (admitted.length === 0) return;
  try {
    await filing.cache.file(filing.fingerprint, txCheckFilings(admitted));
  } catch (err) {
    log.warn('filing admitted txs checks failed; the validator checks them itself', { err, txs: admitted.length });
  }
}
