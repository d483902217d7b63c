// A MempoolService for the miner's tests: ReapTxs answers with the transactions the test set, in
// that order, and records what was asked.
import { mempoolV1 } from '@bystack/proto';
import { type Block, createTxEntries, decodeTx, encodeTx, type Tx } from '@bystack/protocol';
import { createGrpcServer, RpcError, type ServiceHandle, startService } from '@bystack/runtime';

export type ReapRequest = { readonly maxGas: bigint; readonly maxTxs: number };

export class MempoolDouble {
  /** Raw bytes ReapTxs returns. */
  txs: Uint8Array[] = [];
  readonly requests: ReapRequest[] = [];
  #service: ServiceHandle<unknown, { port: number }> | undefined;

  get address(): string {
    if (this.#service === undefined) throw new Error('not started');
    return `127.0.0.1:${this.#service.modules.port}`;
  }

  setTxs(txs: readonly (Tx | Uint8Array)[]): void {
    this.txs = txs.map((t) => (t instanceof Uint8Array ? t : encodeTx(t)));
  }

  /** Drops the transactions `block` confirmed, as a mempool following committed blocks does. */
  removeConfirmed(block: Block): void {
    const confirmed = new Set(block.transactions.map((t) => Buffer.from(createTxEntries(t).txId).toString('hex')));
    this.txs = this.txs.filter((bytes) => {
      try {
        return !confirmed.has(Buffer.from(createTxEntries(decodeTx(bytes)).txId).toString('hex'));
      } catch {
        return true;
      }
    });
  }

  async start(): Promise<void> {
    const unimplemented = () => {
      throw new RpcError('UNIMPLEMENTED', 'not in the test double');
    };
    this.#service = await startService({
      name: 'mempool-double',
      configSchema: {},
      configSources: { env: { BYSTACK_SHUTDOWN_TIMEOUT: '5s' }, argv: [] },
      logSink: () => {},
      processMetrics: false,
      build: async (ctx) => {
        const grpc = createGrpcServer({ host: '127.0.0.1', port: 0, graceMs: 1_000, reflection: false }, ctx);
        grpc.addService(mempoolV1.MempoolServiceService, {
          reapTxs: (req) => {
            this.requests.push({ maxGas: req.maxGas, maxTxs: req.maxTxs });
            return {
              txs: this.txs.map((bytes) => ({ bytes: Buffer.from(bytes) })),
              // No ids, as a mempool from before tx_ids answers: the miner maps the txs itself.
              txIds: [],
              totalFee: 0n,
              totalGas: 0n,
              tip: undefined,
            };
          },
          submitTx: unimplemented,
          submitTxBatch: unimplemented,
          getPoolInfo: unimplemented,
          getPendingTx: unimplemented,
          getPendingSpends: unimplemented,
        });
        return { port: await grpc.start() };
      },
    });
  }

  async stop(): Promise<void> {
    await this.#service?.stop();
  }
}
