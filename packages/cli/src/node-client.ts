// One node's APIs as the CLI uses them: ChainService on the validator, MempoolService on the mempool,
// through the runtime's typed gRPC client. Every failure is re-thrown with the service it came from,
// so the error sentence can say which service could not be reached or refused what.
import { chainV1, mempoolV1 } from '@bystack/proto';
import { type Block, decodeBlock } from '@bystack/protocol';
import { createGrpcClient, type GrpcClient } from '@bystack/runtime';
import type { Endpoints } from './endpoints.ts';
import type { ErrorContext } from './errors.ts';
import { toHex } from './hex.ts';
import type { ListedUtxo, UtxoChainReader } from './wallet/index.ts';

const errorContexts = new WeakMap<object, ErrorContext>();
/** Output ids per GetPendingSpends (the mempool takes 10,000). */
const PENDING_SPENDS_CHUNK = 5000;

/** Remembers the service a failed call went to, for the error sentence (the first one named stays). */
export function noteErrorContext(err: unknown, ctx: ErrorContext): void {
  if (typeof err === 'object' && err !== null && !errorContexts.has(err)) errorContexts.set(err, ctx);
}

/** The service an error came from, if a NodeClient call threw it. */
export function errorContextOf(err: unknown): ErrorContext | undefined {
  return typeof err === 'object' && err !== null ? errorContexts.get(err) : undefined;
}

export type TxStatusName = 'unknown' | 'pending' | 'confirmed' | 'irreversible';

export type TxStatusInfo = {
  readonly status: TxStatusName;
  readonly height: bigint | undefined;
  readonly blockId: Uint8Array | undefined;
  readonly confirmations: number;
};

const statusNames: Record<number, TxStatusName> = {
  [chainV1.TxStatus.TX_STATUS_PENDING]: 'pending',
  [chainV1.TxStatus.TX_STATUS_CONFIRMED]: 'confirmed',
  [chainV1.TxStatus.TX_STATUS_IRREVERSIBLE]: 'irreversible',
};

export class NodeClient implements UtxoChainReader {
  readonly endpoints: Endpoints;
  readonly chain: GrpcClient<typeof chainV1.ChainServiceService>;
  readonly mempool: GrpcClient<typeof mempoolV1.MempoolServiceService>;
  private readonly chainRef: { chainId: string };

  constructor(endpoints: Endpoints, deadlineMs = 15_000) {
    this.endpoints = endpoints;
    const opts = { deadlineMs };
    this.chain = createGrpcClient(chainV1.ChainServiceService, endpoints.validator, {
      ...opts,
      idempotent: ['getTip', 'getBlock', 'getTxStatus', 'listUtxos'],
    });
    this.mempool = createGrpcClient(mempoolV1.MempoolServiceService, endpoints.mempool, {
      ...opts,
      idempotent: ['getPoolInfo', 'getPendingTx'],
    });
    this.chainRef = { chainId: endpoints.chain.params.chainId };
  }

  close(): void {
    this.chain.close();
    this.mempool.close();
  }

  private async call<T>(service: 'validator' | 'mempool', run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      this.annotate(err, service);
      throw err;
    }
  }

  private annotate(err: unknown, service: 'validator' | 'mempool'): void {
    const address = service === 'validator' ? this.endpoints.validator : this.endpoints.mempool;
    noteErrorContext(err, { service, address });
  }

  async tip(): Promise<{ height: bigint; blockId: Uint8Array }> {
    const res = await this.call('validator', () => this.chain.getTip({ chain: this.chainRef }));
    return { height: res.tip?.height ?? 0n, blockId: res.tip?.blockId ?? new Uint8Array(32) };
  }

  async blockAt(height: bigint): Promise<Block> {
    const res = await this.call('validator', () =>
      this.chain.getBlock({ chain: this.chainRef, selector: { $case: 'height', value: height } }),
    );
    return decodeBlock(res.block?.bytes ?? new Uint8Array(0));
  }

  async blockById(blockId: Uint8Array): Promise<{ block: Block; height: bigint }> {
    const res = await this.call('validator', () =>
      this.chain.getBlock({ chain: this.chainRef, selector: { $case: 'blockId', value: Buffer.from(blockId) } }),
    );
    return { block: decodeBlock(res.block?.bytes ?? new Uint8Array(0)), height: res.ref?.height ?? 0n };
  }

  async listUtxos(controlProgram: Uint8Array): Promise<ListedUtxo[]> {
    const res = await this.call('validator', () =>
      this.chain.listUtxos({ chain: this.chainRef, controlProgram: Buffer.from(controlProgram) }),
    );
    return res.utxos.map((u) => ({
      outputId: new Uint8Array(u.outputId),
      assetId: new Uint8Array(u.assetId),
      amount: u.amount,
      controlProgram: new Uint8Array(u.controlProgram),
      height: u.height,
      coinbase: u.coinbase,
    }));
  }

  async txStatus(txId: Uint8Array): Promise<TxStatusInfo> {
    const res = await this.call('validator', () =>
      this.chain.getTxStatus({ chain: this.chainRef, txId: Buffer.from(txId) }),
    );
    return {
      status: statusNames[res.status] ?? 'unknown',
      height: res.block?.height,
      blockId: res.block?.blockId,
      confirmations: res.confirmations,
    };
  }

  /** Pending in this node's mempool? (The validator only knows the chain.) */
  async isPending(txId: Uint8Array): Promise<boolean> {
    const res = await this.call('mempool', () =>
      this.mempool.getPendingTx({ chain: this.chainRef, txId: Buffer.from(txId) }),
    );
    return res.pending;
  }

  /** Of `outputIds`, the hex ids of those this node's pending transactions spend. */
  async pendingSpends(outputIds: readonly Uint8Array[]): Promise<ReadonlySet<string>> {
    const spent = new Set<string>();
    for (let at = 0; at < outputIds.length; at += PENDING_SPENDS_CHUNK) {
      const ids = outputIds.slice(at, at + PENDING_SPENDS_CHUNK);
      const res = await this.call('mempool', () =>
        this.mempool.getPendingSpends({ chain: this.chainRef, outputIds: ids.map((id) => Buffer.from(id)) }),
      );
      res.spenderTxIds.forEach((spender, i) => {
        if (spender.length > 0) spent.add(toHex(ids[i]!));
      });
    }
    return spent;
  }

  async submitTx(bytes: Uint8Array): Promise<Uint8Array> {
    const res = await this.call('mempool', () =>
      this.mempool.submitTx({ chain: this.chainRef, tx: { bytes: Buffer.from(bytes) } }),
    );
    return new Uint8Array(res.txId);
  }

  async poolInfo(): Promise<{ txCount: number; totalBytes: bigint; minFeeRate: bigint }> {
    return this.call('mempool', () => this.mempool.getPoolInfo({ chain: this.chainRef }));
  }

  /** New blocks after the tip (or after `fromHeight`), as the validator streams them. */
  async *watchBlocks(
    opts: { fromHeight?: bigint; signal?: AbortSignal } = {},
  ): AsyncGenerator<chainV1.WatchBlocksResponse> {
    const request = {
      chain: this.chainRef,
      fromHeight: opts.fromHeight ?? 0n,
      fromTip: opts.fromHeight === undefined,
    };
    try {
      yield* this.chain.watchBlocks(request, opts.signal ? { signal: opts.signal } : {});
    } catch (err) {
      this.annotate(err, 'validator');
      throw err;
    }
  }
}
