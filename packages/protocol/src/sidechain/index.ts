// Public API of the side chain (Vapor): data model, wire codecs, ids, entry graph.
// Merkle roots, asset ids, signature hashes and BTM_ASSET_ID are the main chain's (chain/).
export {
  assembleSideBlock,
  type BlockDraft,
  coinbaseArbitrary,
  createSideCoinbase,
  witnessWith,
} from './assembly.ts';
export {
  decodeSideBlock,
  decodeSideBlockHeader,
  encodeSideBlock,
  encodeSideBlockHeader,
  sideBlockId,
} from './block-codec.ts';
export { decodeSideBlockHead, type SideBlockHead } from './block-head.ts';
export {
  type AssetDefinitionCommitment,
  crossChainInputEntryId,
  crossChainOutputEntryId,
  intraChainOutputEntryId,
  vetoInputEntryId,
  voteOutputEntryId,
} from './entry-id.ts';
export {
  decodeSideTx,
  decodeSideTxInput,
  decodeSideTxOutput,
  encodeSideTx,
  encodeSideTxInput,
  encodeSideTxOutput,
  SideTxInputTypeByte,
  SideTxOutputTypeByte,
} from './tx-codec.ts';
export {
  computeSideSpentOutputId,
  computeVetoSpentOutputId,
  createSideTxEntries,
  type SideTxEntries,
  sideTxId,
} from './tx-entries.ts';
export type {
  SideBlock,
  SideBlockHeader,
  SideCrossChainInput,
  SideCrossChainOutput,
  SideIntraChainOutput,
  SideTx,
  SideTxInput,
  SideTxOutput,
  SideVetoInput,
  SideVoteOutput,
} from './types.ts';
