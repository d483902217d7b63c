// A side chain (Vapor rules, DPoS + BBFT) on the block pipeline (pipeline.ts):
// - stage 1: the block's slot owner (the producer schedule of its round, elected by the DPoS tally
//   of its branch) signed it; the protocol's side-block rules with the coinbase paying exactly the
//   round's rewards (the tally checks recipients and order); transaction signatures on the pool;
// - stage 2: connectSideBlock (vote maturity, main-chain outputs minted once);
// - signatures: the witness keeps every valid producer signature the validator learns (in a
//   submitted block, again in a duplicate, or on net.sig), and is filed with the block; a block
//   signed by more than 2/3 of its round's producers is irreversible, with everything below it;
// - fork choice: the protocol's `shouldSwitchChain` (a branch with a more recent irreversible block
//   wins, else a longer one, never reorganizing below the last irreversible block; the first seen
//   stays among equals). A block's weight is 1, so a branch's cumulative weight is its length.
import {
  applyBlockVotes,
  blockSignBytes,
  connectSideBlock,
  consensusBlockOf,
  createProducerSchedule,
  createSideTxEntries,
  decodeSideBlock,
  decodeSideBlockHeader,
  type ElectedProducer,
  encodeSideBlock,
  encodeSideBlockHeader,
  isIrreversible,
  Lru,
  producerSlotAt,
  ed25519ProducerVerifier as producerVerify,
  type RoundInfo,
  type SideBlock,
  type SideBlockHeader,
  type SideChainParams,
  type SideTxEntries,
  type SignatureVerifier,
  shouldSwitchChain,
  sideBlockId,
  sideTxRules,
  type TxCheckRecord,
  type TxEntries,
  txChecksFingerprint,
  type UtxoChanges,
  type UtxoView,
  VoteTally,
  validateSideBlockStateless,
  verifyBlockSignature,
  verifySignatureSets,
} from '@bystack/protocol';
import type { IndexNode } from './block-index.ts';
import { hex, sameBytes } from './bytes.ts';
import { ValidatorError, ValidatorErrorCode } from './errors.ts';
import { FiledTxChecks, type FiledTxChecksOptions } from './filed-tx-checks.ts';
import { BlockPipeline, type PipelineOptions, type Stage1, type Stage1Options } from './pipeline.ts';

export type SideChainOptions = PipelineOptions & {
  readonly params: SideChainParams;
  readonly genesis: SideBlock;
  /** The federation's witness program: what cross-chain inputs (peg-ins) must satisfy. */
  readonly federationProgram: Uint8Array;
  /** The clock, milliseconds since the epoch (default: the system clock). */
  readonly nowMs?: () => bigint;
  /** The tx checks the node's mempool filed (else every tx is checked here). */
  readonly filedTxChecks?: Omit<FiledTxChecksOptions, 'fingerprint' | 'log'> | undefined;
};

type SideNode = IndexNode<SideBlockHeader>;

/** A signature of a block by one producer of its round. */
export type ProducerSignature = { readonly producerKey: Uint8Array; readonly signature: Uint8Array };

const EMPTY = new Uint8Array(0);
/** Blocks whose signatures arrived before them, kept at most. */
const EARLY_BLOCKS = 1024;

/** Rejections that blame the witness, not the block: the same block may come again, signed. */
const WITNESS_CODES: ReadonlySet<string> = new Set([
  ValidatorErrorCode.PRODUCER_SIGNATURE_MISSING,
  ValidatorErrorCode.BAD_PRODUCER_SIGNATURE,
]);

export class SideChain extends BlockPipeline<SideBlockHeader, SideBlock> {
  readonly params: SideChainParams;
  /** The DPoS tally of every branch, from the blocks themselves (cached per block). */
  readonly tally: VoteTally;
  readonly filed: FiledTxChecks | undefined;
  private readonly federationProgram: Uint8Array;
  private readonly nowMs: () => bigint;
  /** Blocks signed by more than 2/3 of their round's producers, at or above the last one (key -> height). */
  private readonly final = new Map<string, number>();
  private lastFinal: SideNode | undefined;
  /** Signatures (net.sig) of blocks not filed yet: they are taken when the block is. */
  private readonly early = new Lru<string, ProducerSignature[]>(EARLY_BLOCKS);

  constructor(opts: SideChainOptions) {
    super(opts, opts.genesis, {
      decode: decodeSideBlock,
      encode: encodeSideBlock,
      blockId: sideBlockId,
      encodeHeader: encodeSideBlockHeader,
      decodeHeader: decodeSideBlockHeader,
      entries: (block) => block.transactions.map(createSideTxEntries),
    });
    this.params = opts.params;
    this.federationProgram = opts.federationProgram;
    this.nowMs = opts.nowMs ?? (() => BigInt(Date.now()));
    this.filed =
      opts.filedTxChecks &&
      new FiledTxChecks({
        ...opts.filedTxChecks,
        fingerprint: txChecksFingerprint(opts.params, opts.federationProgram),
        log: this.log,
      });
    this.tally = new VoteTally({ params: opts.params, genesis: opts.genesis }, (id) => this.blockById(id));
  }

  protected weightOf(): bigint {
    return 1n;
  }

  protected connectChanges(view: UtxoView, block: SideBlock, entries: readonly TxEntries[]): UtxoChanges {
    return connectSideBlock(view, block, entries as readonly SideTxEntries[], this.params);
  }

  protected override readIds(entries: readonly TxEntries[]): Uint8Array[] {
    const ids = super.readIds(entries);
    for (const e of entries as readonly SideTxEntries[]) {
      for (const id of e.mainchainOutputIds) if (id !== undefined) ids.push(id);
    }
    return ids;
  }

  protected override remembers(rejection: Error): boolean {
    return !WITNESS_CODES.has((rejection as { code?: string }).code ?? '');
  }

  /** The last irreversible block on the main chain (genesis until one is). */
  override get irreversible(): SideNode {
    const final = this.lastFinal;
    if (final === undefined) return this.index.mainAt(0)!;
    return this.index.onMain(final) ? final : this.index.forkPoint(final);
  }

  /** Loads the main chain, then finds its last irreversible block in the filed witnesses. */
  override async open(): Promise<void> {
    await super.open();
    await this.serial(() => this.loadFinality());
  }

  /**
   * A producer's signature of a block (net.sig): kept in its witness if valid (true if new); held
   * until the block is filed if it is not yet.
   */
  addSignature(blockId: Uint8Array, signature: ProducerSignature): Promise<boolean> {
    return this.serial(async () => {
      const key = hex(blockId);
      const node = this.index.get(key);
      if (node === undefined) {
        const held = this.early.get(key) ?? [];
        if (!held.some((h) => sameBytes(h.producerKey, signature.producerKey))) held.push(signature);
        this.early.set(key, held);
        return false;
      }
      if (node.height === 0) return false;
      return this.mergeSignatures(node, await this.bySlot(node, [signature]), true);
    });
  }

  // ---- stage 1 ----------------------------------------------------------------------------------

  protected override txCheckJob(block: SideBlock) {
    const { params } = this;
    return {
      chain: 'side' as const,
      rules: sideTxRules(params, params.consensus.minVoteOutputAmount),
      blockHeight: block.header.height,
      federationProgram: this.federationProgram,
    };
  }

  protected async stage1(
    block: SideBlock,
    id: Uint8Array,
    parent: SideNode,
    opts: Stage1Options,
  ): Promise<Stage1<SideBlock>> {
    const { params } = this;
    const verifier = opts.verifier ?? this.verifier;
    const { round, filed } = await this.witnessStage1(block, id, parent, opts.checkOnly === true, verifier);
    const filedChecks = await this.filed?.lookup(this.bytesOf(block), block.transactions);
    const txChecks = filedChecks ? undefined : await this.pooledTxChecks(block);
    const result = validateSideBlockStateless(block, {
      params,
      consensus: params.consensus,
      parent: { id: parent.id, height: BigInt(parent.height), timestamp: parent.header.timestamp },
      now: this.nowMs(),
      coinbaseAmount: round.payouts.reduce((sum, p) => sum + p.amount, 0n),
      federationProgram: this.federationProgram,
      txChecks,
      filed: filedChecks?.records as readonly (TxCheckRecord<SideTxEntries> | undefined)[] | undefined,
    });
    // The coinbase pays exactly the previous round's rewards, to the same recipients in the same order.
    applyBlockVotes(await this.tally.resultAfter(parent.id), consensusBlockOf(block, id), params.consensus);
    if (filedChecks) this.filed?.forget(filedChecks);
    const signatures = verifySignatureSets(verifier, result.signatureSets);
    signatures.catch(() => {}); // awaited by the pipeline
    return { entries: result.entries, signatures, filed };
  }

  /** A checked block's submission: its witness is checked; its transactions were, on this parent. */
  protected override async recheckStage1(
    block: SideBlock,
    id: Uint8Array,
    parent: SideNode,
    entries: readonly TxEntries[],
  ): Promise<Stage1<SideBlock>> {
    const { filed } = await this.witnessStage1(block, id, parent, false, this.verifier);
    return { entries, signatures: Promise.resolve(), filed };
  }

  /**
   * Stage 1's part that the witness (outside the block id) decides: the slot owner signed the block
   * (not asked of a checkOnly block), and the block to file keeps the witness's valid signatures
   * only (the block itself when they all are). The signatures are verified with the transactions'
   * (on the pool, or in the window's batch); `filed` rejects with the owner's failure.
   */
  private async witnessStage1(
    block: SideBlock,
    id: Uint8Array,
    parent: SideNode,
    checkOnly: boolean,
    verifier: SignatureVerifier,
  ): Promise<{ round: RoundInfo; filed: Promise<SideBlock> }> {
    const round = await this.tally.roundAfter(parent.id);
    const schedule = createProducerSchedule(this.params.consensus, round.producers, round.electionTimestampMs);
    const owner = producerSlotAt(schedule, block.header.timestamp).producer;
    if (!checkOnly) checkOwnerSlotFilled(block, owner);
    const filed = validWitness(block, id, round.producers.producers, verifier).then((witness) => {
      if (!checkOnly) checkOwnerSigned(witness, owner);
      const given = block.header.witness;
      const same = witness.length === given.length && witness.every((s, i) => sameBytes(s, given[i]));
      return same ? block : { ...block, header: { ...block.header, witness } };
    });
    filed.catch(() => {}); // awaited by the pipeline
    return { round, filed };
  }

  // ---- signatures and irreversibility -------------------------------------------------------------

  protected override async onFiled(node: SideNode, block: SideBlock): Promise<void> {
    this.tally.noteBlock(block, node.id);
    const early = this.early.get(node.key);
    this.early.delete(node.key);
    // Fork choice runs next in the pipeline, and sees what these signatures made irreversible.
    if (early === undefined || !(await this.mergeSignatures(node, await this.bySlot(node, early), false))) {
      this.markFinalIf(node, block.header.witness);
    }
  }

  protected override async onDuplicate(node: SideNode, block: SideBlock): Promise<void> {
    if (node.height === 0) return;
    // mergeSignatures verifies the signatures of the slots still empty (the others are known already).
    const signatures = block.header.witness.flatMap((signature, order) =>
      signature.length > 0 ? [{ order, signature }] : [],
    );
    await this.mergeSignatures(node, signatures, true);
  }

  /** Signatures by witness slot: the producers' orders in the block's round (others dropped). */
  private async bySlot(node: SideNode, signatures: readonly ProducerSignature[]) {
    const producers = await this.producersOf(node);
    return signatures.flatMap((s) => {
      const order = producers.findIndex((p) => sameBytes(p.producerKey, s.producerKey));
      return order < 0 ? [] : [{ order, signature: s.signature }];
    });
  }

  /**
   * Adds the valid ones of `signatures` (by witness slot) to the block's witness; true if any was new. `switchIfFinal`: a block off the main chain that became irreversible becomes the tip.
   */
  private async mergeSignatures(
    node: SideNode,
    signatures: readonly { order: number; signature: Uint8Array }[],
    switchIfFinal: boolean,
  ): Promise<boolean> {
    const { block } = await this.decodedOf(node);
    const producers = await this.producersOf(node);
    const witness = producers.map((_, i) => block.header.witness[i] ?? EMPTY);
    let added = false;
    for (const { order, signature } of signatures) {
      const producer = producers[order];
      if (producer === undefined || witness[order]!.length > 0) continue;
      if (!isProducerSignature(producer.producerKey, node.id, signature)) continue;
      witness[order] = signature;
      added = true;
    }
    if (!added) return false;
    // The store takes the witness when it makes the block irreversible: that is what a restart reads
    // back (loadFinality). Signatures short of it, or past it, stay in memory: a synced rewrite of the
    // whole body per signature was most of the validator's disk time under load.
    await this.replaceBody(node, { ...block, header: { ...block.header, witness } }, this.makesFinal(node, witness));
    const final = this.markFinalIf(node, witness);
    if (final && switchIfFinal && !this.index.onMain(node) && this.prefers(node)) await this.switchTo(node);
    return true;
  }

  /** Marks `node` irreversible when its (valid) witness holds more than 2/3 of its round; true if it became so. */
  private markFinalIf(node: SideNode, witness: readonly Uint8Array[]): boolean {
    if (!this.makesFinal(node, witness)) return false;
    const signed = witness.filter((s) => s.length > 0).length;
    this.final.set(node.key, node.height);
    if (this.lastFinal === undefined || node.height > this.lastFinal.height) {
      this.lastFinal = node;
      // Fork choice looks no lower than the last irreversible block.
      for (const [key, height] of this.final) if (height < node.height) this.final.delete(key);
    }
    this.log.info('block irreversible', { block: node.key, height: node.height, signatures: signed });
    return true;
  }

  /** Whether `witness` (valid signatures) makes `node` newly irreversible. */
  private makesFinal(node: SideNode, witness: readonly Uint8Array[]): boolean {
    // Below the last irreversible block there is nothing more to learn (its ancestors are final).
    if (node.height === 0 || node.height <= (this.lastFinal?.height ?? 0) || this.final.has(node.key)) return false;
    const signed = witness.filter((s) => s.length > 0).length;
    return witness.length > 0 && isIrreversible(signed, witness.length);
  }

  /** The height of the most recent irreversible block on `node`'s branch (0: genesis). */
  private finalHeightOn(node: SideNode): bigint {
    const floor = this.lastFinal?.height ?? 0;
    for (let n: SideNode | undefined = node; n !== undefined && n.height >= floor; n = n.parent) {
      if (this.final.has(n.key)) return BigInt(n.height);
    }
    return 0n;
  }

  protected override prefers(node: SideNode): boolean {
    const tip = this.tip;
    const fork = this.index.forkPoint(node);
    return shouldSwitchChain(
      { height: BigInt(tip.height), irreversibleHeight: this.finalHeightOn(tip) },
      { height: BigInt(node.height), irreversibleHeight: this.finalHeightOn(node) },
      BigInt(fork.height),
    );
  }

  /** At start-up: the highest main-chain block (within two rounds of the tip) whose filed witness is final. */
  private async loadFinality(): Promise<void> {
    const lowest = Math.max(1, this.tip.height - 2 * Number(this.params.consensus.roundLength));
    for (let h = this.tip.height; h >= lowest; h--) {
      const node = this.index.mainAt(h)!;
      if (this.markFinalIf(node, (await this.decodedOf(node)).block.header.witness)) return;
    }
  }

  private async producersOf(node: SideNode): Promise<readonly ElectedProducer[]> {
    return (await this.tally.roundAfter(node.header.previousBlockId)).producers.producers;
  }

  /** The tally's block source: the window in progress, the index (memory or store), else any block the store filed. */
  private async blockById(id: Uint8Array): Promise<SideBlock | undefined> {
    const pending = this.windowBlock(hex(id));
    if (pending !== undefined) return pending;
    const node = this.index.get(hex(id));
    if (node !== undefined) return (await this.decodedOf(node)).block;
    const body = await this.store.durable.getBlockBody(this.chainId, id);
    return body === undefined ? undefined : decodeSideBlock(body);
  }
}

/** `signature` is `producerKey`'s over the block id (a witness slot may hold anything). */
function isProducerSignature(producerKey: Uint8Array, id: Uint8Array, signature: Uint8Array): boolean {
  return signature.length === 64 && verifyBlockSignature(producerKey, id, signature, producerVerify);
}

/** The block's witness reduced to its valid signatures, one slot per producer of the round. */
async function validWitness(
  block: SideBlock,
  id: Uint8Array,
  producers: readonly ElectedProducer[],
  verifier: SignatureVerifier,
): Promise<Uint8Array[]> {
  const slots = producers.map((p, order) => ({ p, signature: block.header.witness[order] }));
  const candidates = slots.filter(
    (s): s is { p: ElectedProducer; signature: Uint8Array } => s.signature !== undefined && s.signature.length === 64,
  );
  const verdicts = await verifier.verifyAll(
    candidates.map((c) => ({
      publicKey: c.p.producerKey.subarray(0, 32),
      message: blockSignBytes(id),
      signature: c.signature,
    })),
  );
  const valid = new Set(candidates.filter((_, i) => verdicts[i]).map((c) => c.p));
  return slots.map((s) => (valid.has(s.p) ? s.signature! : EMPTY));
}

/** The slot owner's witness slot is not empty (checked before anything costly). */
function checkOwnerSlotFilled(block: SideBlock, owner: ElectedProducer): void {
  const given = block.header.witness[owner.order];
  if (given === undefined || given.length === 0) {
    throw new ValidatorError(
      ValidatorErrorCode.PRODUCER_SIGNATURE_MISSING,
      `the producer of the block's slot (order ${owner.order}) has not signed it`,
      { order: String(owner.order) },
    );
  }
}

/** The producer owning the block's slot signed it (PSWV stage 1's block signature check). */
function checkOwnerSigned(witness: readonly Uint8Array[], owner: ElectedProducer): void {
  if (witness[owner.order]!.length === 0) {
    throw new ValidatorError(
      ValidatorErrorCode.BAD_PRODUCER_SIGNATURE,
      `witness slot ${owner.order} does not hold its producer's signature of the block`,
      { order: String(owner.order) },
    );
  }
}
