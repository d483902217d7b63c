// Public API of the main chain (Bytom v1.1.1): data model, wire codecs, ids, entry graph, Merkle roots.
export { merkleLeafHash, merkleRoot } from '../hash/merkle.ts';
export { bodyOf, type HeaderCodec, headerBefore, withHeader } from './block-bytes.ts';
export { blockId, decodeBlock, decodeBlockHeader, encodeBlock, encodeBlockHeader } from './block-codec.ts';
export { BTM_ASSET_ID } from './constants.ts';
export {
  assetDefinitionHash,
  coinbaseEntryId,
  computeAssetId,
  computeSigHash,
  type EntryProgram,
  issuanceEntryId,
  muxEntryId,
  outputEntryId,
  retirementEntryId,
  spendEntryId,
  txHeaderEntryId,
  type ValueSource,
} from './entry-id.ts';
export { txMerkleRoot, txStatusMerkleRoot } from './merkle-roots.ts';
export {
  decodeTx,
  decodeTxInput,
  decodeTxOutput,
  encodeTx,
  encodeTxInput,
  encodeTxOutput,
  TxInputTypeByte,
} from './tx-codec.ts';
export { computeSpentOutputId, createTxEntries, issuanceAssetId, txId } from './tx-entries.ts';
export { isRetirementProgram, type TxEntries } from './tx-graph.ts';
export type {
  AssetAmount,
  Block,
  BlockHeader,
  CoinbaseInput,
  InputSuffixes,
  IssuanceInput,
  SpendCommitment,
  SpendInput,
  Tx,
  TxInput,
  TxOutput,
} from './types.ts';
