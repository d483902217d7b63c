// Side-chain entry types, Vapor `protocol/bc/{intrachain_output,crosschain_output,vote_output,
// veto_input,crosschain_input,blockheader}.go`, hashed as the main chain's (chain/entry-id.ts).
import {
  type EntryProgram,
  entryPrefix,
  hashEntry,
  type ValueSource,
  writeProgram,
  writeValueSource,
} from '../chain/entry-id.ts';

const INTRA_CHAIN_OUTPUT = entryPrefix('intrachainoutput1');
const CROSS_CHAIN_OUTPUT = entryPrefix('crosschainoutput1');
const VOTE_OUTPUT = entryPrefix('voteoutput1');
const VETO_INPUT = entryPrefix('vetoInput1');
const CROSS_CHAIN_INPUT = entryPrefix('crosschaininput1');
const BLOCK_HEADER = entryPrefix('blockheader');

export function intraChainOutputEntryId(source: ValueSource, controlProgram: EntryProgram): Uint8Array {
  return hashEntry(INTRA_CHAIN_OUTPUT, (w) => {
    writeValueSource(w, source);
    writeProgram(w, controlProgram);
  });
}

export function crossChainOutputEntryId(source: ValueSource, controlProgram: EntryProgram): Uint8Array {
  return hashEntry(CROSS_CHAIN_OUTPUT, (w) => {
    writeValueSource(w, source);
    writeProgram(w, controlProgram);
  });
}

export function voteOutputEntryId(source: ValueSource, controlProgram: EntryProgram, vote: Uint8Array): Uint8Array {
  return hashEntry(VOTE_OUTPUT, (w) => {
    writeValueSource(w, source);
    writeProgram(w, controlProgram);
    w.writeVarstr31(vote);
  });
}

export function vetoInputEntryId(spentOutputId: Uint8Array): Uint8Array {
  return hashEntry(VETO_INPUT, (w) => w.writeHash(spentOutputId));
}

/** bc.AssetDefinition as a cross-chain input commits to it: issuance program, then SHA3(raw definition). */
export type AssetDefinitionCommitment = {
  readonly issuanceProgram: EntryProgram;
  readonly dataHash: Uint8Array;
};

export function crossChainInputEntryId(
  mainchainOutputId: Uint8Array,
  definition: AssetDefinitionCommitment,
): Uint8Array {
  return hashEntry(CROSS_CHAIN_INPUT, (w) => {
    w.writeHash(mainchainOutputId);
    writeProgram(w, definition.issuanceProgram);
    w.writeHash(definition.dataHash);
  });
}

/** The fields of a side-chain block header that its id covers: not the witness. */
export type SideBlockHeaderFields = {
  readonly version: bigint;
  readonly height: bigint;
  readonly previousBlockId: Uint8Array;
  readonly timestamp: bigint;
  readonly transactionsMerkleRoot: Uint8Array;
  readonly transactionStatusHash: Uint8Array;
};

export function sideBlockHeaderEntryId(h: SideBlockHeaderFields): Uint8Array {
  return hashEntry(BLOCK_HEADER, (w) => {
    w.writeUint64LE(h.version);
    w.writeUint64LE(h.height);
    w.writeHash(h.previousBlockId);
    w.writeUint64LE(h.timestamp);
    w.writeHash(h.transactionsMerkleRoot);
    w.writeHash(h.transactionStatusHash);
  });
}
