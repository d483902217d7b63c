// bbftV1.BbftService over the Bbft engine: GetStatus, ListEvidence.
import type { bbftV1, chainV1 } from '@bystack/proto';
import type { ServiceImplementation } from '@bystack/runtime';
import type { Bbft } from './bbft.ts';
import { BbftError, BbftErrorCode } from './errors.ts';
import type { SideBlockRef } from './types.ts';

export type BbftServiceImpl = ServiceImplementation<typeof bbftV1.BbftServiceService>;

function checkChain(chain: { chainId: string } | undefined, chainId: string): void {
  if (chain !== undefined && chain.chainId !== '' && chain.chainId !== chainId) {
    throw new BbftError(BbftErrorCode.UnknownChain, `this producer serves chain ${chainId}, not ${chain.chainId}`, {
      chainId: chain.chainId,
    });
  }
}

function ref(r: SideBlockRef | undefined): chainV1.BlockRef | undefined {
  return r === undefined ? undefined : { blockId: Buffer.from(r.id), height: r.height };
}

export function createBbftService(bbft: Bbft, chainId: string): BbftServiceImpl {
  const loaded = () => {
    if (bbft.tree === undefined) throw new BbftError(BbftErrorCode.NotReady, 'the producer is still loading its chain');
  };
  return {
    getStatus: (req) => {
      checkChain(req.chain, chainId);
      loaded();
      const s = bbft.status();
      return {
        chainId: s.chainId,
        producerXpub: Buffer.from(s.producerKey),
        isProducer: s.order !== undefined,
        order: s.order ?? 0,
        producerCount: s.producerCount,
        lastSigned: ref(s.lastSigned),
        irreversible: ref(s.irreversible),
        tip: ref(s.tip),
        blocksProduced: BigInt(s.blocksProduced),
        blocksSigned: BigInt(s.blocksSigned),
        signaturesRefused: BigInt(s.signaturesRefused),
        blocksRejected: BigInt(s.blocksRejected),
        evidenceCount: s.evidenceCount,
      };
    },
    listEvidence: (req) => {
      checkChain(req.chain, chainId);
      return {
        records: bbft.evidenceRecords().map((r) => ({
          evidence: Buffer.from(r.bytes),
          producerXpub: Buffer.from(r.evidence.producerKey),
          height: r.evidence.height,
          firstBlockId: Buffer.from(r.evidence.first.blockId),
          secondBlockId: Buffer.from(r.evidence.second.blockId),
          source: r.source,
          seenAtMs: BigInt(r.seenAtMs),
        })),
      };
    },
  };
}
