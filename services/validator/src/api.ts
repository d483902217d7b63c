// chainV1.ChainService: SubmitBlock and the chain queries, served from the validator's block index
// (memory) and its durable store (LMDB).
import { chainV1 } from '@bystack/proto';
import type { DurableStore, RpcCallContext, ServiceImplementation } from '@bystack/runtime';
import type { IndexNode } from './block-index.ts';
import { buf, hex } from './bytes.ts';
import { ValidatorError, ValidatorErrorCode } from './errors.ts';
import { refOf } from './events.ts';
import { type AnyChain, BlockDisposition, type BlockSource } from './pipeline.ts';

export type ChainServiceDeps = {
  readonly chain: AnyChain;
  readonly durable: DurableStore;
  /** Called with the bytes of every block SubmitBlock accepted (connected or side branch). */
  readonly onAccepted?: (bytes: Uint8Array) => void;
  /** Most UTXOs ListUtxos returns (default 10,000). */
  readonly maxUtxos?: number;
};

const dispositionOf = {
  [BlockDisposition.Connected]: chainV1.BlockDisposition.BLOCK_DISPOSITION_CONNECTED,
  [BlockDisposition.SideBranch]: chainV1.BlockDisposition.BLOCK_DISPOSITION_SIDE_BRANCH,
  [BlockDisposition.Orphan]: chainV1.BlockDisposition.BLOCK_DISPOSITION_ORPHAN,
  [BlockDisposition.Duplicate]: chainV1.BlockDisposition.BLOCK_DISPOSITION_DUPLICATE,
  [BlockDisposition.Checked]: chainV1.BlockDisposition.BLOCK_DISPOSITION_CHECKED,
} as const;

function ref(node: IndexNode): chainV1.BlockRef {
  const r = refOf(node);
  return { blockId: buf(r.blockId), height: r.height };
}

const view = (b: Uint8Array) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** The block a SubmitBlock names: its bytes, or its header alone for a block the chain holds the transactions of. */
function blockOf(
  request: chainV1.SubmitBlockRequest,
  chain: AnyChain,
): { readonly bytes: Uint8Array; readonly source: BlockSource } {
  const bytes = request.block?.bytes;
  const header = request.header?.bytes;
  const hasBlock = bytes !== undefined && bytes.length > 0;
  const hasHeader = header !== undefined && header.length > 0;
  if (hasBlock && hasHeader) {
    throw new ValidatorError(ValidatorErrorCode.BAD_REQUEST, 'a block and a header: send one of them', {
      field: 'header',
    });
  }
  if (hasBlock) return { bytes: view(bytes), source: 'rpc' };
  if (!hasHeader) throw new ValidatorError(ValidatorErrorCode.BAD_REQUEST, 'block bytes missing', { field: 'block' });
  const whole = chain.blockOfHeader(view(header));
  if (whole === undefined) {
    throw new ValidatorError(
      ValidatorErrorCode.UNKNOWN_BLOCK_BODY,
      "this validator holds no block with the header's id: submit the whole block",
    );
  }
  return { bytes: whole, source: 'rpc-header' };
}

export function createChainService(deps: ChainServiceDeps): ServiceImplementation<typeof chainV1.ChainServiceService> {
  const { chain, durable } = deps;
  const chainId = chain.chainId;
  const checkChain = (requested: { chainId: string } | undefined) => {
    const id = requested?.chainId ?? '';
    if (id !== '' && id !== chainId) {
      throw new ValidatorError(ValidatorErrorCode.UNKNOWN_CHAIN, `this validator follows chain ${chainId}, not ${id}`, {
        chain: id,
      });
    }
  };
  const checkId = (id: Uint8Array, field: string) => {
    if (id.length !== 32) {
      throw new ValidatorError(ValidatorErrorCode.BAD_REQUEST, `${field} must be 32 bytes, got ${id.length}`, {
        field,
      });
    }
  };

  return {
    async submitBlock(request) {
      checkChain(request.chain);
      const { bytes, source } = blockOf(request, chain);
      const result = await chain.submit(bytes, source, { checkOnly: request.checkOnly });
      if (result.disposition === BlockDisposition.Connected || result.disposition === BlockDisposition.SideBranch) {
        deps.onAccepted?.(bytes);
      }
      return {
        ref: { blockId: buf(result.id), height: BigInt(result.height) },
        disposition: dispositionOf[result.disposition],
      };
    },

    async getTip(request) {
      checkChain(request.chain);
      return { tip: ref(chain.tip), irreversible: ref(chain.irreversible) };
    },

    async getBlock(request) {
      checkChain(request.chain);
      const selector = request.selector;
      let node: IndexNode | undefined;
      let entry: { blockId: Uint8Array; height: number } | undefined;
      if (selector?.$case === 'height') {
        node =
          selector.value <= BigInt(Number.MAX_SAFE_INTEGER) ? chain.index.mainAt(Number(selector.value)) : undefined;
        if (!node) {
          throw new ValidatorError(
            ValidatorErrorCode.BLOCK_NOT_FOUND,
            `no main-chain block at height ${selector.value}`,
          );
        }
      } else if (selector?.$case === 'blockId') {
        checkId(selector.value, 'block_id');
        node = chain.index.get(hex(selector.value));
        if (!node) entry = await durable.getBlockIndex(chainId, selector.value);
        if (!node && !entry) {
          throw new ValidatorError(ValidatorErrorCode.BLOCK_NOT_FOUND, `no block ${hex(selector.value)}`);
        }
      } else {
        throw new ValidatorError(ValidatorErrorCode.BAD_REQUEST, 'give a block id or a height', { field: 'selector' });
      }
      const bytes = node ? await chain.blockBytes(node) : await durable.getBlockBody(chainId, entry!.blockId);
      if (!bytes) throw new ValidatorError(ValidatorErrorCode.BLOCK_NOT_FOUND, 'block body missing');
      const blockRef = node ? ref(node) : { blockId: buf(entry!.blockId), height: BigInt(entry!.height) };
      return { block: { bytes: buf(bytes) }, ref: blockRef };
    },

    async getTxStatus(request) {
      checkChain(request.chain);
      checkId(request.txId, 'tx_id');
      const location = await durable.getTxLocation(chainId, request.txId);
      const tip = chain.tip;
      if (!location || location.height > tip.height) {
        return { status: chainV1.TxStatus.TX_STATUS_UNKNOWN, confirmations: 0 };
      }
      return {
        status: chainV1.TxStatus.TX_STATUS_CONFIRMED,
        block: { blockId: buf(location.blockId), height: BigInt(location.height) },
        confirmations: tip.height - location.height + 1,
      };
    },

    async listUtxos(request) {
      checkChain(request.chain);
      if (request.controlProgram.length === 0) {
        throw new ValidatorError(ValidatorErrorCode.BAD_REQUEST, 'control program missing', {
          field: 'control_program',
        });
      }
      const records = await durable.getUtxosByProgram(chainId, request.controlProgram, deps.maxUtxos ?? 10_000);
      return {
        utxos: records.map((r) => ({
          outputId: buf(r.outputId),
          assetId: buf(r.assetId),
          amount: r.amount,
          controlProgram: buf(r.controlProgram),
          height: BigInt(r.height),
          coinbase: r.coinbase,
        })),
      };
    },

    watchBlocks(request, call) {
      checkChain(request.chain);
      return watchBlocks(chain, request, call);
    },
  };
}

/**
 * New main-chain blocks as they commit, from a start height (replayed from the store first). After a
 * reorganization the stream goes back to the fork point: the first block it sends from the new
 * branch has `reorg` set, and replaces every block sent before at or above its height.
 */
async function* watchBlocks(
  chain: AnyChain,
  request: chainV1.WatchBlocksRequest,
  call: RpcCallContext,
): AsyncGenerator<chainV1.WatchBlocksResponse> {
  const { index } = chain;
  let next: number;
  if (request.fromTip) next = chain.tip.height + 1;
  else if (request.fromHeight === 0n) next = 0;
  else next = Number(request.fromHeight) + 1;
  let last: IndexNode | undefined = next > 0 ? index.mainAt(next - 1) : undefined;
  let reorg = false;
  while (!call.signal.aborted) {
    const seen = chain.version;
    if (last && !index.onMain(last)) {
      const fork = index.forkPoint(last);
      next = fork.height + 1;
      last = fork;
      reorg = true;
    }
    const node = index.mainAt(next);
    if (!node) {
      await chain.changed(seen, call.signal);
      continue;
    }
    const bytes = await chain.blockBytes(node);
    if (!index.onMain(node)) continue;
    yield { ref: ref(node), block: { bytes: buf(bytes) }, reorg };
    reorg = false;
    last = node;
    next = node.height + 1;
  }
}
