// Network-wide block traffic (core NATS, crosses between nodes):
//   bystack.<chain>.net.block      BlockAnnounce: this validator announces the blocks it accepted from
//                                  its node (SubmitBlock); it runs other nodes' announcements through
//                                  its pipeline (its own are ignored by origin_node).
//   bystack.<chain>.net.getblocks  request/reply: served from this validator's main chain (blocks after
//                                  the first locator id it has on its main chain, height order, bounded
//                                  by count and by the server's max payload); asked when an orphan
//                                  arrives, gathering every peer's reply, and repeated from the last
//                                  block received until a round brings nothing new.
import { chainV1 } from '@bystack/proto';
import type { Logger, NatsBus, Subject } from '@bystack/runtime';
import { subject } from '@bystack/runtime';
import type { IndexNode } from './block-index.ts';
import { buf, hex } from './bytes.ts';
import { rejectionOf } from './errors.ts';
import { type AnyChain, BlockDisposition } from './pipeline.ts';

export type NetSyncOptions = {
  readonly chainId: string;
  readonly nodeId: string;
  /** Blocks per getblocks request (asked and served). */
  readonly batch: number;
  /** Blocks per PSWV window (1: block by block). */
  readonly window: number;
  /** Longest one getblocks round waits for replies, ms. */
  readonly timeoutMs: number;
  readonly log: Logger;
  readonly signal: AbortSignal;
};

/** Rounds of one catch-up at most (each brings up to `batch` blocks from every peer). */
const MAX_ROUNDS = 1000;
/** A peer's reply this long after the previous one ends the round (later ones are asked again next round). */
const STALL_MS = 50;

export class NetSync {
  private readonly bus: NatsBus;
  private readonly chain: AnyChain;
  private readonly opts: NetSyncOptions;
  readonly blockSubject: Subject;
  readonly getBlocksSubject: Subject;
  private syncing: Promise<void> | undefined;
  private again = false;
  /** Blocks received through getblocks so far. */
  received = 0;

  constructor(bus: NatsBus, chain: AnyChain, opts: NetSyncOptions) {
    this.bus = bus;
    this.chain = chain;
    this.opts = opts;
    this.blockSubject = subject(opts.chainId, 'net', 'block');
    this.getBlocksSubject = subject(opts.chainId, 'net', 'getblocks');
  }

  /** Subscribes to announcements and serves getblocks. */
  start(): void {
    this.bus.subscribe(this.blockSubject, chainV1.BlockAnnounce, async (announce) => {
      if (announce.originNode === this.opts.nodeId || !announce.block) return;
      try {
        await this.chain.submit(announce.block.bytes, 'net');
      } catch (err) {
        const rejection = rejectionOf(err);
        if (!rejection) throw err;
        this.opts.log.info('announced block rejected', { origin: announce.originNode, code: rejection.code });
      }
    });
    this.bus.reply(this.getBlocksSubject, chainV1.GetBlocksRequest, chainV1.GetBlocksResponse, (request) =>
      this.serve(request),
    );
  }

  /** Tells the network about a block this node accepted. */
  announce(bytes: Uint8Array): void {
    try {
      this.bus.publish(this.blockSubject, chainV1.BlockAnnounce, {
        block: { bytes: buf(bytes) },
        originNode: this.opts.nodeId,
      });
    } catch (err) {
      this.opts.log.warn('block announcement failed', { err });
    }
  }

  /** Starts a catch-up (or asks the running one for another round). */
  requestMissing(): void {
    if (this.syncing) {
      this.again = true;
      return;
    }
    this.syncing = this.catchUp().finally(() => {
      this.syncing = undefined;
    });
  }

  /** Resolves when no catch-up is running. */
  async idle(): Promise<void> {
    while (this.syncing) await this.syncing;
  }

  /**
   * Locator rounds until one brings nothing new. The next round is asked for while this one's
   * blocks are validated: its locator starts at the last block of the longest reply (the peer that
   * sent it has it), so fetching and validating overlap.
   */
  private async catchUp(): Promise<void> {
    let from: IndexNode | undefined;
    let locator = locatorFrom(this.chain, this.chain.tip);
    let next: Promise<Uint8Array[][]> = this.fetch(locator);
    for (let round = 0; round < MAX_ROUNDS && !this.opts.signal.aborted; round++) {
      this.again = false;
      let replies: Uint8Array[][];
      try {
        replies = await next;
      } catch (err) {
        this.opts.log.warn('getblocks failed', { err });
        return;
      }
      const lastId = this.lastIdOf(replies);
      const prefetched = lastId ? this.fetch([lastId, ...locator]) : undefined;
      prefetched?.catch(() => {}); // awaited next round, or dropped when this one ends the catch-up
      let progressed = false;
      for (const blocks of replies) {
        for (let at = 0; at < blocks.length; at += this.opts.window) {
          if (this.opts.signal.aborted) return;
          const outcome = await this.chain.submitWindow(blocks.slice(at, at + this.opts.window), 'sync');
          this.received += outcome.results.length;
          for (const result of outcome.results) {
            if (result.disposition !== BlockDisposition.Duplicate) progressed = true;
            const node = this.chain.index.get(hex(result.id));
            if (node && (!from || node.height > from.height)) from = node;
          }
          if (outcome.rejection) {
            this.opts.log.info('synced block rejected', { code: rejectionOf(outcome.rejection)?.code });
            break; // the rest of this peer's reply descends from it
          }
        }
      }
      if (!progressed && !this.again) return;
      locator = locatorFrom(this.chain, from && this.chain.index.get(from.key) ? from : this.chain.tip);
      // The prefetch holds if the chain now ends where it started; else ask from where the chain stands.
      next = prefetched && lastId && from?.key === hex(lastId) ? prefetched : this.fetch(locator);
    }
  }

  /** The id of the last block of the longest reply (undefined when there is none or it does not decode). */
  private lastIdOf(replies: readonly Uint8Array[][]): Uint8Array | undefined {
    const longest = replies.reduce<Uint8Array[] | undefined>((a, b) => (a && a.length >= b.length ? a : b), undefined);
    if (!longest || longest.length === 0) return undefined;
    try {
      return this.chain.blockIdOf(longest.at(-1)!);
    } catch {
      return undefined;
    }
  }

  /** One getblocks round: every peer's reply (this validator's own answer is empty: it has its tip). */
  private async fetch(locator: Uint8Array[]): Promise<Uint8Array[][]> {
    const request = chainV1.GetBlocksRequest.encode({ locator: locator.map(buf), maxBlocks: this.opts.batch }).finish();
    const replies = await this.bus.connection.requestMany(this.getBlocksSubject, request, {
      strategy: 'stall',
      stall: Math.min(STALL_MS, this.opts.timeoutMs),
      maxWait: this.opts.timeoutMs,
    });
    const out: Uint8Array[][] = [];
    try {
      for await (const m of replies) {
        if (m.data.length === 0) continue;
        try {
          const response = chainV1.GetBlocksResponse.decode(m.data);
          if (response.blocks.length > 0) out.push(response.blocks.map((b) => b.bytes));
        } catch {
          this.opts.log.warn('undecodable getblocks reply', { size: m.data.length });
        }
      }
    } catch (err) {
      // No responder at all (503) or the connection closing: nothing more to gather.
      this.opts.log.debug('getblocks round ended', { err });
    }
    return out;
  }

  /** Serves a peer's getblocks from the main chain. */
  private async serve(request: chainV1.GetBlocksRequest): Promise<chainV1.GetBlocksResponse> {
    const { index } = this.chain;
    let start: number | undefined;
    for (const id of request.locator.slice(0, 200)) {
      const node = index.get(hex(id));
      if (node && index.onMain(node)) {
        start = node.height + 1;
        break;
      }
    }
    if (start === undefined) return { blocks: [] };
    const max = Math.max(1, Math.min(request.maxBlocks || this.opts.batch, this.opts.batch));
    const maxPayload = (this.bus.connection.info?.max_payload ?? 1024 * 1024) - 64 * 1024;
    const nodes = index.mainFrom(start).slice(0, max);
    const blocks: { bytes: Buffer }[] = [];
    let size = 0;
    for (const node of nodes) {
      const bytes = await this.chain.blockBytes(node);
      size += bytes.length + 8;
      if (blocks.length > 0 && size > maxPayload) break;
      blocks.push({ bytes: buf(bytes) });
    }
    return { blocks };
  }
}

/** A block locator from `node` back: one by one for 10 blocks, then doubling steps, then genesis. */
export function locatorFrom(chain: AnyChain, node: IndexNode): Uint8Array[] {
  const out: Uint8Array[] = [];
  let step = 1;
  for (let h = node.height; h > 0; h -= step) {
    out.push(chain.index.ancestor(node, h).id);
    if (out.length >= 10) step *= 2;
  }
  const genesis = chain.index.mainAt(0);
  if (genesis) out.push(genesis.id);
  return out;
}
