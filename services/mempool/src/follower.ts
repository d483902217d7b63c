// Follows this node's chain events: a durable JetStream consumer on the stream the validator
// publishes to (`bystack.<chain>.<node>.committed` / `.reorged`), handled one at a time in stream
// order, a failing handler retried in place (a reorg whose re-admission cannot reach the hot tier is
// tried again, and nothing after it runs first). The consumer's ack floor is the checkpoint: after a
// restart the follower resumes there; a message handled but not acked before a crash is handled
// again, which changes nothing (removals and re-admissions are idempotent).
// The stream belongs to the validator; until it exists the follower waits for it. A new consumer
// starts right after what the hot tier already reflected when the pool read its starting tip, so
// no event published meanwhile is missed (see `streamStart`).
import { setTimeout as sleep } from 'node:timers/promises';
import { chainV1 } from '@bystack/proto';
import {
  type ChainTip,
  type ConsumerRun,
  type ConsumerStart,
  type DeclaredConsumer,
  isNatsError,
  type JetStreamBus,
  type Logger,
  NatsErrorCode,
  parseSubject,
  rawCodec,
  type StreamMessageContext,
} from '@bystack/runtime';
import { readCommittedEvent } from './committed-event.ts';
import { MempoolErrorCode } from './errors.ts';
import { hexKey } from './hex.ts';
import type { Mempool } from './mempool.ts';
import {
  type BlockEffects,
  type PendingTxLookup,
  type PoolBlock,
  poolBlockEffects,
  SETTLED,
  type WireTx,
  WireTxMatch,
} from './pool-chain.ts';

/** The part of JetStream the follower uses. */
export type FollowerJetStream = Pick<JetStreamBus, 'ensureConsumer' | 'consume' | 'manager'>;

/** JetStream's API error code for a missing stream (JetStreamApiCodes.StreamNotFound). */
const JS_STREAM_NOT_FOUND = 10059;

/**
 * Where a new consumer should start, read BEFORE the pool reads its starting tip: after the
 * stream's last message, or the whole stream when there is none yet (replaying events the pool
 * already reflects is harmless).
 */
export async function streamStart(js: FollowerJetStream, stream: string): Promise<ConsumerStart> {
  try {
    const { last_seq: last } = (await js.manager.streams.info(stream)).state;
    return last === 0 ? { from: 'all' } : { from: 'seq', seq: last + 1 };
  } catch (err) {
    if ((err as { code?: unknown } | null)?.code === JS_STREAM_NOT_FOUND) return { from: 'all' };
    throw err;
  }
}

export type ChainFollowerOptions = {
  readonly jetstream: () => Promise<FollowerJetStream>;
  readonly stream: string;
  readonly durable: string;
  readonly log: Logger;
  /** Stops waiting for the stream and consuming. */
  readonly signal: AbortSignal;
  /**
   * Where a new consumer starts (an existing one resumes): after the stream's last message as it
   * was before the pool read its starting tip (`streamEnd`), since the validator publishes a
   * block's event after committing it, so earlier events are already in the hot tier.
   */
  readonly start: ConsumerStart;
  /** Wait between looks for a missing stream, ms (default 1000). */
  readonly streamRetryMs?: number;
};

export class ChainFollower {
  readonly #o: ChainFollowerOptions;
  readonly #mempool: Mempool;
  #run: ConsumerRun | undefined;
  #started: Promise<void> | undefined;
  #stopped = false;
  #blocksDecoded = 0;

  constructor(opts: ChainFollowerOptions, mempool: Mempool) {
    this.#o = opts;
    this.#mempool = mempool;
  }

  /** Messages handled so far. */
  get handled(): number {
    return this.#run?.handled ?? 0;
  }

  /** Block bodies decoded so far (a committed event with the block's effects needs none). */
  get blocksDecoded(): number {
    return this.#blocksDecoded;
  }

  /** Settles when consuming stops: resolves after stop(), rejects on a fatal error. */
  get done(): Promise<void> {
    return this.#run?.done ?? Promise.resolve();
  }

  /** Starts in the background; resolves once consuming (or stopped before). */
  start(): Promise<void> {
    this.#started ??= this.#begin();
    return this.#started;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#run?.stop();
  }

  async #begin(): Promise<void> {
    const { stream, durable, log, signal } = this.#o;
    const js = await this.#o.jetstream();
    let declared: DeclaredConsumer | undefined;
    let warned = false;
    while (declared === undefined) {
      if (this.#stopped || signal.aborted) return;
      try {
        declared = await js.ensureConsumer({ stream, durable, start: this.#o.start });
      } catch (err) {
        if (!isNatsError(err, NatsErrorCode.StreamNotFound)) throw err;
        if (!warned) log.warn('chain event stream not there yet; waiting for the validator', { stream });
        warned = true;
        await sleep(this.#o.streamRetryMs ?? 1000, undefined, { signal }).catch(() => undefined);
      }
    }
    if (this.#stopped || signal.aborted) return;
    let handled = declared.ackFloor;
    this.#run = js.consume({ stream, durable }, rawCodec, (data, ctx) => this.#handle(data, ctx), {
      checkpoint: {
        load: async () => handled,
        save: async (seq) => {
          handled = seq;
        },
      },
      batch: 64,
    });
    log.info('following chain events', {
      stream,
      durable,
      consumer: declared.action,
      resume_after_seq: declared.ackFloor,
      start: this.#o.start,
    });
  }

  async #handle(data: Uint8Array, ctx: StreamMessageContext): Promise<void> {
    const { event } = parseSubject(ctx.subject);
    if (event === 'committed') this.#committed(data, ctx);
    else if (event === 'reorged') await this.#reorged(data, ctx);
  }

  #committed(data: Uint8Array, ctx: StreamMessageContext): void {
    let effects: BlockEffects;
    let tip: ChainTip;
    try {
      const event = readCommittedEvent(data);
      if (event.effects !== undefined && event.tip !== undefined) {
        // The validator says what the block's txs did: its body need not be decoded.
        effects = event.effects;
        tip = event.tip;
      } else {
        // An older validator's event, or one published after the validator restarted.
        const block = this.#decodeBlock(event.block, this.#mempool.pendingTx);
        effects = poolBlockEffects(block);
        tip = event.tip ?? block.tip;
      }
    } catch (err) {
      this.#o.log.error('undecodable committed event skipped', { seq: ctx.seq, err });
      return;
    }
    this.#mempool.applyCommitted(effects, tip);
  }

  #decodeBlock(bytes: Uint8Array, pending: PendingTxLookup): PoolBlock {
    this.#blocksDecoded++;
    return this.#mempool.rules.decodeBlock(bytes, pending);
  }

  async #reorged(data: Uint8Array, ctx: StreamMessageContext): Promise<void> {
    let forkPoint: { height: number; blockId: Uint8Array };
    let detached: PoolBlock<WireTx>[];
    let attached: PoolBlock[];
    try {
      const msg = chainV1.BlockReorged.decode(data);
      forkPoint = { height: Number(msg.forkPoint?.height ?? 0n), blockId: msg.forkPoint?.blockId ?? new Uint8Array(0) };
      // The detached txs as wire bytes: admission hashes those offered to it again.
      const wire = msg.detached.map((b) => {
        this.#blocksDecoded++;
        return this.#mempool.rules.wireTxs(b.bytes);
      });
      // An attached tx a detached block held too changes nothing the pool does not reflect already
      // (that block's commit took it and its conflicts out): it is neither hashed nor offered again.
      // (A tx spending its input, admitted while the hot tier was between the branches, is left to
      // the revalidation after the re-admission.)
      const both = new WireTxMatch(wire);
      const known: PendingTxLookup = (bytes) =>
        this.#mempool.pendingTx(bytes) ?? (both.find(bytes) ? SETTLED : undefined);
      attached = msg.attached.map((b) => this.#decodeBlock(b.bytes, known));
      detached = both.unfound(wire);
    } catch (err) {
      this.#o.log.error('undecodable reorged event skipped', { seq: ctx.seq, err });
      return;
    }
    const results = await this.#mempool.applyReorg(forkPoint, detached, attached);
    const unavailable = results.find((r) => !r.ok && r.error.code === MempoolErrorCode.UNAVAILABLE);
    if (unavailable !== undefined && !unavailable.ok) {
      // Retried in place by the consumer run: the removals are done, re-admission is idempotent.
      throw new Error(
        `re-admission after the reorg at ${hexKey(forkPoint.blockId)} failed: ${unavailable.error.message}`,
      );
    }
  }
}
