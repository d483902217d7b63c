// A side chain's tip as its validator holds it: the tip and the last irreversible block (more than
// 2/3 of the round's producers signed it). The launcher's progress lines and `bystack tip --chain
// side-1` read it; failures carry the validator's address for the error sentence.
import { chainV1 } from '@bystack/proto';
import { createGrpcClient, type GrpcClient } from '@bystack/runtime';
import { noteErrorContext } from './node-client.ts';

export type SideTip = {
  readonly height: bigint;
  readonly blockId: Uint8Array;
  readonly irreversibleHeight: bigint;
  readonly irreversibleId: Uint8Array;
};

export class SideChainClient {
  readonly chainId: string;
  readonly validator: string;
  readonly chain: GrpcClient<typeof chainV1.ChainServiceService>;

  constructor(chainId: string, validator: string, deadlineMs = 15_000) {
    this.chainId = chainId;
    this.validator = validator;
    this.chain = createGrpcClient(chainV1.ChainServiceService, validator, { deadlineMs, idempotent: ['getTip'] });
  }

  async tip(): Promise<SideTip> {
    try {
      const res = await this.chain.getTip({ chain: { chainId: this.chainId } });
      return {
        height: res.tip?.height ?? 0n,
        blockId: res.tip ? new Uint8Array(res.tip.blockId) : new Uint8Array(32),
        irreversibleHeight: res.irreversible?.height ?? 0n,
        irreversibleId: res.irreversible ? new Uint8Array(res.irreversible.blockId) : new Uint8Array(32),
      };
    } catch (err) {
      noteErrorContext(err, { service: 'validator', address: this.validator });
      throw err;
    }
  }

  close(): void {
    this.chain.close();
  }
}
