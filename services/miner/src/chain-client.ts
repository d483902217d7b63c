// The gRPC side of the interfaces in types.ts: the validator's ChainService (tip, blocks,
// SubmitBlock) and the mempool's ReapTxs. Blocks travel as consensus bytes and are decoded here.
import { chainV1, mempoolV1 } from '@bystack/proto';
import { type Block, decodeBlock, encodeBlock } from '@bystack/protocol';
import {
  createGrpcClient,
  type GrpcClient,
  type Logger,
  RpcError,
  RpcErrorCode,
  type ServiceMetrics,
  statusOfCode,
} from '@bystack/runtime';
import type { BlockDisposition, BlockRef, BlockSink, ChainReader, SubmitOutcome, TxSource } from './types.ts';

export type ChainClient = GrpcClient<typeof chainV1.ChainServiceService>;
export type MempoolClient = GrpcClient<typeof mempoolV1.MempoolServiceService>;

export type ClientOptions = {
  readonly deadlineMs: number;
  readonly metrics?: ServiceMetrics;
  readonly log?: Logger;
};

/**
 * The validator's client. SubmitBlock is idempotent (a block is keyed by its id; a repeat is
 * DUPLICATE), so it is retried like the reads, but only on UNAVAILABLE: a deadline may have let
 * the validator see the block, and a rejection is final.
 */
export function createValidatorClient(address: string, opts: ClientOptions): ChainClient {
  return createGrpcClient(chainV1.ChainServiceService, address, {
    idempotent: ['getTip', 'getBlock', 'submitBlock'],
    retry: { maxAttempts: 8, initialBackoffMs: 100, maxBackoffMs: 1_000, retryOn: [statusOfCode('UNAVAILABLE')] },
    deadlineMs: opts.deadlineMs,
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
}

/** The mempool's client: ReapTxs is a read; one quick retry, then the template goes without. */
export function createMempoolClient(address: string, opts: ClientOptions): MempoolClient {
  return createGrpcClient(mempoolV1.MempoolServiceService, address, {
    idempotent: ['reapTxs'],
    retry: { maxAttempts: 2, initialBackoffMs: 50, retryOn: [statusOfCode('UNAVAILABLE')] },
    deadlineMs: opts.deadlineMs,
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
}

function refOf(ref: chainV1.BlockRef | undefined, what: string): BlockRef {
  if (ref === undefined || ref.blockId.length !== 32) {
    throw new RpcError(RpcErrorCode.DataLoss, `the validator answered ${what} without a block ref`, {
      status: statusOfCode(RpcErrorCode.DataLoss),
    });
  }
  return { id: new Uint8Array(ref.blockId), height: ref.height };
}

function blockOf(raw: chainV1.RawBlock | undefined, what: string): Block {
  if (raw === undefined) {
    throw new RpcError(RpcErrorCode.DataLoss, `the validator answered ${what} without a block`, {
      status: statusOfCode(RpcErrorCode.DataLoss),
    });
  }
  return decodeBlock(raw.bytes);
}

const dispositions: Record<number, BlockDisposition> = {
  [chainV1.BlockDisposition.BLOCK_DISPOSITION_CONNECTED]: 'connected',
  [chainV1.BlockDisposition.BLOCK_DISPOSITION_SIDE_BRANCH]: 'side_branch',
  [chainV1.BlockDisposition.BLOCK_DISPOSITION_ORPHAN]: 'orphan',
  [chainV1.BlockDisposition.BLOCK_DISPOSITION_DUPLICATE]: 'duplicate',
};

/** ChainReader and BlockSink over the validator's ChainService. */
export class GrpcChain implements ChainReader, BlockSink {
  readonly #client: ChainClient;
  readonly #chain: { chainId: string };

  constructor(client: ChainClient, chainId: string) {
    this.#client = client;
    this.#chain = { chainId };
  }

  async getTip(signal?: AbortSignal): Promise<BlockRef> {
    const res = await this.#client.getTip({ chain: this.#chain }, signal ? { signal } : {});
    return refOf(res.tip, 'GetTip');
  }

  async getBlockById(id: Uint8Array, signal?: AbortSignal): Promise<Block> {
    const res = await this.#client.getBlock(
      { chain: this.#chain, selector: { $case: 'blockId', value: Buffer.from(id) } },
      signal ? { signal } : {},
    );
    return blockOf(res.block, 'GetBlock');
  }

  async getBlockByHeight(height: bigint, signal?: AbortSignal): Promise<{ ref: BlockRef; block: Block }> {
    const res = await this.#client.getBlock(
      { chain: this.#chain, selector: { $case: 'height', value: height } },
      signal ? { signal } : {},
    );
    return { ref: refOf(res.ref, 'GetBlock'), block: blockOf(res.block, 'GetBlock') };
  }

  async submitBlock(block: Block, signal?: AbortSignal): Promise<SubmitOutcome> {
    const res = await this.#client.submitBlock(
      { chain: this.#chain, block: { bytes: Buffer.from(encodeBlock(block)) } },
      signal ? { signal } : {},
    );
    return { ref: refOf(res.ref, 'SubmitBlock'), disposition: dispositions[res.disposition] ?? 'unspecified' };
  }
}

/** TxSource over the mempool's ReapTxs. */
export class GrpcTxSource implements TxSource {
  readonly #client: MempoolClient;
  readonly #chain: { chainId: string };

  constructor(client: MempoolClient, chainId: string) {
    this.#client = client;
    this.#chain = { chainId };
  }

  async reapTxs(maxGas: number, maxTxs: number, signal?: AbortSignal): Promise<readonly Uint8Array[]> {
    const res = await this.#client.reapTxs(
      { chain: this.#chain, maxGas: BigInt(maxGas), maxTxs },
      signal ? { signal } : {},
    );
    return res.txs.map((t) => t.bytes);
  }
}
