// mempoolV1.MempoolService over the Mempool. Rejections are MempoolErrors (stable code + status);
// SubmitTxBatch never fails for a transaction's fault: it answers one result per tx with its code.
import { type chainV1, commonV1, mempoolV1 } from '@bystack/proto';
import type { ChainTip, ServiceImplementation } from '@bystack/runtime';
import type { AdmitResult } from './admission.ts';
import { MempoolError, MempoolErrorCode } from './errors.ts';
import { asBuffer, hexKey } from './hex.ts';
import type { Mempool, UnfollowedBlock } from './mempool.ts';
import { encodeReapTxsResponse } from './reap-encoding.ts';

/** Most output ids in one GetPendingSpends. */
export const MAX_PENDING_SPENDS_QUERY = 10_000;

export type MempoolServiceOptions = {
  /** Most transactions in one SubmitTxBatch. */
  readonly maxBatchTxs: number;
};

/** The service as the server registers it: ReapTxs' answer, a block's worth of txs, written by `encodeReapTxsResponse`. */
export const mempoolServiceDefinition: typeof mempoolV1.MempoolServiceService = {
  ...mempoolV1.MempoolServiceService,
  reapTxs: { ...mempoolV1.MempoolServiceService.reapTxs, responseSerialize: encodeReapTxsResponse },
};

/** An empty chain id means "the chain this mempool serves". */
function checkChain(mempool: Mempool, ref: commonV1.ChainRef | undefined): void {
  const asked = ref?.chainId ?? '';
  if (asked !== '' && asked !== mempool.chain) {
    throw new MempoolError(MempoolErrorCode.UNKNOWN_CHAIN, `this mempool serves chain ${mempool.chain}, not ${asked}`, {
      chain: asked,
      served: mempool.chain,
    });
  }
}

function badOnBlock(message: string): never {
  throw new MempoolError(MempoolErrorCode.BAD_ON_BLOCK, `on_block: ${message}`);
}

function tipOf(ref: chainV1.BlockRef | undefined, name: string): ChainTip {
  if (ref === undefined || ref.blockId.length !== 32) badOnBlock(`${name} id is not 32 bytes`);
  if (ref.height > BigInt(Number.MAX_SAFE_INTEGER)) badOnBlock(`${name} height ${ref.height} is out of range`);
  return { blockId: ref.blockId, height: Number(ref.height) };
}

/** ReapTxs' `on_block`, checked: BAD_ON_BLOCK when it names no block or holds ids that are not 32 bytes. */
function unfollowedBlockOf(m: mempoolV1.UnfollowedBlock): UnfollowedBlock {
  const block = tipOf(m.block, 'block');
  const parent = tipOf(m.parent, 'parent');
  if (parent.height + 1 !== block.height) badOnBlock(`parent height ${parent.height}, block height ${block.height}`);
  const bad = m.txIds.findIndex((id) => id.length !== 32);
  if (bad >= 0) badOnBlock(`tx id ${bad} is not 32 bytes`);
  return { block, parent, txIds: m.txIds };
}

function resultOf(r: AdmitResult): mempoolV1.SubmitTxResult {
  if (r.ok) return { txId: asBuffer(r.tx.id), accepted: true, error: undefined };
  return {
    txId: asBuffer(r.txId ?? new Uint8Array(0)),
    accepted: false,
    error: commonV1.ErrorDetail.fromPartial({ code: r.error.code, message: r.error.message, fields: r.error.fields }),
  };
}

export function createMempoolService(
  mempool: Mempool,
  opts: MempoolServiceOptions,
): ServiceImplementation<typeof mempoolV1.MempoolServiceService> {
  return {
    async submitTx(req) {
      checkChain(mempool, req.chain);
      const r = await mempool.submit(req.tx?.bytes ?? new Uint8Array(0), 'api');
      if (!r.ok) throw r.error;
      return { txId: asBuffer(r.tx.id) };
    },

    async submitTxBatch(req) {
      checkChain(mempool, req.chain);
      if (req.txs.length > opts.maxBatchTxs) {
        throw new MempoolError(
          MempoolErrorCode.BATCH_TOO_LARGE,
          `${req.txs.length} txs in one batch; at most ${opts.maxBatchTxs}`,
          { txs: String(req.txs.length), maxBatchTxs: String(opts.maxBatchTxs) },
        );
      }
      const results = await mempool.submitBatch(
        req.txs.map((t) => t.bytes),
        'api',
      );
      return { results: results.map(resultOf) };
    },

    reapTxs(req) {
      checkChain(mempool, req.chain);
      const blockGas = BigInt(mempool.params.gas.maxBlockGas);
      const maxGas = req.maxGas === 0n || req.maxGas > blockGas ? blockGas : req.maxGas;
      const maxTxs = req.maxTxs === 0 ? Number.MAX_SAFE_INTEGER : req.maxTxs;
      const onBlock = req.onBlock === undefined ? undefined : unfollowedBlockOf(req.onBlock);
      const { txs, totalFee, totalGas, tip } = mempool.reap(Number(maxGas), maxTxs, onBlock);
      return {
        txs: txs.map((t) => ({ bytes: asBuffer(t.bytes) })),
        totalFee,
        totalGas: BigInt(totalGas),
        tip: tip === undefined ? undefined : { blockId: asBuffer(tip.blockId), height: BigInt(tip.height) },
        txIds: txs.map((t) => asBuffer(t.id)),
      };
    },

    getPoolInfo(req) {
      checkChain(mempool, req.chain);
      const info = mempool.info();
      return { txCount: info.txCount, totalBytes: BigInt(info.totalBytes), minFeeRate: info.minFeeRate };
    },

    getPendingSpends(req) {
      checkChain(mempool, req.chain);
      if (req.outputIds.length > MAX_PENDING_SPENDS_QUERY) {
        throw new MempoolError(
          MempoolErrorCode.BATCH_TOO_LARGE,
          `${req.outputIds.length} output ids in one query; at most ${MAX_PENDING_SPENDS_QUERY}`,
          { outputIds: String(req.outputIds.length), max: String(MAX_PENDING_SPENDS_QUERY) },
        );
      }
      const bad = req.outputIds.findIndex((id) => id.length !== 32);
      if (bad >= 0) {
        throw new MempoolError(MempoolErrorCode.BAD_OUTPUT_ID, `output id ${bad} is not 32 bytes`, {
          index: String(bad),
        });
      }
      const none = asBuffer(new Uint8Array(0));
      return {
        spenderTxIds: req.outputIds.map((id) => {
          const spender = mempool.pool.spenderOf(hexKey(id));
          return spender === undefined ? none : asBuffer(spender.id);
        }),
      };
    },

    getPendingTx(req) {
      checkChain(mempool, req.chain);
      const tx = req.txId.length === 32 ? mempool.pool.get(hexKey(req.txId)) : undefined;
      return tx === undefined
        ? { pending: false, tx: undefined }
        : { pending: true, tx: { bytes: asBuffer(tx.bytes) } };
    },
  };
}
