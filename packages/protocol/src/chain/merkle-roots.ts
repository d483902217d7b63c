// The two Merkle roots a block header commits to, Bytom v1.1.1 `protocol/bc/types/merkle.go`
// (TxMerkleRoot, TxStatusMerkleRoot), identical in Vapor. The leaves of the status tree are the
// JSON of bc.TxVerifyResult (`protocol/bc/tx_status.go` WriteTo): its one field is `omitempty`,
// so a success is `{}` and a failure `{"status_fail":true}`.
import { merkleRoot, uniformMerkleRoot } from '../hash/merkle.ts';

const STATUS_OK = new TextEncoder().encode('{}');
const STATUS_FAIL = new TextEncoder().encode('{"status_fail":true}');

/** Root of the block's transaction ids, in block order. */
export function txMerkleRoot(txIds: readonly Uint8Array[]): Uint8Array {
  return merkleRoot(txIds);
}

/** Root of the block's transaction statuses: `statusFail[i]` is true when tx i only paid gas. */
export function txStatusMerkleRoot(statusFail: readonly boolean[]): Uint8Array {
  // Blocks here hold only successes (every accepted transaction passed): one leaf, repeated.
  if (!statusFail.includes(true)) return uniformMerkleRoot(STATUS_OK, statusFail.length);
  return merkleRoot(statusFail.map((failed) => (failed ? STATUS_FAIL : STATUS_OK)));
}
