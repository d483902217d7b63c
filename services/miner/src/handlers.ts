// minerV1.MinerService over the Miner: GetWork, SubmitWork, GetMinerStatus.
import type { minerV1 } from '@bystack/proto';
import { encodeBlockHeader } from '@bystack/protocol';
import type { ServiceImplementation } from '@bystack/runtime';
import { MinerError, MinerErrorCode } from './errors.ts';
import type { Miner } from './miner.ts';

export type MinerServiceImpl = ServiceImplementation<typeof minerV1.MinerServiceService>;

function checkChain(chain: { chainId: string } | undefined, chainId: string): void {
  if (chain !== undefined && chain.chainId !== '' && chain.chainId !== chainId) {
    throw new MinerError(MinerErrorCode.UnknownChain, `this miner mines chain ${chainId}, not ${chain.chainId}`, {
      chainId: chain.chainId,
    });
  }
}

export function createMinerService(miner: Miner, chainId: string): MinerServiceImpl {
  return {
    getWork: async (req) => {
      checkChain(req.chain, chainId);
      const t = await miner.getWork();
      return {
        workId: t.workId,
        header: Buffer.from(encodeBlockHeader({ ...t.header, nonce: 0n })),
        seed: Buffer.from(t.seed),
        bits: t.bits,
        height: t.height,
      };
    },
    submitWork: async (req) => {
      const outcome = await miner.submitWork(req.workId, req.nonce);
      return { ref: { blockId: Buffer.from(outcome.ref.id), height: outcome.ref.height } };
    },
    getMinerStatus: (req) => {
      checkChain(req.chain, chainId);
      const s = miner.status();
      return {
        mining: s.mining,
        threads: s.threads,
        hashesPerSecond: s.hashesPerSecond,
        templateHeight: s.templateHeight,
        blocksFound: s.blocksFound,
      };
    },
  };
}
