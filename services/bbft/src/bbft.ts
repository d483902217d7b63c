// The BBFT engine of one producer key on one side chain.
//
// - Production: at every slot boundary, if the slot of the head's next block is this key's, build a
//   block on the head (timestamp = the slot's start; coinbase per the rewards rule; mempool txs under
//   the gas cap), have the node's validator validate it, sign it and announce it.
// - Signing: every block announced by another producer is checked (its timestamp's slot owner must
//   have signed it; that signature goes through double-sign detection), then validated by the node's
//   validator, and only then signed, at most one block per height: the signer persists (height, id)
//   before the signature exists (signer.ts).
// - Gossip: signatures on net.sig; signatures are collected per block, and a block signed by more
//   than 2/3 of its round's producers is irreversible. Fork choice follows the protocol's rule.
// - Double signs: two signatures by one producer at one height give evidence, which is kept and
//   published; the conflicting block is rejected, and the double signer's signatures at that height
//   count for no block.
//
// Every state change runs on one serial queue (blocks, production, evidence); signatures of known
// blocks are applied synchronously as they arrive.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  assembleSideBlock,
  createProducerSchedule,
  createSideCoinbase,
  type DoubleSignEvidence,
  decodeDoubleSignEvidence,
  decodeSideBlockHead,
  type ElectedProducer,
  encodeSideTx,
  Lru,
  producerSlotAt,
  ed25519ProducerVerifier as producerVerify,
  type SideBlock,
  type SideBlockHead,
  type SideChainParams,
  sideBlockId,
  verifyBlockSignature,
  verifyDoubleSignEvidence,
  witnessWith,
} from '@bystack/protocol';
import type { Logger } from '@bystack/runtime';
import { coinbaseGas, type DecodedReap, decodeReaped } from './block-builder.ts';
import { type BbftBlock, keepTxBytes } from './block-bytes.ts';
import { BlockTree, type TreeBlock, type TreeBlockSource } from './block-tree.ts';
import { fromHex, sameBytes, shortHex, toHex } from './bytes.ts';
import type { EvidenceRecord, EvidenceSource, EvidenceStore } from './evidence-store.ts';
import type { BbftMetrics } from './metrics.ts';
import { SignatureLedger } from './signature-ledger.ts';
import type { Signer } from './signer.ts';
import type {
  BbftNetwork,
  BlockValidator,
  ReapedTxs,
  RoundInfo,
  SideBlockRef,
  SideChainView,
  SignatureMessage,
  TxSource,
  UnfollowedBlock,
} from './types.ts';

export type BbftOptions = {
  readonly params: SideChainParams;
  /** Where this producer's block rewards accrue (its coinbase's first output). */
  readonly rewardProgram: Uint8Array;
  /** Most mempool transactions in one block. */
  readonly maxTxs: number;
  /** Announce own blocks (with this producer's signature in the witness) on net.block. Default true. */
  readonly announceBlocks?: boolean;
  /** Blocks read below the validator's tip at start. Default 256. */
  readonly loadDepth?: number;
  /**
   * How long into its slot a producer waits for the previous slot's block (late when that block is
   * big) before it builds beside it. Default: 60% of the block interval.
   */
  readonly previousSlotWaitMs?: number;
  /** Blocks kept below the last irreversible block. Default: one round. */
  readonly keepDepth?: bigint;
  /**
   * TEST ONLY (BYSTACK_BBFT_FAULT_DOUBLE_SIGN): in its own slots this producer also signs a second,
   * conflicting block at the same height, bypassing the signer guard. Off by default; it exists to
   * show that the other producers detect and reject a double signer.
   */
  readonly faultDoubleSign?: boolean;
  /** Milliseconds since the Unix epoch. Default Date.now. */
  readonly clock?: () => number;
};

export type BbftModules = {
  readonly view: SideChainView;
  readonly validator: BlockValidator;
  /** Unset: blocks carry only their coinbase. */
  readonly txs?: TxSource | undefined;
  readonly signer: Signer;
  readonly network: BbftNetwork;
  readonly evidence: EvidenceStore;
  readonly log: Logger;
  readonly metrics?: BbftMetrics | undefined;
};

export type BbftStatus = {
  readonly chainId: string;
  readonly producerKey: Uint8Array;
  /** Order of this key in the round of the block after the head, if it produces there. */
  readonly order: number | undefined;
  readonly producerCount: number;
  readonly lastSigned: SideBlockRef | undefined;
  readonly irreversible: SideBlockRef;
  readonly tip: SideBlockRef;
  readonly blocksProduced: number;
  readonly blocksSigned: number;
  readonly signaturesRefused: number;
  readonly blocksRejected: number;
  readonly evidenceCount: number;
};

const MAX_PENDING_SIGNATURE_BLOCKS = 1024;
const MAX_HELD_BLOCKS = 256;
const MAX_RETRIES_PER_TICK = 16;
/** How long a producer waits at most for its mempool to follow the head it builds on (of a 500 ms slot). */
const MEMPOOL_CATCH_UP_MS = 150;
const MEMPOOL_RETRY_MS = 10;
/** Share of its slot a producer waits by default for the previous slot's block before building beside it. */
const PREVIOUS_SLOT_WAIT = 0.6;

/** A block as #build made it, and the ids of its mempool transactions (undefined: the mempool gave none). */
type BuiltBlock = { readonly block: SideBlock; readonly txIds: readonly Uint8Array[] | undefined };

/** Adds to a bounded insertion-ordered map, dropping the oldest entry past `max`. */
function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as K);
}

export class Bbft {
  readonly #opts: BbftOptions;
  readonly #view: SideChainView;
  readonly #validator: BlockValidator;
  readonly #txs: TxSource | undefined;
  readonly #signer: Signer;
  readonly #network: BbftNetwork;
  readonly #evidence: EvidenceStore;
  readonly #log: Logger;
  readonly #metrics: BbftMetrics | undefined;
  readonly #clock: () => number;
  readonly #key: string;
  readonly #interval: bigint;
  readonly #abort = new AbortController();
  readonly #ledger = new SignatureLedger();
  /** Signatures of blocks not in the tree yet (being validated, awaiting, or not arrived). */
  readonly #pendingSigs = new Map<string, SignatureMessage[]>();
  /** Valid-looking blocks waiting for their producer's signature. */
  readonly #awaiting = new Map<string, BbftBlock>();
  /** Blocks whose parent neither the tree nor the validator has yet, by parent key. */
  readonly #orphans = new Map<string, BbftBlock[]>();
  /** Blocks to validate again (the validator was unreachable, or lacked the parent). */
  readonly #retry = new Map<string, BbftBlock>();
  readonly #rejected = new Lru<string, string>(4096);
  readonly #rounds = new Lru<string, RoundInfo>(1024);
  #tree: BlockTree | undefined;
  #headRound: RoundInfo | undefined;
  #tail: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #lastProducedSlot = -1n;
  /** The last block this producer made, with its mempool transactions' ids (ReapTxs' on_block). */
  #ownHead: UnfollowedBlock | undefined;
  /** The slot whose production waits for the previous slot's block, and until when (ms). */
  #waiting: { readonly slotStart: bigint; readonly timer: NodeJS.Timeout } | undefined;
  /** The last slot that waited: it waits no more. */
  #waitedSlot = -1n;
  #tickQueued = false;
  #stopped = false;
  #produced = 0;
  #signed = 0;
  #refused = 0;
  #rejectedCount = 0;

  constructor(opts: BbftOptions, modules: BbftModules) {
    this.#opts = opts;
    this.#view = modules.view;
    this.#validator = modules.validator;
    this.#txs = modules.txs;
    this.#signer = modules.signer;
    this.#network = modules.network;
    this.#evidence = modules.evidence;
    this.#log = modules.log.child({ module: 'bbft' });
    this.#metrics = modules.metrics;
    this.#clock = opts.clock ?? Date.now;
    this.#key = toHex(modules.signer.xpub);
    this.#interval = opts.params.consensus.blockIntervalMs;
  }

  get tree(): BlockTree | undefined {
    return this.#tree;
  }

  /** Loads the signer record and the chain, then produces in this key's slots. */
  async start(): Promise<void> {
    let failure: unknown;
    await this.#enqueue(async () => {
      try {
        await this.#load();
      } catch (err) {
        failure = err;
      }
    });
    if (this.#tree === undefined) throw failure ?? new Error('the chain could not be loaded');
    if (this.#timer === undefined) this.#scheduleTick();
  }

  /** Stops producing and taking blocks; waits for the work under way. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    clearTimeout(this.#waiting?.timer);
    this.#abort.abort(new Error('bbft stopping'));
    await this.#tail;
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#tail.then(async () => {
      if (this.#stopped) return;
      try {
        await task();
      } catch (err) {
        if (this.#stopped) return;
        this.#log.warn('bbft task failed', { err });
      }
    });
    this.#tail = run;
    return run;
  }

  // ---- inputs ---------------------------------------------------------------------------------

  /** A block announced on net.block (encoded side block). */
  onBlockAnnounce(bytes: Uint8Array): void {
    void this.#enqueue(async () => {
      // Read to its header: its transactions are the validator's to check, and the tally's to read.
      let block: SideBlockHead;
      try {
        block = decodeSideBlockHead(bytes);
      } catch (err) {
        this.#metrics?.bbftBlocksRejected.inc({ code: 'MALFORMED' });
        this.#log.debug('undecodable block announcement', { err });
        return;
      }
      await this.#receive(block, sideBlockId(block.header));
    });
  }

  /** A signature from net.sig. */
  onSignature(message: SignatureMessage): void {
    const tree = this.#tree;
    if (tree === undefined || sameBytes(message.producerKey, this.#signer.xpub)) return;
    const key = toHex(message.blockId);
    const node = tree.get(key);
    if (node !== undefined) {
      if (this.#applySignature(node, message.producerKey, message.signature)) this.#afterChange();
      return;
    }
    if (this.#rejected.has(key)) return;
    const list = this.#pendingSigs.get(key) ?? [];
    if (!list.some((m) => sameBytes(m.producerKey, message.producerKey))) list.push(message);
    setBounded(this.#pendingSigs, key, list, MAX_PENDING_SIGNATURE_BLOCKS);
    const waiting = this.#awaiting.get(key);
    if (waiting !== undefined) {
      this.#awaiting.delete(key);
      void this.#enqueue(() => this.#receive(waiting, message.blockId));
    }
  }

  /** Evidence from net.evidence (canonical bytes). */
  onEvidence(bytes: Uint8Array): void {
    void this.#enqueue(async () => {
      let evidence: DoubleSignEvidence;
      try {
        evidence = decodeDoubleSignEvidence(bytes);
      } catch {
        return;
      }
      if (this.#evidence.has(evidence)) return;
      if (!(await this.#verifyEvidence(evidence))) {
        this.#log.warn('unproven double-sign evidence ignored', {
          producer: shortHex(evidence.producerKey),
          height: String(evidence.height),
        });
        return;
      }
      this.#ledger.markFaulty(evidence);
      this.#onDoubleSign(evidence, 'received');
      this.#afterChange();
    });
  }

  // ---- state ----------------------------------------------------------------------------------

  status(): BbftStatus {
    const tree = this.#tree;
    if (tree === undefined) throw new Error('not loaded');
    const round = this.#headRound;
    const order = round?.producers.producers.findIndex((p) => sameBytes(p.producerKey, this.#signer.xpub)) ?? -1;
    const ref = (n: TreeBlock): SideBlockRef => ({ id: n.id, height: n.height });
    return {
      chainId: this.#opts.params.chainId,
      producerKey: this.#signer.xpub,
      order: order >= 0 ? order : undefined,
      producerCount: round?.producers.producers.length ?? 0,
      lastSigned: this.#signer.lastSigned,
      irreversible: ref(tree.lastIrreversible),
      tip: ref(tree.head),
      blocksProduced: this.#produced,
      blocksSigned: this.#signed,
      signaturesRefused: this.#refused,
      blocksRejected: this.#rejectedCount,
      evidenceCount: this.#evidence.size,
    };
  }

  evidenceRecords(): EvidenceRecord[] {
    return this.#evidence.list();
  }

  // ---- loading ------------------------------------------------------------------------------------

  async #load(): Promise<void> {
    const signal = this.#abort.signal;
    await this.#signer.load();
    const tip = await this.#view.getTip(signal);
    const irreversible = await this.#view.getIrreversible(signal);
    const depth = BigInt(this.#opts.loadDepth ?? 256);
    let floor = tip.height > depth ? tip.height - depth : 0n;
    if (irreversible !== undefined && irreversible.height > floor && irreversible.height <= tip.height) {
      floor = irreversible.height;
    }
    const above: { id: Uint8Array; block: SideBlock }[] = [];
    let id = tip.id;
    let block = await this.#mustGet(id);
    while (block.header.height > floor) {
      above.push({ id, block });
      id = block.header.previousBlockId;
      block = await this.#mustGet(id);
    }
    const tree = new BlockTree({ id, height: block.header.height, timestampMs: block.header.timestamp });
    this.#tree = tree;
    for (let i = above.length - 1; i >= 0; i--) await this.#addHistory(above[i]!.block, above[i]!.id);
    this.#afterChange();
    this.#log.info('chain loaded', {
      chain: this.#opts.params.chainId,
      producer: this.#key.slice(0, 16),
      root: String(tree.root.height),
      tip: String(tree.head.height),
      last_signed: this.#signer.lastSigned ? String(this.#signer.lastSigned.height) : null,
    });
  }

  async #mustGet(id: Uint8Array): Promise<SideBlock> {
    const block = await this.#view.getBlockById(id, this.#abort.signal);
    if (block === undefined) throw new Error(`the validator lost block ${toHex(id)}`);
    return block;
  }

  async #round(parentId: Uint8Array): Promise<RoundInfo> {
    const key = toHex(parentId);
    const cached = this.#rounds.get(key);
    if (cached !== undefined) return cached;
    const round = await this.#view.roundAfter(parentId, this.#abort.signal);
    this.#rounds.set(key, round);
    return round;
  }

  /** The producer whose slot holds `timestampMs` in `round`, or undefined before the schedule starts. */
  #slotOwner(round: RoundInfo, timestampMs: bigint): ElectedProducer | undefined {
    const schedule = createProducerSchedule(this.#opts.params.consensus, round.producers, round.electionTimestampMs);
    if (timestampMs < schedule.startMs) return undefined;
    return producerSlotAt(schedule, timestampMs).producer;
  }

  /** A block the node's validator holds (start-up, or a missing ancestor): no re-validation. */
  async #addHistory(block: SideBlock, id: Uint8Array): Promise<TreeBlock | undefined> {
    const round = await this.#round(block.header.previousBlockId);
    const owner = this.#slotOwner(round, block.header.timestamp);
    if (owner === undefined) {
      this.#log.warn('validator block outside its round schedule skipped', { height: String(block.header.height) });
      return undefined;
    }
    const node = this.#addNode(block, id, round, owner, 'history');
    this.#absorbWitness(node, block);
    this.#applyPending(node);
    await this.#maybeSign(node);
    return node;
  }

  #addNode(
    block: BbftBlock,
    id: Uint8Array,
    round: RoundInfo,
    owner: ElectedProducer,
    source: TreeBlockSource,
  ): TreeBlock {
    this.#view.noteBlock?.(block, id);
    return this.#tree!.add({
      id,
      height: block.header.height,
      parentId: block.header.previousBlockId,
      timestampMs: block.header.timestamp,
      producers: round.producers.producers.map((p) => toHex(p.producerKey)),
      producerOrder: owner.order,
      source,
    });
  }

  // ---- receiving blocks ---------------------------------------------------------------------------

  async #receive(block: BbftBlock, id: Uint8Array): Promise<void> {
    const tree = this.#tree;
    if (tree === undefined) return;
    const key = toHex(id);
    const known = tree.get(key);
    if (known !== undefined) {
      if (this.#absorbWitness(known, block)) this.#afterChange();
      return;
    }
    if (this.#rejected.has(key)) return;
    await this.#admit(block, id);
  }

  #reject(key: string, code: string, fields: Record<string, unknown>): void {
    this.#rejected.set(key, code);
    this.#pendingSigs.delete(key);
    this.#awaiting.delete(key);
    this.#retry.delete(key);
    this.#rejectedCount++;
    this.#metrics?.bbftBlocksRejected.inc({ code });
    this.#log.warn('block rejected', { code, id: key.slice(0, 16), ...fields });
  }

  async #admit(block: BbftBlock, id: Uint8Array): Promise<void> {
    const tree = this.#tree!;
    const key = toHex(id);
    const { height, previousBlockId, timestamp } = block.header;
    if (height <= tree.root.height) return;
    const parentKey = toHex(previousBlockId);
    if (!tree.has(parentKey) && !(await this.#linkAncestors(previousBlockId))) {
      const siblings = this.#orphans.get(parentKey) ?? [];
      if (!siblings.some((b) => sameBytes(sideBlockId(b.header), id))) siblings.push(block);
      setBounded(this.#orphans, parentKey, siblings, MAX_HELD_BLOCKS);
      return;
    }

    const round = await this.#round(previousBlockId);
    const owner = this.#slotOwner(round, timestamp);
    if (owner === undefined) {
      this.#reject(key, 'BEFORE_ROUND_START', { height: String(height) });
      return;
    }
    const ownerSignature = this.#ownerSignature(block, id, owner);
    if (ownerSignature === undefined) {
      // Its producer's signature may still come on net.sig (or in a later announcement).
      setBounded(this.#awaiting, key, block, MAX_HELD_BLOCKS);
      return;
    }
    const ledger = this.#ledger.record({
      producerKey: owner.producerKey,
      height,
      blockId: id,
      signature: ownerSignature,
    });
    if (ledger.kind === 'double-sign') {
      this.#onDoubleSign(ledger.evidence, 'detected');
      this.#reject(key, 'DOUBLE_SIGNED', { height: String(height), producer: shortHex(owner.producerKey) });
      this.#afterChange();
      return;
    }

    // The validator checks the owner's signature too: it goes in its witness slot if it came on net.sig.
    const witness = round.producers.producers.map((_, i) =>
      i === owner.order ? ownerSignature : (block.header.witness[i] ?? new Uint8Array(0)),
    );
    let verdict: Awaited<ReturnType<BlockValidator['validateBlock']>>;
    try {
      verdict = await this.#validator.validateBlock(
        { ...block, header: { ...block.header, witness } },
        this.#abort.signal,
      );
    } catch (err) {
      this.#log.warn('validator unreachable; block kept for another try', { id: key.slice(0, 16), err });
      setBounded(this.#retry, key, block, MAX_HELD_BLOCKS);
      return;
    }
    if (verdict.kind === 'orphan') {
      setBounded(this.#retry, key, block, MAX_HELD_BLOCKS);
      return;
    }
    if (verdict.kind === 'invalid') {
      this.#reject(key, verdict.code, { height: String(height), reason: verdict.message });
      return;
    }
    this.#retry.delete(key);
    this.#awaiting.delete(key);
    if (tree.has(key)) return;
    const node = this.#addNode(block, id, round, owner, 'network');
    if (tree.addSignature(key, owner.order, ownerSignature) === 'irreversible') this.#onIrreversible(node);
    this.#absorbWitness(node, block);
    this.#applyPending(node);
    await this.#maybeSign(node);
    this.#afterChange();

    const children = this.#orphans.get(key);
    if (children !== undefined) {
      this.#orphans.delete(key);
      for (const child of children) await this.#receive(child, sideBlockId(child.header));
    }
  }

  /** Reads missing ancestors of `parentId` from the validator until one joins the tree. */
  async #linkAncestors(parentId: Uint8Array): Promise<boolean> {
    const tree = this.#tree!;
    const chain: { id: Uint8Array; block: SideBlock }[] = [];
    let id = parentId;
    const limit = this.#opts.loadDepth ?? 256;
    while (!tree.has(toHex(id))) {
      if (chain.length >= limit) return false;
      const block = await this.#view.getBlockById(id, this.#abort.signal);
      if (block === undefined || block.header.height <= tree.root.height) return false;
      chain.push({ id, block });
      id = block.header.previousBlockId;
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      if ((await this.#addHistory(chain[i]!.block, chain[i]!.id)) === undefined) return false;
    }
    return true;
  }

  /** The verified signature of `owner` for block `id`: from the witness, else from net.sig. */
  #ownerSignature(block: BbftBlock, id: Uint8Array, owner: ElectedProducer): Uint8Array | undefined {
    const candidates: Uint8Array[] = [];
    const inWitness = block.header.witness[owner.order];
    if (inWitness !== undefined && inWitness.length === 64) candidates.push(inWitness);
    for (const m of this.#pendingSigs.get(toHex(id)) ?? []) {
      if (sameBytes(m.producerKey, owner.producerKey)) candidates.push(m.signature);
    }
    return candidates.find((sig) => verifyBlockSignature(owner.producerKey, id, sig, producerVerify));
  }

  /** Takes the valid signatures of a block's witness; true if any was new. */
  #absorbWitness(node: TreeBlock, block: BbftBlock): boolean {
    let changed = false;
    block.header.witness.forEach((sig, order) => {
      const producer = node.producers[order];
      if (producer === undefined || sig.length !== 64) return;
      if (this.#applySignature(node, fromHex(producer), sig)) changed = true;
    });
    return changed;
  }

  #applyPending(node: TreeBlock): void {
    const pending = this.#pendingSigs.get(node.key);
    if (pending === undefined) return;
    this.#pendingSigs.delete(node.key);
    for (const m of pending) this.#applySignature(node, m.producerKey, m.signature);
  }

  /** Verifies and records one producer's signature of a block in the tree; true if it counted. */
  #applySignature(node: TreeBlock, producerKey: Uint8Array, signature: Uint8Array): boolean {
    const tree = this.#tree!;
    const order = tree.orderOf(node.key, toHex(producerKey));
    if (order === undefined || tree.signatureOf(node.key, order) !== undefined) return false;
    if (!verifyBlockSignature(producerKey, node.id, signature, producerVerify)) return false;
    const ledger = this.#ledger.record({ producerKey, height: node.height, blockId: node.id, signature });
    if (ledger.kind === 'double-sign') {
      this.#onDoubleSign(ledger.evidence, 'detected');
      return false;
    }
    const wasOwnerSigned = node.ownerSigned;
    const outcome = tree.addSignature(node.key, order, signature);
    if (outcome === 'unchanged') return false;
    if (outcome === 'irreversible') this.#onIrreversible(node);
    if (!wasOwnerSigned && node.ownerSigned) void this.#enqueue(() => this.#maybeSign(node));
    return true;
  }

  // ---- signing ------------------------------------------------------------------------------------

  /** Signs `node` if this key is of its round, it is signable, and the guard allows it. */
  async #maybeSign(node: TreeBlock): Promise<void> {
    const tree = this.#tree!;
    if (!node.ownerSigned || !tree.has(node.key)) return;
    const order = node.producers.indexOf(this.#key);
    if (order < 0 || tree.signatureOf(node.key, order) !== undefined) return;
    const final = tree.lastIrreversible;
    if (node.height <= final.height || !tree.isAncestor(final.key, node.key)) return;
    const owner = node.producers[node.producerOrder]!;
    if (this.#ledger.isFaulty(fromHex(owner), node.height)) return;
    const result = await this.#signer.sign(node.height, node.id, node.source === 'own' ? 'own' : 'peer');
    if (result.kind === 'refused') {
      this.#refused++;
      this.#metrics?.bbftSignaturesRefused.inc();
      this.#log.warn('refused to sign a second block at a height', {
        height: String(node.height),
        refused: node.key.slice(0, 16),
        signed: result.signed ? shortHex(result.signed) : null,
      });
      return;
    }
    this.#signed++;
    this.#metrics?.bbftBlocksSigned.inc();
    if (tree.addSignature(node.key, order, result.signature) === 'irreversible') this.#onIrreversible(node);
    this.#network.publishSignature({
      blockId: node.id,
      height: node.height,
      producerKey: this.#signer.xpub,
      signature: result.signature,
    });
    this.#log.debug('block signed', { height: String(node.height), id: node.key.slice(0, 16) });
  }

  // ---- evidence -----------------------------------------------------------------------------------

  #onDoubleSign(evidence: DoubleSignEvidence, source: EvidenceSource): void {
    const record = this.#evidence.add(evidence, source);
    const tree = this.#tree!;
    const producer = toHex(evidence.producerKey);
    for (const n of tree.blocksAt(evidence.height)) {
      const order = n.producers.indexOf(producer);
      if (order >= 0) tree.removeSignature(n.key, order);
    }
    if (record === undefined) return;
    this.#metrics?.bbftDoubleSigns.inc({ source });
    this.#log.warn('double sign', {
      source,
      producer: producer.slice(0, 16),
      height: String(evidence.height),
      first: shortHex(evidence.first.blockId),
      second: shortHex(evidence.second.blockId),
    });
    if (source === 'detected') this.#network.publishEvidence(record.bytes);
  }

  /** Evidence from the network: both blocks at its height (as the tree or the validator knows them),
   * the key a producer of their round, both signatures valid. */
  async #verifyEvidence(evidence: DoubleSignEvidence): Promise<boolean> {
    const heights = new Map<string, bigint>();
    let producers: readonly string[] | undefined;
    for (const { blockId } of [evidence.first, evidence.second]) {
      const node = this.#tree?.get(toHex(blockId));
      if (node !== undefined) {
        heights.set(node.key, node.height);
        producers ??= node.producers;
        continue;
      }
      const block = await this.#view.getBlockById(blockId, this.#abort.signal);
      if (block === undefined) return false;
      heights.set(toHex(blockId), block.header.height);
      if (producers === undefined) {
        const round = await this.#round(block.header.previousBlockId);
        producers = round.producers.producers.map((p) => toHex(p.producerKey));
      }
    }
    if (producers === undefined || !producers.includes(toHex(evidence.producerKey))) return false;
    return verifyDoubleSignEvidence(evidence, producerVerify, (id) => heights.get(toHex(id)));
  }

  // ---- irreversibility, fork choice, pruning -------------------------------------------------------

  #onIrreversible(node: TreeBlock): void {
    if (this.#tree?.lastIrreversible !== node) return;
    this.#metrics?.bbftIrreversibleHeight.set(Number(node.height));
    this.#log.info('block irreversible', {
      height: String(node.height),
      id: node.key.slice(0, 16),
      signatures: this.#tree.signatureCount(node.key),
    });
  }

  #afterChange(): void {
    const tree = this.#tree;
    if (tree === undefined) return;
    const head = tree.updateHead();
    this.#metrics?.bbftTipHeight.set(Number(head.height));
    const dropped = tree.prune(this.#opts.keepDepth ?? this.#opts.params.consensus.roundLength);
    if (dropped > 0) this.#ledger.pruneBelow(tree.root.height);
    const waiting = this.#waiting;
    if (waiting !== undefined && head.timestampMs >= waiting.slotStart - this.#interval) this.#produceNow();
  }

  // ---- production ---------------------------------------------------------------------------------

  #scheduleTick(): void {
    if (this.#stopped) return;
    const now = this.#clock();
    const interval = Number(this.#interval);
    const next = (Math.floor(now / interval) + 1) * interval;
    this.#timer = setTimeout(
      () => {
        this.#scheduleTick();
        // One tick waits at most: a slow validator must not pile ticks up behind it.
        if (this.#tickQueued) return;
        this.#tickQueued = true;
        void this.#enqueue(() => {
          this.#tickQueued = false;
          return this.#tick();
        });
      },
      next - now + 1,
    );
  }

  /** One slot: retry held blocks, then produce if the slot is this key's. */
  async #tick(): Promise<void> {
    let retries = 0;
    for (const [key, block] of [...this.#retry]) {
      if (retries++ >= MAX_RETRIES_PER_TICK) break;
      this.#retry.delete(key);
      await this.#receive(block, fromHex(key));
    }
    await this.#produce();
  }

  async #produce(): Promise<void> {
    const tree = this.#tree!;
    const head = tree.head;
    const round = await this.#round(head.id);
    this.#headRound = round;
    const now = BigInt(this.#clock());
    const owner = this.#slotOwner(round, now);
    if (owner === undefined || !sameBytes(owner.producerKey, this.#signer.xpub)) return;
    const schedule = createProducerSchedule(this.#opts.params.consensus, round.producers, round.electionTimestampMs);
    const slotStart = producerSlotAt(schedule, now).slotStartMs;
    if (slotStart < head.timestampMs + this.#interval || slotStart <= this.#lastProducedSlot) return;
    if (this.#awaitsPreviousSlot(head, slotStart, now)) return;
    const height = head.height + 1n;
    if ((await this.#signer.signedAt(height)) !== undefined) {
      this.#log.info('not producing: this key already signed a block at the height', { height: String(height) });
      return;
    }
    this.#lastProducedSlot = slotStart;

    // The validator checks the block before it is signed (a signature cannot be taken back), then
    // files it once it carries the signature.
    let built = await this.#build(head, height, slotStart, round, true);
    let verdict = await this.#validator.checkBlock(built.block, this.#abort.signal);
    if (verdict.kind === 'invalid' && built.block.transactions.length > 1) {
      this.#log.warn('the validator refused the block with mempool transactions; producing without them', {
        code: verdict.code,
        reason: verdict.message,
      });
      built = await this.#build(head, height, slotStart, round, false);
      verdict = await this.#validator.checkBlock(built.block, this.#abort.signal);
    }
    if (verdict.kind !== 'valid') {
      this.#log.error('own block not accepted by the validator', {
        height: String(height),
        verdict: verdict.kind,
        ...(verdict.kind === 'invalid' ? { code: verdict.code, reason: verdict.message } : {}),
      });
      return;
    }
    const { block } = built;
    const id = sideBlockId(block.header);
    const result = await this.#signer.sign(height, id, 'own');
    if (result.kind === 'refused') {
      this.#refused++;
      this.#metrics?.bbftSignaturesRefused.inc();
      return;
    }
    const node = this.#addNode(block, id, round, owner, 'own');
    if (tree.addSignature(node.key, owner.order, result.signature) === 'irreversible') this.#onIrreversible(node);
    this.#produced++;
    this.#metrics?.bbftBlocksProduced.inc();
    this.#log.info('block produced', {
      height: String(height),
      id: node.key.slice(0, 16),
      timestamp: String(slotStart),
      txs: block.transactions.length - 1,
    });
    await this.#fileAndPublish(block, id, height, owner.order, round, result.signature);
    this.#ownHead =
      built.txIds === undefined
        ? undefined
        : { block: { height, blockId: id }, parent: { height: head.height, blockId: head.id }, txIds: built.txIds };
    this.#afterChange();
    if (this.#opts.faultDoubleSign === true) await this.#doubleSign(head, height, slotStart, round, owner);
  }

  /**
   * True when the previous slot's block is not in the tree yet and the slot may still wait for it:
   * its producer checks it with its validator before signing, and a big block can arrive a little
   * into the next slot. Building beside it would fork the chain, and one of the two blocks (its
   * checks, its slot) would be lost. Production resumes when a head from that slot arrives, or at
   * the deadline: a producer that is down costs the next slot that wait, once.
   */
  #awaitsPreviousSlot(head: TreeBlock, slotStart: bigint, now: bigint): boolean {
    if (head.timestampMs >= slotStart - this.#interval || this.#waitedSlot === slotStart) return false;
    const wait = this.#opts.previousSlotWaitMs ?? Math.round(Number(this.#interval) * PREVIOUS_SLOT_WAIT);
    const deadline = slotStart + BigInt(wait);
    if (now >= deadline) return false;
    if (this.#waiting?.slotStart !== slotStart) {
      clearTimeout(this.#waiting?.timer);
      this.#waiting = { slotStart, timer: setTimeout(() => this.#produceNow(), Number(deadline - now)) };
    }
    return true;
  }

  /** Ends a wait for the previous slot's block: the slot's production runs now (queued). */
  #produceNow(): void {
    const waiting = this.#waiting;
    if (waiting === undefined) return;
    clearTimeout(waiting.timer);
    this.#waiting = undefined;
    this.#waitedSlot = waiting.slotStart;
    void this.#enqueue(() => this.#produce());
  }

  /** Own block, signed: filed by the validator, announced, its signature published. */
  async #fileAndPublish(
    block: SideBlock,
    id: Uint8Array,
    height: bigint,
    order: number,
    round: RoundInfo,
    signature: Uint8Array,
  ): Promise<void> {
    const witness = witnessWith(round.producers.producers.length, order, signature);
    const signed = { ...block, header: { ...block.header, witness } };
    try {
      const filed = await this.#validator.validateBlock(signed, this.#abort.signal);
      if (filed.kind !== 'valid')
        this.#log.error('own signed block not filed by the validator', { verdict: filed.kind });
    } catch (err) {
      this.#log.warn('validator unreachable; own block announced unfiled', { height: String(height), err });
    }
    if (this.#opts.announceBlocks !== false) this.#network.announceBlock(signed);
    this.#network.publishSignature({ blockId: id, height, producerKey: this.#signer.xpub, signature });
  }

  /** TEST ONLY: a second, conflicting block at the same height, signed without the guard. */
  async #doubleSign(
    head: TreeBlock,
    height: bigint,
    slotStart: bigint,
    round: RoundInfo,
    owner: ElectedProducer,
  ): Promise<void> {
    const { block } = await this.#build(
      head,
      height,
      slotStart,
      round,
      false,
      new TextEncoder().encode(' conflicting'),
    );
    const verdict = await this.#validator.checkBlock(block, this.#abort.signal);
    if (verdict.kind !== 'valid') return;
    const id = sideBlockId(block.header);
    const signature = this.#signer.signUnguarded(id);
    this.#log.warn('TEST FAULT: signed a second block at one height', {
      height: String(height),
      id: shortHex(id),
    });
    await this.#fileAndPublish(block, id, height, owner.order, round, signature);
  }

  /**
   * The mempool's transactions once its pool stands on `head`: a pool that has not yet followed the
   * head's commit still holds the head's own transactions, and a block repeating them is refused
   * (a peg-in minted twice, a spent output). It asks again for a short while, then gives up:
   * undefined, and the block goes without mempool transactions.
   */
  async #reapOn(head: TreeBlock, maxGas: number): Promise<ReapedTxs | undefined> {
    const deadline = performance.now() + MEMPOOL_CATCH_UP_MS;
    // On its own last block, the pool need not have followed it: it leaves that block's txs out.
    const own = this.#ownHead;
    const onBlock = own !== undefined && sameBytes(own.block.blockId, head.id) ? own : undefined;
    // While the pool is behind, it is asked for one transaction only (what it stands on is the
    // question; a full answer copies thousands of transactions each time), then for all of them.
    let maxTxs = this.#opts.maxTxs;
    for (;;) {
      const answer = await this.#txs!.reapTxs(maxGas, maxTxs, this.#abort.signal, onBlock);
      const tip = answer.tip;
      if (
        tip === undefined ||
        tip.height > head.height ||
        (tip.height === head.height && sameBytes(tip.blockId, head.id))
      ) {
        if (maxTxs === this.#opts.maxTxs) return answer;
        maxTxs = this.#opts.maxTxs;
        continue;
      }
      maxTxs = 1;
      if (performance.now() >= deadline) {
        this.#log.warn('the mempool is behind the head; producing without its transactions', {
          head: String(head.height),
          pool: String(tip.height),
        });
        return undefined;
      }
      await sleep(MEMPOOL_RETRY_MS, undefined, { signal: this.#abort.signal });
    }
  }

  async #build(
    head: TreeBlock,
    height: bigint,
    timestampMs: bigint,
    round: RoundInfo,
    withTxs: boolean,
    tag?: Uint8Array,
  ): Promise<BuiltBlock> {
    const { params } = this.#opts;
    const coinbase = createSideCoinbase(height, this.#opts.rewardProgram, round.payouts, tag);
    let reaped: DecodedReap | undefined;
    if (withTxs && this.#txs !== undefined && this.#opts.maxTxs > 0) {
      const maxGas = params.gas.maxBlockGas - coinbaseGas(params, coinbase, height);
      try {
        const answer = await this.#reapOn(head, maxGas);
        reaped = answer && decodeReaped(answer.txs, answer.ids);
        if (reaped && reaped.undecodable > 0) {
          this.#log.warn('mempool returned undecodable transactions', { count: reaped.undecodable });
        }
      } catch (err) {
        this.#log.warn('reaping the mempool failed; producing without transactions', { err });
      }
    }
    // The mempool's ids and wire bytes: no reaped transaction is mapped or encoded again here.
    const block = assembleSideBlock({
      parentId: head.id,
      height,
      timestampMs,
      coinbase,
      txs: reaped?.txs ?? [],
      txIds: reaped?.ids,
    });
    keepTxBytes(block, [encodeSideTx(coinbase), ...(reaped?.bytes ?? [])]);
    return { block, txIds: reaped === undefined ? [] : reaped.ids };
  }
}
