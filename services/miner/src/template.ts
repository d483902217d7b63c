// Block templates (Bytom v1.1.1 mining/mining.go NewBlockTemplate, with this chain's rules from the
// protocol core): on the validator's tip, the retarget's bits, the seed of the height, a timestamp
// past the median of the last blocks, the mempool's transactions under the block gas cap (each
// re-checked statelessly at this height, so one the height expires is left out with its
// descendants), and a coinbase paying the subsidy plus the fees to the miner's program.
import { randomBytes } from 'node:crypto';
import {
  type Block,
  type BlockHeader,
  BTM_ASSET_ID,
  blockSubsidy,
  createTxEntries,
  decodeTx,
  type MainChainParams,
  nextBits,
  pastMedianTime,
  retargetCompareHeight,
  seedBlockHeight,
  seedForHeight,
  type Tx,
  type TxEntries,
  txMerkleRoot,
  txStatusMerkleRoot,
  validateTxStateless,
} from '@bystack/protocol';
import type { Logger } from '@bystack/runtime';
import { toHex } from './bytes.ts';
import type { BlockRef, ChainReader, Template, TxSource } from './types.ts';

export type TemplateBuilderOptions = {
  readonly params: MainChainParams;
  /** The control program the coinbase pays. */
  readonly program: Uint8Array;
  /** Most mempool transactions per template. */
  readonly maxTxs: number;
  /** Epoch milliseconds (default Date.now). */
  readonly now?: () => number;
  /** Headers kept in memory by block id (default 4096). */
  readonly headerCacheSize?: number;
};

export type TemplateBuilderModules = {
  readonly chain: ChainReader;
  /** Undefined: coinbase-only templates. */
  readonly txs?: TxSource | undefined;
  readonly log: Logger;
};

/** Counts of what a build left out, for logs and metrics. */
export type TemplateStats = { readonly reaped: number; readonly dropped: number; readonly reapFailed: boolean };

const BLOCK_VERSION = 1n;
const TX_VERSION = 1n;

/** Bytom's coinbase data: a zero byte, then the height in decimal (mining.createCoinbaseTx). */
export function coinbaseArbitrary(height: bigint): Uint8Array {
  return Uint8Array.of(0, ...new TextEncoder().encode(height.toString()));
}

/** The coinbase of block `height`: one input, one output of `amount` to `program`. */
export function createCoinbaseTx(height: bigint, amount: bigint, program: Uint8Array): Tx {
  return {
    version: TX_VERSION,
    timeRange: 0n,
    inputs: [{ type: 'coinbase', arbitrary: coinbaseArbitrary(height) }],
    outputs: [{ assetId: BTM_ASSET_ID, amount, controlProgram: program }],
  };
}

/** A template's block with `nonce` set. */
export function templateBlock(template: Template, nonce: bigint): Block {
  return { header: { ...template.header, nonce }, transactions: template.transactions };
}

export class TemplateBuilder {
  readonly #params: MainChainParams;
  readonly #program: Uint8Array;
  readonly #maxTxs: number;
  readonly #now: () => number;
  readonly #chain: ChainReader;
  readonly #txs: TxSource | undefined;
  readonly #log: Logger;
  readonly #headers = new Map<string, BlockHeader>();
  readonly #cacheSize: number;
  #lastStats: TemplateStats = { reaped: 0, dropped: 0, reapFailed: false };

  constructor(opts: TemplateBuilderOptions, modules: TemplateBuilderModules) {
    this.#params = opts.params;
    this.#program = opts.program;
    this.#maxTxs = opts.maxTxs;
    this.#now = opts.now ?? Date.now;
    this.#cacheSize = opts.headerCacheSize ?? 4096;
    this.#chain = modules.chain;
    this.#txs = modules.txs;
    this.#log = modules.log;
  }

  get lastStats(): TemplateStats {
    return this.#lastStats;
  }

  /** A template on `tip` (a block the validator has; normally its tip). */
  async build(tip: BlockRef, signal?: AbortSignal): Promise<Template> {
    const params = this.#params;
    const parent = await this.#header(tip.id, signal);
    if (parent.height !== tip.height) {
      throw new Error(`block ${toHex(tip.id)} has height ${parent.height}, not ${tip.height}`);
    }
    const height = tip.height + 1n;

    // The parent and its ancestors, newest first, as far as the median time needs.
    const ancestry: Uint8Array[] = [tip.id];
    const pastTimestamps: bigint[] = [parent.timestamp];
    const wanted = Math.min(params.medianTimeBlocks, Number(tip.height) + 1);
    let cursor = parent;
    while (pastTimestamps.length < wanted) {
      const id = cursor.previousBlockId;
      cursor = await this.#header(id, signal);
      ancestry.push(id);
      pastTimestamps.push(cursor.timestamp);
    }
    const ancestorAt = async (h: number): Promise<{ id: Uint8Array; header: BlockHeader }> => {
      const depth = Number(tip.height) - h;
      const id = ancestry[depth];
      if (id !== undefined) return { id, header: await this.#header(id, signal) };
      const found = await this.#chain.getBlockByHeight(BigInt(h), signal);
      this.#remember(found.ref.id, found.block.header);
      return { id: found.ref.id, header: found.block.header };
    };

    const compareHeight = retargetCompareHeight(Number(tip.height), params);
    const compareTimestamp = compareHeight === undefined ? 0n : (await ancestorAt(compareHeight)).header.timestamp;
    const bits = nextBits(
      { height: Number(tip.height), timestamp: parent.timestamp, bits: parent.bits },
      compareTimestamp,
      params,
    );
    const seedHeight = seedBlockHeight(Number(height), params);
    const seed = seedForHeight(
      Number(height),
      params,
      seedHeight === undefined ? undefined : (await ancestorAt(seedHeight)).id,
    );

    const median = pastMedianTime(pastTimestamps, tip.height, params);
    const now = BigInt(Math.floor(this.#now() / 1000));
    const timestamp = now > median ? now : median + 1n;

    const { txs, entries, fees, gasUsed } = await this.#selectTxs(height, signal);
    const coinbase = createCoinbaseTx(height, blockSubsidy(params, Number(height)) + fees, this.#program);
    const transactions = [coinbase, ...txs];
    const txIds = [createTxEntries(coinbase).txId, ...entries.map((e) => e.txId)];
    const header: BlockHeader = {
      version: BLOCK_VERSION,
      height,
      previousBlockId: tip.id,
      timestamp,
      transactionsMerkleRoot: txMerkleRoot(txIds),
      transactionStatusHash: txStatusMerkleRoot(transactions.map(() => false)),
      nonce: 0n,
      bits,
    };
    return {
      workId: `${height}-${randomBytes(6).toString('hex')}`,
      parent: tip,
      height,
      header,
      transactions,
      seed,
      bits,
      fees,
      gasUsed,
      ancestry,
      createdAt: this.#now(),
    };
  }

  /** Gas a coinbase uses (none under Bytom's rules, but asked of the protocol, not assumed). */
  #coinbaseGas(height: bigint): number {
    const coinbase = createCoinbaseTx(height, blockSubsidy(this.#params, Number(height)), this.#program);
    const checked = validateTxStateless(coinbase, createTxEntries(coinbase), {
      params: this.#params,
      blockHeight: height,
      txIndex: 0,
    });
    return checked.gasUsed;
  }

  async #selectTxs(
    height: bigint,
    signal: AbortSignal | undefined,
  ): Promise<{ txs: Tx[]; entries: TxEntries[]; fees: bigint; gasUsed: number }> {
    const maxGas = this.#params.gas.maxBlockGas;
    let gasUsed = this.#coinbaseGas(height);
    const txs: Tx[] = [];
    const entries: TxEntries[] = [];
    let fees = 0n;
    let raw: readonly Uint8Array[] = [];
    let reapFailed = false;
    if (this.#txs !== undefined && this.#maxTxs > 0) {
      try {
        raw = await this.#txs.reapTxs(maxGas - gasUsed, this.#maxTxs, signal);
      } catch (err) {
        if (signal?.aborted) throw err;
        reapFailed = true;
        this.#log.warn('mempool unreachable: template without transactions', {
          code: (err as { code?: unknown }).code,
          err: (err as Error).message,
        });
      }
    }
    // Outputs of left-out transactions: a transaction spending one is left out too.
    const missing = new Set<string>();
    let dropped = 0;
    for (const bytes of raw.slice(0, this.#maxTxs)) {
      let tx: Tx;
      let txEntries: TxEntries;
      try {
        tx = decodeTx(bytes);
        txEntries = createTxEntries(tx);
      } catch (err) {
        dropped++;
        this.#log.warn('mempool gave an undecodable transaction; left out', { err: (err as Error).message });
        continue;
      }
      const leaveOut = (reason: string, code?: unknown) => {
        dropped++;
        for (const id of txEntries.outputIds) missing.add(toHex(id));
        this.#log.debug('transaction left out of the template', { tx: toHex(txEntries.txId), reason, code });
      };
      if (txEntries.spentOutputIds.some((id) => id !== undefined && missing.has(toHex(id)))) {
        leaveOut('spends an output of a left-out transaction');
        continue;
      }
      let checked: { fee: bigint; gasUsed: number };
      try {
        checked = validateTxStateless(tx, txEntries, {
          params: this.#params,
          blockHeight: height,
          txIndex: txs.length + 1,
        });
      } catch (err) {
        leaveOut('invalid at this height', (err as { code?: unknown }).code);
        continue;
      }
      if (gasUsed + checked.gasUsed > maxGas) {
        leaveOut('over the block gas cap');
        continue;
      }
      gasUsed += checked.gasUsed;
      fees += checked.fee;
      txs.push(tx);
      entries.push(txEntries);
    }
    this.#lastStats = { reaped: raw.length, dropped, reapFailed };
    return { txs, entries, fees, gasUsed };
  }

  async #header(id: Uint8Array, signal: AbortSignal | undefined): Promise<BlockHeader> {
    const key = toHex(id);
    const cached = this.#headers.get(key);
    if (cached !== undefined) {
      // Most recently used last.
      this.#headers.delete(key);
      this.#headers.set(key, cached);
      return cached;
    }
    const block = await this.#chain.getBlockById(id, signal);
    this.#remember(id, block.header);
    return block.header;
  }

  #remember(id: Uint8Array, header: BlockHeader): void {
    const key = toHex(id);
    this.#headers.delete(key);
    this.#headers.set(key, header);
    while (this.#headers.size > this.#cacheSize) {
      const oldest = this.#headers.keys().next().value;
      if (oldest === undefined) break;
      this.#headers.delete(oldest);
    }
  }
}
