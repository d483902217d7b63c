// The node-local event stream: BlockReorged (once per reorganization, first) and BlockCommitted (one
// per block joining the main chain, in height order) on JetStream, stream EVENTS_<node>_<chain>.
//
// Publishing is driven by a marker file (the last main-chain block whose events are out, and an
// epoch that counts reorganizations): after every change, and at start-up, the publisher compares
// the marker with the main chain and publishes what is missing. So a crash between a commit and
// its events (or NATS being away) only delays them; a crash after publishing and before the marker
// moved publishes them again with the SAME message ids (block id + event + epoch), which JetStream
// drops as duplicates within the stream's duplicate window. The marker moves every MARKER_EVERY
// events and at the end of a run, so a crash re-publishes at most that many. The epoch keeps a block committed
// again after a reorganization back (A -> B -> A) from being taken for a duplicate of its first
// commit.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chainV1 } from '@bystack/proto';
import type { DurableStore, JetStreamBus, Logger, StreamSpec } from '@bystack/runtime';
import { subject } from '@bystack/runtime';
import type { BlockTxEffects, RecentBlockEffects } from './block-effects.ts';
import type { IndexNode } from './block-index.ts';
import { buf, hex, unhex } from './bytes.ts';
import type { AnyChain } from './pipeline.ts';

export type EventMarker = { readonly epoch: number; readonly height: number; readonly block: string };

export type EventPublisherOptions = {
  readonly chainId: string;
  readonly nodeId: string;
  readonly dataDir: string;
  readonly log: Logger;
  readonly signal: AbortSignal;
  /** Wait before retrying after a failed publish (default 1 s). */
  readonly retryMs?: number;
  /** The NATS server's largest payload (bytes); a bigger event goes out without its block bodies. */
  readonly maxPayload?: () => number;
  /** What committed blocks' transactions did, carried by their committed events while kept. */
  readonly effects?: RecentBlockEffects;
  /** Test crash points around the publication of a block's committed event. */
  readonly crash?: (point: 'before-publish' | 'after-publish', height: number) => void;
};

/** Committed events between two writes of the marker file. */
const MARKER_EVERY = 64;

/** The node-local event stream of a chain. */
export function eventStreamSpec(chainId: string, nodeId: string): StreamSpec {
  return {
    name: `EVENTS_${nodeId}_${chainId}`,
    subjects: [subject(chainId, nodeId, 'committed'), subject(chainId, nodeId, 'reorged')],
  };
}

export class EventPublisher {
  private readonly js: JetStreamBus;
  private readonly chain: AnyChain;
  private readonly durable: DurableStore;
  private readonly opts: EventPublisherOptions;
  private readonly markerPath: string;
  private readonly committedSubject;
  private readonly reorgedSubject;
  private marker: EventMarker | undefined;
  private retry: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  /** Events published (not counting duplicates the stream dropped). */
  published = 0;

  constructor(js: JetStreamBus, chain: AnyChain, durable: DurableStore, opts: EventPublisherOptions) {
    this.js = js;
    this.chain = chain;
    this.durable = durable;
    this.opts = opts;
    this.markerPath = path.join(opts.dataDir, `validator-${opts.chainId}-events.json`);
    this.committedSubject = subject(opts.chainId, opts.nodeId, 'committed');
    this.reorgedSubject = subject(opts.chainId, opts.nodeId, 'reorged');
    this.marker = existsSync(this.markerPath)
      ? (JSON.parse(readFileSync(this.markerPath, 'utf8')) as EventMarker)
      : undefined;
    opts.signal.addEventListener('abort', () => clearTimeout(this.retry), { once: true });
  }

  get lastPublished(): EventMarker | undefined {
    return this.marker;
  }

  async declare(): Promise<void> {
    const declared = await this.js.declareStream(eventStreamSpec(this.opts.chainId, this.opts.nodeId));
    this.opts.log.info('event stream declared', { stream: declared.name, action: declared.action });
  }

  /**
   * Publishes what is missing in the background, so that validating the next blocks does not wait
   * for the stream's acks: one run at a time, and a kick during a run makes it go round again.
   */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.catchUp();
      } while (this.again && !this.opts.signal.aborted);
    })().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves when no background run is going on. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * Publishes what the main chain has that the marker does not. Never throws: a failure is logged
   * and retried later (through the chain's pipeline, so events stay in order).
   */
  async catchUp(): Promise<void> {
    if (this.opts.signal.aborted) return;
    try {
      await this.publishMissing();
    } catch (err) {
      this.opts.log.warn('publishing chain events failed; will retry', { err });
      clearTimeout(this.retry);
      this.retry = setTimeout(() => {
        void this.chain.serial(() => this.catchUp());
      }, this.opts.retryMs ?? 1000);
    }
  }

  private async publishMissing(): Promise<void> {
    const tip = this.chain.tip;
    const marker = this.marker;
    if (marker?.block === tip.key) return;
    let epoch = marker?.epoch ?? 0;
    let from = 0;
    if (marker) {
      const node = this.chain.index.get(marker.block);
      if (node && this.chain.index.onMain(node)) {
        from = node.height + 1;
      } else {
        const reorg = await this.detachedSince(marker);
        epoch++;
        if (reorg) {
          await this.publishReorg(
            reorg.forkPoint,
            reorg.detached,
            this.chain.index.mainFrom(reorg.forkPoint.height + 1),
            epoch,
          );
          from = reorg.forkPoint.height + 1;
        } else {
          from = 0; // the marker's block is unknown to the store: publish the whole main chain
        }
      }
    }
    let sinceSaved = 0;
    for (const node of this.chain.index.mainFrom(from)) {
      if (this.opts.signal.aborted) break;
      this.opts.crash?.('before-publish', node.height);
      const bytes = await this.chain.blockBytes(node);
      const effects = this.opts.effects?.get(node.key);
      const effectsSize = effects === undefined ? 0 : effectsBytes(effects);
      const fits = this.fits(bytes.length + effectsSize, node);
      const ack = await this.js.publish(
        this.committedSubject,
        chainV1.BlockCommitted,
        {
          ref: { blockId: buf(node.id), height: BigInt(node.height) },
          ...(fits ? { block: { bytes: buf(bytes) } } : {}),
          // Without the body, the effects alone still spare the followers a fetch and a decode.
          ...(effects !== undefined && (fits || effectsSize <= this.maxEventBytes())
            ? {
                effects: {
                  txIds: effects.txIds.map(buf),
                  consumedOutputIds: effects.consumedOutputIds.map(buf),
                  createdOutputIds: effects.createdOutputIds.map(buf),
                },
              }
            : {}),
        },
        { msgId: `${node.key}.committed.${epoch}`, height: BigInt(node.height) },
      );
      if (!ack.duplicate) this.published++;
      this.opts.effects?.forget(node.key);
      this.opts.crash?.('after-publish', node.height);
      this.marker = { epoch, height: node.height, block: node.key };
      if (++sinceSaved >= MARKER_EVERY) {
        this.saveMarker(this.marker);
        sinceSaved = 0;
      }
    }
    if (sinceSaved > 0 && this.marker) this.saveMarker(this.marker);
  }

  /** The blocks (tip first) on the marker's branch above its fork point with the current main chain. */
  private async detachedSince(
    marker: EventMarker,
  ): Promise<{ forkPoint: IndexNode; detached: { id: Uint8Array; height: number }[] } | undefined> {
    const detached: { id: Uint8Array; height: number }[] = [];
    let id = unhex(marker.block);
    for (;;) {
      const node = this.chain.index.get(hex(id));
      if (node && this.chain.index.onMain(node)) return { forkPoint: node, detached };
      const entry = await this.durable.getBlockIndex(this.opts.chainId, id);
      if (!entry || entry.height === 0) return undefined;
      detached.push({ id, height: entry.height });
      id = entry.parentId;
    }
  }

  private async publishReorg(
    forkPoint: IndexNode,
    detached: readonly { id: Uint8Array; height: number }[],
    attached: readonly IndexNode[],
    epoch: number,
  ): Promise<void> {
    const detachedBlocks: { bytes: Buffer }[] = [];
    for (const d of detached) {
      const bytes = await this.durable.getBlockBody(this.opts.chainId, d.id);
      if (bytes) detachedBlocks.push({ bytes: buf(bytes) });
    }
    const attachedBlocks: { bytes: Buffer }[] = [];
    for (const n of attached) attachedBlocks.push({ bytes: buf(await this.chain.blockBytes(n)) });
    const newTip = attached[attached.length - 1] ?? forkPoint;
    const ack = await this.js.publish(
      this.reorgedSubject,
      chainV1.BlockReorged,
      {
        forkPoint: { blockId: buf(forkPoint.id), height: BigInt(forkPoint.height) },
        detached: detachedBlocks,
        attached: attachedBlocks,
      },
      { msgId: `${newTip.key}.reorged.${epoch}`, height: BigInt(forkPoint.height) },
    );
    if (!ack.duplicate) this.published++;
    this.opts.log.info('reorganization published', {
      fork: forkPoint.height,
      detached: detached.length,
      attached: attached.length,
    });
  }

  /** Whether `size` bytes of blocks fit one message; logged when not (raise the server's max_payload). */
  private fits(size: number, node: IndexNode): boolean {
    const max = this.maxEventBytes();
    if (size <= max) return true;
    this.opts.log.error('event too large for the NATS max payload: published without its block bodies', {
      block: node.key,
      height: node.height,
      bytes: size,
      max_payload: max + 64 * 1024,
    });
    return false;
  }

  /** The most bytes of blocks and effects one event carries (the payload, less room for the rest). */
  private maxEventBytes(): number {
    return (this.opts.maxPayload?.() ?? Number.POSITIVE_INFINITY) - 64 * 1024;
  }

  private saveMarker(marker: EventMarker): void {
    const tmp = `${this.markerPath}.tmp`;
    writeFileSync(tmp, JSON.stringify(marker));
    renameSync(tmp, this.markerPath);
    this.marker = marker;
  }
}

/** About the encoded size of `effects` (32-byte ids, each with its tag and length). */
function effectsBytes(effects: BlockTxEffects): number {
  return 34 * (effects.txIds.length + effects.consumedOutputIds.length + effects.createdOutputIds.length);
}

export function refOf(node: IndexNode): { blockId: Uint8Array; height: bigint } {
  return { blockId: node.id, height: BigInt(node.height) };
}
