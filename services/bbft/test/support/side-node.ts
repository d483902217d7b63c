// A node's validator and mempool for one side chain, as real processes on the node's nats-server,
// redis-server and data dir (what the producers run against), with gRPC clients to both and reads of
// the chain as the validator holds it: blocks by id and height, its main chain, the round of a block
// (the protocol's vote tally over those blocks) and the owner of a block's slot.
import { SIDE_CHAINS, type SideChainName, type SideChainWiring, sideMempoolEnv, sideValidatorEnv } from '@bystack/cli';
import { chainV1, mempoolV1 } from '@bystack/proto';
import {
  createProducerSchedule,
  createSideDevnetGenesis,
  decodeSideBlock,
  encodeSideTx,
  producerSlotAt,
  type RoundInfo,
  type SideBlock,
  type SideChainParams,
  type SideTx,
  sideBlockId,
  VoteTally,
} from '@bystack/protocol';
import { createGrpcClient, type GrpcClient, isRpcError, statusOfCode } from '@bystack/runtime';
import { ProducerProcess } from './network.ts';
import { ServiceProcess } from './service-process.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export type { SideChainName };

export type SideNodeSetup = {
  readonly natsUrl: string;
  readonly redisUrl: string;
  readonly dataDir: string;
  readonly chain?: SideChainName;
  /** The node's id (default n0): several nodes on one nats-server and redis-server need their own. */
  readonly nodeId?: string;
  /** Whether the mempool gossips transactions to other nodes' mempools (default off: one node). */
  readonly gossip?: boolean;
  /** Extra environment of every process of the node, producers included (e.g. NODE_OPTIONS). */
  readonly env?: Record<string, string>;
};

/** A block the validator holds. */
export type HeldBlock = {
  readonly id: Uint8Array;
  readonly key: string;
  readonly block: SideBlock;
  readonly height: bigint;
  readonly parentKey: string;
};

function held(block: SideBlock): HeldBlock {
  const id = sideBlockId(block.header);
  return { id, key: hex(id), block, height: block.header.height, parentKey: hex(block.header.previousBlockId) };
}

export class SideNode {
  readonly setup: SideNodeSetup;
  /** The devnet launcher's wiring of the chain on this node (the producers take it too). */
  readonly wiring: SideChainWiring;
  readonly params: SideChainParams;
  readonly genesis: HeldBlock;
  readonly validator: ServiceProcess;
  readonly mempool: ServiceProcess;
  readonly tally: VoteTally;
  #chainClient: GrpcClient<typeof chainV1.ChainServiceService> | undefined;
  #mempoolClient: GrpcClient<typeof mempoolV1.MempoolServiceService> | undefined;

  constructor(setup: SideNodeSetup) {
    this.setup = setup;
    const name = setup.chain ?? 'side-devnet';
    this.params = SIDE_CHAINS[name];
    const genesis = createSideDevnetGenesis(this.params);
    this.genesis = held(genesis);
    const nodeId = setup.nodeId ?? 'n0';
    this.wiring = { chain: name, nodeId, natsUrl: setup.natsUrl, redisUrl: setup.redisUrl, dataDir: setup.dataDir };
    // The launcher's wiring plus the tests' own: a Redis prefix per node, one verifier thread each.
    const tuning = {
      BYSTACK_REDIS_PREFIX: setup.nodeId === undefined ? `bbft-${name}` : `bbft-${name}-${nodeId}`,
      BYSTACK_LOG_LEVEL: 'info',
    };
    this.validator = new ServiceProcess('validator', {
      ...sideValidatorEnv(this.wiring),
      ...tuning,
      BYSTACK_VERIFIER_THREADS: '1',
      ...setup.env,
    });
    this.mempool = new ServiceProcess('mempool', {
      ...sideMempoolEnv(this.wiring),
      ...tuning,
      BYSTACK_VERIFIER_WORKERS: '1',
      BYSTACK_GOSSIP: String(setup.gossip ?? false),
      ...setup.env,
    });
    this.tally = new VoteTally({ params: this.params, genesis }, async (id) => (await this.block(id))?.block);
  }

  /** Starts the validator, then the mempool (which follows the validator's events). */
  static async start(setup: SideNodeSetup): Promise<SideNode> {
    const node = new SideNode(setup);
    await node.validator.start();
    await node.mempool.start();
    return node;
  }

  /** The bbft process of devnet producer `index` on this node (not started); `withMempool`: it reaps txs. */
  producer(index: number, withMempool = true): ProducerProcess {
    return new ProducerProcess(this.wiring, {
      index,
      validatorAddr: this.validator.address,
      ...(withMempool ? { mempoolAddr: this.mempool.address } : {}),
      ...(this.setup.env ? { env: this.setup.env } : {}),
    });
  }

  get chainRef(): { chainId: string } {
    return { chainId: this.params.chainId };
  }

  get chain(): GrpcClient<typeof chainV1.ChainServiceService> {
    this.#chainClient ??= createGrpcClient(chainV1.ChainServiceService, this.validator.address, { deadlineMs: 5_000 });
    return this.#chainClient;
  }

  get pool(): GrpcClient<typeof mempoolV1.MempoolServiceService> {
    this.#mempoolClient ??= createGrpcClient(mempoolV1.MempoolServiceService, this.mempool.address, {
      deadlineMs: 5_000,
    });
    return this.#mempoolClient;
  }

  async stop(): Promise<void> {
    this.#chainClient?.close();
    this.#mempoolClient?.close();
    await this.mempool.stop();
    await this.validator.stop();
  }

  /** Submits transactions to the mempool; throws the first rejection. */
  async submitTxs(txs: readonly SideTx[]): Promise<void> {
    for (const tx of txs)
      await this.pool.submitTx({ chain: this.chainRef, tx: { bytes: Buffer.from(encodeSideTx(tx)) } });
  }

  async tip(): Promise<HeldBlock> {
    const { tip } = await this.chain.getTip({ chain: this.chainRef });
    return (await this.block(tip!.blockId))!;
  }

  async irreversible(): Promise<HeldBlock> {
    const { irreversible } = await this.chain.getTip({ chain: this.chainRef });
    return (await this.block(irreversible!.blockId))!;
  }

  /** A block the validator filed (any branch), or undefined. */
  block(id: Uint8Array): Promise<HeldBlock | undefined> {
    return this.#get({ $case: 'blockId', value: Buffer.from(id) });
  }

  /** The validator's main-chain block at `height`, or undefined above its tip. */
  atHeight(height: bigint): Promise<HeldBlock | undefined> {
    return this.#get({ $case: 'height', value: height });
  }

  /** The validator's main chain, genesis first. */
  async mainChain(): Promise<HeldBlock[]> {
    const out: HeldBlock[] = [];
    for (
      let b: HeldBlock | undefined = await this.tip();
      b !== undefined;
      b = await this.block(b.block.header.previousBlockId)
    ) {
      out.push(b);
      if (b.height === 0n) break;
    }
    return out.reverse();
  }

  roundAfter(parentId: Uint8Array): Promise<RoundInfo> {
    return this.tally.roundAfter(parentId);
  }

  /** The order of the producer owning the slot of `b`'s timestamp. */
  async ownerOf(b: HeldBlock): Promise<number> {
    const round = await this.roundAfter(b.block.header.previousBlockId);
    const schedule = createProducerSchedule(this.params.consensus, round.producers, round.electionTimestampMs);
    return producerSlotAt(schedule, b.block.header.timestamp).producer.order;
  }

  async #get(selector: chainV1.GetBlockRequest['selector']): Promise<HeldBlock | undefined> {
    try {
      const res = await this.chain.getBlock({ chain: this.chainRef, selector });
      return held(decodeSideBlock(res.block!.bytes));
    } catch (err) {
      if (isRpcError(err) && err.grpcStatus === statusOfCode('NOT_FOUND')) return undefined;
      throw err;
    }
  }
}
