// PSWV stage 1 across validator replicas. A replica is a process that verifies signature batches
// for the validators of a chain: it answers `bystack.<chain>.pswv.verify` in the queue group "pswv"
// (each batch goes to one free replica) with its own verifier pool. A validator configured with
// `pswvReplicaRequests` > 0 spreads each verifyAll over its own pool and the replicas
// (createSpreadingSignatureVerifier): a batch a replica does not answer in time goes back to the
// local pool, so a replica killed at any moment costs time, never a verdict. The same goes for
// slices of a block's transaction checks on `bystack.<chain>.pswv.checktxs` (createReplicaTxChecker,
// spread by createSpreadingTxChecker; tx-check-wire.ts has their encoding).
import { chainV1 } from '@bystack/proto';
import {
  type Ed25519SignatureSet,
  packSignatureSets,
  type SignatureVerifier,
  SignatureVerifierError,
  TxCheckPoolError,
  type TxRangeChecker,
  unpackSignatureSets,
} from '@bystack/protocol';
import { type BusSubscription, type NatsBus, subject } from '@bystack/runtime';
import { txChecksOf, txRangeJobOf, txSliceRequestOf, txSliceResponseOf } from './tx-check-wire.ts';

/** The subject replicas of `chainId` answer on, and their queue group. */
export function replicaSubject(chainId: string) {
  return subject(chainId, 'pswv', 'verify');
}
export const REPLICA_QUEUE = 'pswv';

/** The subject replicas of `chainId` answer transaction check slices on (same queue group). */
export function replicaTxCheckSubject(chainId: string) {
  return subject(chainId, 'pswv', 'checktxs');
}

/** Serves signature batches for the chain's validators with `verifier` (the replica's pool). */
export function serveSignatureBatches(
  bus: NatsBus,
  chainId: string,
  verifier: SignatureVerifier,
  concurrency: number,
): BusSubscription {
  return bus.reply(
    replicaSubject(chainId),
    chainV1.VerifySignaturesRequest,
    chainV1.VerifySignaturesResponse,
    async (request) => {
      const packed = request.packedSets;
      const buffer = packed.buffer.slice(packed.byteOffset, packed.byteOffset + packed.byteLength) as ArrayBuffer;
      const verdicts = await verifier.verifyAll(unpackSignatureSets(buffer));
      return { verdicts: Buffer.from(verdicts.map((v) => (v ? 1 : 0))) };
    },
    { queue: REPLICA_QUEUE, concurrency },
  );
}

/** A SignatureVerifier that hands its sets to one of the chain's replicas (one request per call). */
export function createReplicaVerifier(bus: NatsBus, chainId: string, timeoutMs: number): SignatureVerifier {
  let closed = false;
  return {
    async verifyAll(sets: readonly Ed25519SignatureSet[]) {
      if (closed) throw new SignatureVerifierError('CLOSED', 'replica verifier is closed');
      const packable: number[] = [];
      sets.forEach((s, i) => {
        if (s.publicKey.length === 32 && s.signature.length === 64) packable.push(i);
      });
      const verdicts = new Array<boolean>(sets.length).fill(false);
      if (packable.length === 0) return verdicts;
      const response = await bus.request(
        replicaSubject(chainId),
        chainV1.VerifySignaturesRequest,
        { packedSets: Buffer.from(packSignatureSets(sets, packable)) },
        chainV1.VerifySignaturesResponse,
        { timeoutMs },
      );
      if (response.verdicts.length !== packable.length) {
        throw new SignatureVerifierError(
          'BAD_BATCH',
          `a replica answered ${response.verdicts.length} verdicts for ${packable.length} sets`,
        );
      }
      packable.forEach((setIndex, j) => {
        verdicts[setIndex] = response.verdicts[j] === 1;
      });
      return verdicts;
    },
    async close() {
      closed = true;
    },
  };
}

/**
 * Serves slices of the chain's blocks' transaction checks with `checker` (the replica's TxCheckPool).
 * A request that is no slice is answered with a ValidatorError BAD_REQUEST (the bus sends its code).
 */
export function serveTxCheckSlices(
  bus: NatsBus,
  chainId: string,
  checker: TxRangeChecker,
  concurrency: number,
): BusSubscription {
  return bus.reply(
    replicaTxCheckSubject(chainId),
    chainV1.CheckTxSliceRequest,
    chainV1.CheckTxSliceResponse,
    async (request) => txSliceResponseOf(await checker.checkTxRange(txRangeJobOf(request))),
    { queue: REPLICA_QUEUE, concurrency },
  );
}

/** A TxRangeChecker that hands each slice to one of the chain's replicas. */
export function createReplicaTxChecker(bus: NatsBus, chainId: string, timeoutMs: number): TxRangeChecker {
  let closed = false;
  return {
    async checkTxRange(job) {
      if (closed) throw new TxCheckPoolError('CLOSED', 'replica tx checker is closed');
      const response = await bus.request(
        replicaTxCheckSubject(chainId),
        chainV1.CheckTxSliceRequest,
        txSliceRequestOf(job),
        chainV1.CheckTxSliceResponse,
        { timeoutMs },
      );
      return txChecksOf(response, job);
    },
    async close() {
      closed = true;
    },
  };
}
