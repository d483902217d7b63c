// The gRPC side of the interfaces in types.ts: the node's validator (chainV1.ChainService with the
// side chain's id: GetTip, GetBlock, SubmitBlock) and mempool (mempoolV1.MempoolService ReapTxs).
// Blocks travel as consensus bytes and are decoded here. The producer set is computed from the
// validator's blocks by the vote tally (vote-tally.ts).
import { chainV1, mempoolV1 } from '@bystack/proto';
import {
  decodeSideBlockHead,
  encodeSideBlockHeader,
  type SideBlock,
  type SideBlockHead,
  type SideChainParams,
  VoteTally,
} from '@bystack/protocol';
import {
  createGrpcClient,
  type GrpcClient,
  isRpcError,
  type Logger,
  type ServiceMetrics,
  statusOfCode,
} from '@bystack/runtime';
import { type BbftBlock, decodeBlock, encodeBlock } from './block-bytes.ts';
import { ownBytes } from './bytes.ts';
import type {
  BlockValidator,
  ReapedTxs,
  RoundInfo,
  SideBlockRef,
  SideChainView,
  TxSource,
  UnfollowedBlock,
  ValidationVerdict,
} from './types.ts';

export type ChainClient = GrpcClient<typeof chainV1.ChainServiceService>;
export type MempoolClient = GrpcClient<typeof mempoolV1.MempoolServiceService>;

export type ClientOptions = {
  readonly deadlineMs: number;
  readonly metrics?: ServiceMetrics | undefined;
  readonly log?: Logger | undefined;
};

/** The validator's client: reads and SubmitBlock (keyed by block id, so a repeat is DUPLICATE) retried on UNAVAILABLE. */
export function createValidatorClient(address: string, opts: ClientOptions): ChainClient {
  return createGrpcClient(chainV1.ChainServiceService, address, {
    idempotent: ['getTip', 'getBlock', 'submitBlock'],
    retry: { maxAttempts: 3, initialBackoffMs: 50, maxBackoffMs: 250, retryOn: [statusOfCode('UNAVAILABLE')] },
    deadlineMs: opts.deadlineMs,
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
}

/** The mempool's client: ReapTxs is a read; one quick retry, then the block goes without. */
export function createMempoolClient(address: string, opts: ClientOptions): MempoolClient {
  return createGrpcClient(mempoolV1.MempoolServiceService, address, {
    idempotent: ['reapTxs'],
    retry: { maxAttempts: 2, initialBackoffMs: 25, retryOn: [statusOfCode('UNAVAILABLE')] },
    deadlineMs: opts.deadlineMs,
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
}

function callOpts(signal?: AbortSignal) {
  return signal ? { signal } : {};
}

function refOf(ref: chainV1.BlockRef | undefined): SideBlockRef | undefined {
  return ref === undefined || ref.blockId.length !== 32 ? undefined : { id: ownBytes(ref.blockId), height: ref.height };
}

function isNotFound(err: unknown): boolean {
  return isRpcError(err) && err.grpcStatus === statusOfCode('NOT_FOUND');
}

/** SideChainView over the validator's ChainService, with the producer sets from the vote tally. */
export class GrpcSideChainView implements SideChainView {
  readonly tally: VoteTally;
  readonly #client: ChainClient;
  readonly #chain: { chainId: string };

  constructor(client: ChainClient, params: SideChainParams, genesis: SideBlock) {
    this.#client = client;
    this.#chain = { chainId: params.chainId };
    // The tally reads blocks to their header only: it keeps headers, and reads the votes from the rest.
    this.tally = new VoteTally({ params, genesis }, (id, signal) => this.#getBlockHeadById(id, signal));
  }

  async getTip(signal?: AbortSignal): Promise<SideBlockRef> {
    const res = await this.#client.getTip({ chain: this.#chain }, callOpts(signal));
    const tip = refOf(res.tip);
    if (tip === undefined) throw new Error('the validator answered GetTip without a tip');
    return tip;
  }

  async getIrreversible(signal?: AbortSignal): Promise<SideBlockRef | undefined> {
    const res = await this.#client.getTip({ chain: this.#chain }, callOpts(signal));
    return refOf(res.irreversible);
  }

  async getBlockById(id: Uint8Array, signal?: AbortSignal): Promise<SideBlock | undefined> {
    const bytes = await this.#blockBytesById(id, signal);
    return bytes === undefined ? undefined : decodeBlock(bytes);
  }

  async #getBlockHeadById(id: Uint8Array, signal?: AbortSignal): Promise<SideBlockHead | undefined> {
    const bytes = await this.#blockBytesById(id, signal);
    return bytes === undefined ? undefined : decodeSideBlockHead(bytes);
  }

  async #blockBytesById(id: Uint8Array, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    try {
      const res = await this.#client.getBlock(
        { chain: this.#chain, selector: { $case: 'blockId', value: Buffer.from(id) } },
        callOpts(signal),
      );
      return res.block?.bytes;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async getBlockByHeight(height: bigint, signal?: AbortSignal): Promise<SideBlock | undefined> {
    try {
      const res = await this.#client.getBlock(
        { chain: this.#chain, selector: { $case: 'height', value: height } },
        callOpts(signal),
      );
      return res.block === undefined ? undefined : decodeBlock(res.block.bytes);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  roundAfter(parentId: Uint8Array, signal?: AbortSignal): Promise<RoundInfo> {
    return this.tally.roundAfter(parentId, signal);
  }

  noteBlock(block: BbftBlock, id: Uint8Array): void {
    this.tally.noteBlock(block, id);
  }
}

const dispositions = {
  [chainV1.BlockDisposition.BLOCK_DISPOSITION_CONNECTED]: 'connected',
  [chainV1.BlockDisposition.BLOCK_DISPOSITION_SIDE_BRANCH]: 'side_branch',
  [chainV1.BlockDisposition.BLOCK_DISPOSITION_DUPLICATE]: 'duplicate',
  [chainV1.BlockDisposition.BLOCK_DISPOSITION_CHECKED]: 'checked',
} as Record<number, 'connected' | 'side_branch' | 'duplicate' | 'checked' | undefined>;

/** Statuses with which a validator rejects the block itself (anything else is a failure to ask). */
const REJECTIONS: ReadonlySet<number> = new Set([
  statusOfCode('INVALID_ARGUMENT'),
  statusOfCode('FAILED_PRECONDITION'),
]);

/** BlockValidator over SubmitBlock: the validator checks everything and files the block if it is valid. */
export class GrpcBlockValidator implements BlockValidator {
  readonly #client: ChainClient;
  readonly #chain: { chainId: string };

  constructor(client: ChainClient, chainId: string) {
    this.#client = client;
    this.#chain = { chainId };
  }

  /**
   * Sends the header alone first: the validator most often holds the block's transactions already
   * (it checked this producer's own block a moment ago; it filed another producer's block before
   * that producer's peers asked), and a block's body is a megabyte at full load. If it does not, the
   * whole block follows.
   */
  async validateBlock(block: BbftBlock, signal?: AbortSignal): Promise<ValidationVerdict> {
    const header = { bytes: Buffer.from(encodeSideBlockHeader(block.header)) };
    try {
      return await this.#submit({ chain: this.#chain, header }, signal);
    } catch (err) {
      if (!isRpcError(err) || err.code !== 'UNKNOWN_BLOCK_BODY') throw err;
    }
    return this.#submit({ chain: this.#chain, block: { bytes: Buffer.from(encodeBlock(block)) } }, signal);
  }

  checkBlock(block: SideBlock, signal?: AbortSignal): Promise<ValidationVerdict> {
    return this.#submit(
      { chain: this.#chain, block: { bytes: Buffer.from(encodeBlock(block)) }, checkOnly: true },
      signal,
    );
  }

  async #submit(request: chainV1.SubmitBlockRequest, signal?: AbortSignal): Promise<ValidationVerdict> {
    try {
      const res = await this.#client.submitBlock(request, callOpts(signal));
      if (res.disposition === chainV1.BlockDisposition.BLOCK_DISPOSITION_ORPHAN) return { kind: 'orphan' };
      const disposition = dispositions[res.disposition];
      if (disposition === undefined) throw new Error(`the validator answered disposition ${res.disposition}`);
      return { kind: 'valid', disposition };
    } catch (err) {
      if (isRpcError(err) && REJECTIONS.has(err.grpcStatus)) {
        return { kind: 'invalid', code: err.code, message: err.message };
      }
      throw err;
    }
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

  async reapTxs(maxGas: number, maxTxs: number, signal?: AbortSignal, onBlock?: UnfollowedBlock): Promise<ReapedTxs> {
    const res = await this.#client.reapTxs(
      {
        chain: this.#chain,
        maxGas: BigInt(maxGas),
        maxTxs,
        onBlock: onBlock && {
          block: { blockId: Buffer.from(onBlock.block.blockId), height: onBlock.block.height },
          parent: { blockId: Buffer.from(onBlock.parent.blockId), height: onBlock.parent.height },
          txIds: onBlock.txIds.map((id) => Buffer.from(id.buffer, id.byteOffset, id.byteLength)),
        },
      },
      callOpts(signal),
    );
    return {
      txs: res.txs.map((t) => t.bytes),
      ids: res.txIds,
      totalGas: res.totalGas,
      totalFee: res.totalFee,
      tip: res.tip && { height: res.tip.height, blockId: res.tip.blockId },
    };
  }
}
