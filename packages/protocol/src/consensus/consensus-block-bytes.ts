// The tally's view of a side block (`ConsensusBlock`, as consensusBlockOf makes it) read straight
// from the bytes of its transactions: a producer receives every block of its chain, and decoding
// each one whole to learn its votes, vetoes, native fees and coinbase outputs was a sixth of its
// CPU. This reader walks the same wire format (sidechain/tx-codec.ts, chain/wire-parts.ts) and keeps
// only those facts; everything else (ids, signatures, programs of spent outputs, issuance fields)
// is skipped over by its length.
//
// It is meant for a block the full decoder accepts (one a validator accepted): on such a body its
// answer is consensusBlockOf's. It checks what it needs to find its way (flags, type bytes, lengths,
// the end) but not the fields it steps over (versions, for one): other bodies may throw or not.
//
// The view waits in the tally until its round's election block is tallied (a round of blocks), so
// the few byte strings it keeps are copied out: a view would keep the reader's copy of the whole
// body alive that long.
import { BTM_ASSET_ID } from '../chain/constants.ts';
import { COINBASE_INPUT_TYPE, TX_SERFLAGS, unknownType } from '../chain/wire-parts.ts';
import { DecodeError, DecodeErrorCode } from '../encoding/errors.ts';
import { ByteReader, HASH_LENGTH } from '../encoding/reader.ts';
import type { SideBlockHead } from '../sidechain/block-head.ts';
import { SideTxInputTypeByte, SideTxOutputTypeByte } from '../sidechain/tx-codec.ts';
import { bytesEqual } from './checks.ts';
import type { ConsensusBlock, ConsensusTxVotes, ConsensusVote } from './consensus-result.ts';
import type { ProducerReward } from './rewards.ts';

const NO_VOTES: readonly ConsensusVote[] = Object.freeze([]);
/** Most transactions neither vote nor veto: they share one frozen entry, as in consensusBlockOf. */
const NO_VOTING: ConsensusTxVotes = Object.freeze({ vetoes: NO_VOTES, votes: NO_VOTES });

/** Facts of one block gathered while its transactions are read. */
type Gathered = { fees: bigint; coinbaseOutputs: ProducerReward[] };

/** consensusBlockOf(the block of `head`), without decoding its transactions. */
export function consensusBlockOfHead(head: SideBlockHead, blockId: Uint8Array): ConsensusBlock {
  const r = new ByteReader(head.body);
  const gathered: Gathered = { fees: 0n, coinbaseOutputs: [] };
  const transactions: ConsensusTxVotes[] = [];
  for (let n = r.readCount(), i = 0; i < n; i++) transactions.push(readTxVotes(r, i, gathered));
  r.expectEnd();
  const [first, ...payouts] = gathered.coinbaseOutputs;
  if (first === undefined) throw new TypeError('a side block needs a coinbase with at least one output');
  return {
    height: head.header.height,
    blockId,
    previousBlockId: head.header.previousBlockId,
    transactions,
    fees: gathered.fees,
    rewardProgram: first.controlProgram,
    rewardPayouts: payouts,
  };
}

/** One transaction (the `index`th): its vetoes and votes; its native fee or, for the first, its outputs. */
function readTxVotes(r: ByteReader, index: number, gathered: Gathered): ConsensusTxVotes {
  const offset = r.offset;
  const serflags = r.readByte();
  if (serflags !== TX_SERFLAGS) {
    throw new DecodeError(DecodeErrorCode.BAD_SERFLAGS, `tx serflags 0x${serflags.toString(16)}`, { offset });
  }
  r.skipVarint(); // version
  r.skipVarint(); // time range
  // consensusBlockOf counts the fees of the transactions after the first (the coinbase).
  const paysFee = index > 0;
  let vetoes: ConsensusVote[] | undefined;
  for (let n = r.readCount(); n > 0; n--) {
    const input = readInput(r);
    if (input === undefined) continue;
    if (paysFee && bytesEqual(input.assetId, BTM_ASSET_ID)) gathered.fees += input.amount;
    if (input.vote === undefined) continue;
    vetoes ??= [];
    vetoes.push({ producerKey: input.vote, amount: input.amount });
  }
  let votes: ConsensusVote[] | undefined;
  for (let n = r.readCount(); n > 0; n--) {
    const output = readOutput(r, index === 0);
    if (paysFee && bytesEqual(output.assetId, BTM_ASSET_ID)) gathered.fees -= output.amount;
    if (output.controlProgram !== undefined) {
      gathered.coinbaseOutputs.push({ controlProgram: output.controlProgram, amount: output.amount });
    }
    if (output.vote === undefined) continue;
    votes ??= [];
    votes.push({ producerKey: output.vote, amount: output.amount });
  }
  return vetoes === undefined && votes === undefined
    ? NO_VOTING
    : { vetoes: vetoes ?? NO_VOTES, votes: votes ?? NO_VOTES };
}

type InputFacts = { readonly assetId: Uint8Array; readonly amount: bigint; readonly vote: Uint8Array | undefined };

/** A spend-like input's asset and amount (and a veto's candidate); undefined for a coinbase input. */
function readInput(r: ByteReader): InputFacts | undefined {
  r.skipVarint(); // asset version
  const commitmentEnd = r.openExtensible();
  const type = r.readByte();
  let facts: InputFacts | undefined;
  switch (type) {
    case SideTxInputTypeByte.crossChain:
    case SideTxInputTypeByte.spend:
    case SideTxInputTypeByte.veto: {
      // The spend commitment: source id, asset id, amount, then what the tally does not read.
      const end = r.openExtensible();
      r.skip(HASH_LENGTH);
      const assetId = r.readHash();
      const amount = r.readVarint63();
      r.skipRestOfExtensible(end);
      const vote = type === SideTxInputTypeByte.veto ? r.readVarstr31().slice() : undefined;
      facts = { assetId, amount, vote };
      break;
    }
    case COINBASE_INPUT_TYPE:
      break;
    default:
      throw unknownType('input', type, r);
  }
  r.skipRestOfExtensible(commitmentEnd);
  r.skipVarstr31(); // the witness (an extensible string: a varstr31 read whole)
  return facts;
}

type OutputFacts = {
  readonly assetId: Uint8Array;
  readonly amount: bigint;
  readonly vote: Uint8Array | undefined;
  /** Read only when asked (the coinbase's outputs). */
  readonly controlProgram: Uint8Array | undefined;
};

function readOutput(r: ByteReader, withProgram: boolean): OutputFacts {
  r.skipVarint(); // asset version
  const end = r.openExtensible();
  const type = r.readByte();
  let vote: Uint8Array | undefined;
  if (type === SideTxOutputTypeByte.vote) vote = r.readVarstr31().slice();
  else if (type !== SideTxOutputTypeByte.intraChain && type !== SideTxOutputTypeByte.crossChain) {
    throw unknownType('output', type, r);
  }
  // The output commitment: asset id, amount, VM version, control program.
  const commitmentEnd = r.openExtensible();
  const assetId = r.readHash();
  const amount = r.readVarint63();
  let controlProgram: Uint8Array | undefined;
  if (withProgram) {
    r.skipVarint(); // VM version
    controlProgram = r.readVarstr31().slice();
  }
  r.skipRestOfExtensible(commitmentEnd);
  r.skipRestOfExtensible(end);
  r.skipVarstr31(); // the witness
  return { assetId, amount, vote, controlProgram };
}
