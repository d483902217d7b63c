// The main chain (Bytom v1.1.1 rules, proof of work) on the block pipeline (pipeline.ts): its codec,
// stage 1 (header rules, proof of work under the height's seed, every transaction, signatures on the
// verifier pool), stage 2 (connectBlock) and most-work fork choice.
import {
  type Block,
  type BlockHeader,
  blockId,
  checkBlockTime,
  checkProofOfWork,
  connectBlock,
  createTxEntries,
  decodeBlock,
  decodeBlockHeader,
  encodeBlock,
  encodeBlockHeader,
  type MainChainParams,
  mainTxRules,
  nextBits,
  retargetCompareHeight,
  type SignatureVerifier,
  seedBlockHeight,
  seedForHeight,
  type TxEntries,
  txChecksFingerprint,
  type UtxoChanges,
  type UtxoView,
  ValidationError,
  ValidationErrorCode,
  validateBlockStateless,
  verifySignatureSets,
  workFromBits,
} from '@bystack/protocol';
import type { IndexNode } from './block-index.ts';
import { FiledTxChecks, type FiledTxChecksOptions } from './filed-tx-checks.ts';
import { BlockPipeline, type PipelineOptions, type Stage1Options } from './pipeline.ts';
import { TensorityHasher } from './pow-hasher.ts';

export {
  BlockDisposition,
  type BlockSource,
  type ChainChange,
  type ProcessResult,
} from './pipeline.ts';

export type ChainOptions = PipelineOptions & {
  readonly params: MainChainParams;
  readonly genesis: Block;
  /** The clock, seconds since the epoch (default: the system clock). */
  readonly now?: () => bigint;
  /** The tx checks the node's mempool filed (else every tx is checked here). */
  readonly filedTxChecks?: Omit<FiledTxChecksOptions, 'fingerprint' | 'log'> | undefined;
};

const ZERO_HASH = new Uint8Array(32);

export class Chain extends BlockPipeline<BlockHeader, Block> {
  readonly params: MainChainParams;
  readonly pow = new TensorityHasher();
  readonly filed: FiledTxChecks | undefined;
  private readonly now: () => bigint;

  constructor(opts: ChainOptions) {
    super(opts, opts.genesis, {
      decode: decodeBlock,
      encode: encodeBlock,
      blockId,
      encodeHeader: encodeBlockHeader,
      decodeHeader: decodeBlockHeader,
      entries: (block) => block.transactions.map(createTxEntries),
    });
    this.params = opts.params;
    this.now = opts.now ?? (() => BigInt(Math.floor(Date.now() / 1000)));
    this.filed =
      opts.filedTxChecks &&
      new FiledTxChecks({ ...opts.filedTxChecks, fingerprint: txChecksFingerprint(opts.params), log: this.log });
  }

  /** Refuses further blocks, waits for those in the pipeline, then stops the Tensority thread. */
  override async close(): Promise<void> {
    await super.close();
    await this.pow.close();
  }

  protected override txCheckJob(block: Block) {
    return { chain: 'main' as const, rules: mainTxRules(this.params), blockHeight: block.header.height };
  }

  protected weightOf(header: BlockHeader): bigint {
    return workFromBits(header.bits);
  }

  protected stage1(block: Block, id: Uint8Array, parent: IndexNode<BlockHeader>, opts: Stage1Options) {
    return this.validateStateless(block, id, parent, opts.verifier ?? this.verifier);
  }

  protected connectChanges(view: UtxoView, block: Block, entries: readonly TxEntries[]): UtxoChanges {
    return connectBlock(view, block, entries, this.params);
  }

  /**
   * Stage 1: header rules (cheap), the proof of work under the height's seed started on its thread,
   * every transaction's stateless checks (those the mempool filed taken from Redis; the others on
   * the tx check pool's threads for a big block, else on this one), then the signature batch handed
   * to the verifier pool. Throws the first failure;
   * `signatures` holds the verdicts of the proof of work and the signatures.
   */
  private async validateStateless(
    block: Block,
    id: Uint8Array,
    parent: IndexNode<BlockHeader>,
    verifier: SignatureVerifier,
  ): Promise<{ entries: readonly TxEntries[]; signatures: Promise<void> }> {
    const { header } = block;
    const { params } = this;
    const height = parent.height + 1;
    if (header.version !== 1n) {
      throw new ValidationError(ValidationErrorCode.BAD_BLOCK_VERSION, `block version ${header.version}`);
    }
    if (header.height !== BigInt(height)) {
      throw new ValidationError(ValidationErrorCode.BAD_HEIGHT, `height ${header.height} after ${parent.height}`);
    }
    const expectedBits = this.expectedBits(parent);
    if (header.bits !== expectedBits) {
      throw new ValidationError(ValidationErrorCode.BAD_BITS, `bits ${header.bits}, expected ${expectedBits}`, {
        bits: header.bits,
        expected: expectedBits,
      });
    }
    const pastTimestamps = this.index.pastTimestamps(parent, params.medianTimeBlocks);
    const now = this.now();
    checkBlockTime(header.timestamp, pastTimestamps, BigInt(parent.height), now, params);
    const seedHeight = seedBlockHeight(height, params);
    const seed = seedForHeight(
      height,
      params,
      seedHeight === undefined ? undefined : this.index.ancestor(parent, seedHeight).id,
    );
    const proofOfWork = this.pow.hash(seed, id).then((hash) => {
      if (!checkProofOfWork(hash, header.bits)) {
        throw new ValidationError(ValidationErrorCode.BAD_POW, 'hash above the target');
      }
    });
    proofOfWork.catch(() => {}); // awaited by the caller; a failing tx check below must not leave it unhandled
    // The proof of work is checked on its thread (checkProofOfWork, as validateBlockStateless would):
    // the zero hash meets any target, so here it defers the check.
    const filed = await this.filed?.lookup(this.bytesOf(block), block.transactions);
    const result = validateBlockStateless(block, {
      params,
      parent: { id: parent.id, height: BigInt(parent.height) },
      pastTimestamps,
      expectedBits,
      now,
      pow: { hash: ZERO_HASH },
      txChecks: filed ? undefined : await this.pooledTxChecks(block),
      filed: filed?.records,
    });
    if (filed) this.filed?.forget(filed);
    const signatures = verifySignatureSets(verifier, result.signatureSets);
    const verdicts = Promise.all([proofOfWork, signatures]).then(() => {});
    verdicts.catch(() => {}); // awaited by the pipeline, except past a failure in a window
    return { entries: result.entries, signatures: verdicts };
  }

  /** The bits a child of `parent` must have (`nextBits`, comparing with the retarget's block). */
  expectedBits(parent: IndexNode<BlockHeader>): bigint {
    const compareHeight = retargetCompareHeight(parent.height, this.params);
    if (compareHeight === undefined) return parent.header.bits;
    const compare = this.index.ancestor(parent, compareHeight);
    return nextBits(
      { height: parent.height, timestamp: parent.header.timestamp, bits: parent.header.bits },
      compare.header.timestamp,
      this.params,
    );
  }
}
