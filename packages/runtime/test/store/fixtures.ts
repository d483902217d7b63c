// Deterministic chains of blocks for the store tests: a ChainBuilder makes BlockCommits (ids are
// sha256 of labels, so a child process rebuilds exactly the same blocks) and keeps the expected UTXO
// set after every height, the model the stores are compared with.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { BlockCommit, DurableStore, UtxoRecord } from '../../src/store/index.ts';

export function hashId(label: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(label).digest());
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

const enc = new TextEncoder();

export type NextOptions = {
  /** How many of the oldest unspent outputs to spend, or 'all' (default 2). */
  readonly spend?: number | 'all';
  /** How many outputs to create (default 3). */
  readonly create?: number;
  /** Also spend one of the block's own new outputs (default false). */
  readonly spendOwn?: boolean;
};

export class ChainBuilder {
  readonly chain: string;
  readonly label: string;
  readonly blocks: BlockCommit[];
  /** UTXO set (by hex id) after the block at each height. */
  private readonly states: Map<string, UtxoRecord>[];

  constructor(chain: string, label = 'a', blocks: BlockCommit[] = [], states: Map<string, UtxoRecord>[] = []) {
    this.chain = chain;
    this.label = label;
    this.blocks = blocks;
    this.states = states;
  }

  get height(): number {
    return this.blocks.length - 1;
  }

  get tip(): BlockCommit {
    return this.blocks[this.blocks.length - 1]!;
  }

  /** The expected UTXO set after `height` (-1: empty). */
  utxosAt(height = this.height): Map<string, UtxoRecord> {
    return new Map(height < 0 ? [] : this.states[height]);
  }

  /** Output ids created by the block at `height`. */
  createdAt(height: number): Uint8Array[] {
    return this.blocks[height]!.created.map((r) => r.outputId);
  }

  next(opts: NextOptions = {}): BlockCommit {
    const height = this.blocks.length;
    const state = this.utxosAt(height - 1);
    const spendCount = opts.spend === 'all' ? state.size : Math.min(opts.spend ?? 2, state.size);
    const spent = [...state.values()].slice(0, spendCount).map((r) => r.outputId);
    const created: UtxoRecord[] = [];
    for (let i = 0; i < (opts.create ?? 3); i++) {
      created.push({
        outputId: hashId(`${this.chain}/${this.label}/${height}/out/${i}`),
        assetId: hashId(`asset/${i % 3}`),
        amount: BigInt(height) * 1_000_000n + BigInt(i),
        controlProgram: enc.encode(`program-${i}`.repeat(1 + (i % 4))),
        height,
        coinbase: i === 0,
      });
    }
    if (opts.spendOwn && created.length > 0) spent.push(created[created.length - 1]!.outputId);
    const txCount = Math.max(1, Math.ceil(created.length / 2));
    const block: BlockCommit = {
      chain: this.chain,
      height,
      blockId: hashId(`${this.chain}/${this.label}/${height}/block`),
      parentId: height === 0 ? new Uint8Array(0) : this.blocks[height - 1]!.blockId,
      header: enc.encode(`header ${this.label} ${height}`),
      work: BigInt(height + 1) * 1000n,
      blockBytes: enc.encode(`body ${this.label} ${height}`),
      txIds: Array.from({ length: txCount }, (_, j) => hashId(`${this.chain}/${this.label}/${height}/tx/${j}`)),
      spent,
      created,
    };
    for (const r of created) state.set(hex(r.outputId), r);
    for (const id of spent) state.delete(hex(id));
    this.blocks.push(block);
    this.states.push(state);
    return block;
  }

  /** A builder sharing this chain up to `height`, whose later blocks get new ids (`label`). */
  fork(height: number, label: string): ChainBuilder {
    return new ChainBuilder(this.chain, label, this.blocks.slice(0, height + 1), this.states.slice(0, height + 1));
  }
}

/** The durable store's whole UTXO set of a chain, by hex id. */
export async function durableUtxos(store: DurableStore, chain: string): Promise<Map<string, UtxoRecord>> {
  const out = new Map<string, UtxoRecord>();
  for await (const batch of store.scanUtxos(chain, 7)) for (const r of batch) out.set(hex(r.outputId), r);
  return out;
}

/** Sorted `hex(id) -> record` lines, for comparing UTXO sets with a readable diff. */
export function utxoLines(set: Map<string, UtxoRecord>): string[] {
  return [...set.values()]
    .map(
      (r) =>
        `${hex(r.outputId)} ${hex(r.assetId)} ${r.amount} ${hex(r.controlProgram)} ${r.height} ${r.coinbase ? 'cb' : '-'}`,
    )
    .sort();
}

/** Every key of the Redis server with its type and full binary content, sorted: a comparable dump. */
export async function dumpRedis(redis: Redis): Promise<string[]> {
  const lines: string[] = [];
  const keys = (await redis.keys('*')).sort();
  for (const key of keys) {
    const type = await redis.type(key);
    if (type === 'hash') {
      const flat = (await redis.callBuffer('HGETALL', key)) as Buffer[];
      const fields: string[] = [];
      for (let i = 0; i < flat.length; i += 2)
        fields.push(`${flat[i]!.toString('hex')}=${flat[i + 1]!.toString('hex')}`);
      lines.push(`${key} hash ${fields.length}`, ...fields.sort().map((f) => `  ${f}`));
    } else if (type === 'string') {
      lines.push(`${key} string ${((await redis.getBuffer(key)) ?? Buffer.alloc(0)).toString('hex')}`);
    } else {
      lines.push(`${key} ${type}`);
    }
  }
  return lines;
}

/** The chain the tiered tests and their child processes both build: `count` blocks of a few outputs. */
export function sampleChain(chain: string, count: number, label = 'a'): ChainBuilder {
  const b = new ChainBuilder(chain, label);
  for (let h = 0; h < count; h++) b.next({ spend: 3, create: 6, spendOwn: h % 3 === 2 });
  return b;
}

/** Blocks where each spends every output of the one before: any half-applied block is visible. */
export function readerChain(blocks: number): ChainBuilder {
  const b = new ChainBuilder('main');
  b.next({ spend: 0, create: 500 });
  for (let h = 1; h < blocks; h++) b.next({ spend: 'all', create: 500 });
  return b;
}

/** Two chains sharing blocks 0-1 and competing at height 2 ('a' and its fork 'b', spending the same outputs). */
export function conflictChain(): { main: ChainBuilder; fork: ChainBuilder } {
  const main = new ChainBuilder('main');
  main.next({ spend: 0, create: 20 });
  main.next({ spend: 5, create: 10 });
  const fork = main.fork(1, 'b');
  main.next({ spend: 8, create: 12, spendOwn: true });
  fork.next({ spend: 8, create: 12 });
  return { main, fork };
}
