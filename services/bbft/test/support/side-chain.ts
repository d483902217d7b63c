// A node's validator and mempool for one side chain, in memory, behind a real gRPC server: the
// protocol's real side-chain validation (stateless checks with every signature verified, connect
// against the branch's UTXO set, the DPoS tally with its exact coinbase payouts), blocks kept by id
// with their branch state, the tip the longest branch (first seen among equals). The mempool part
// serves a fixed pool of peg-in transactions (cross-chain inputs the test federation signs) under
// the gas and count caps, skipping those already minted on the tip's branch.
import { Buffer } from 'node:buffer';
import { chainV1, mempoolV1 } from '@bystack/proto';
import {
  applyBlockVotes,
  BTM_ASSET_ID,
  type ConsensusResult,
  connectSideBlock,
  consensusBlockOf,
  createGenesisConsensusResult,
  createMultisigScript,
  createP2WSHProgram,
  createSideTxEntries,
  createSignatureVerifier,
  createUtxoOverlay,
  decodeSideBlock,
  devnetControlProgram,
  devnetXPrv,
  electionHeightOf,
  electProducers,
  encodeSideBlock,
  encodeSideTx,
  roundRewardPayouts,
  type SideBlock,
  type SideChainParams,
  type SideCrossChainInput,
  type SideTx,
  scriptToWitnessHash,
  sha3,
  sideBlockId,
  type UtxoOverlay,
  validateSideBlockStateless,
  validateSideTxStateless,
  verifySignatureSets,
  xprvSign,
  xprvToXPub,
  xpubToPublicKey,
} from '@bystack/protocol';
import {
  createGrpcServer,
  type GrpcServer,
  RpcError,
  type ServiceHandle,
  type ServiceImplementation,
  startService,
  statusOfCode,
} from '@bystack/runtime';

import type { RoundInfo } from '../../src/types.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const utf8 = (s: string) => new TextEncoder().encode(s);

// ---- the test federation and its peg-in transactions --------------------------------------------

const federationXPrv = devnetXPrv('federation', 0);
const federationScript = createMultisigScript([xpubToPublicKey(xprvToXPub(federationXPrv))], 1);
/** The federation's witness program the test validator enforces on cross-chain inputs. */
export const FEDERATION_PROGRAM = createP2WSHProgram(scriptToWitnessHash(federationScript));
const RECIPIENT = devnetControlProgram(xprvToXPub(devnetXPrv('recipient', 0)));
const PEG_AMOUNT = 1_000_000_000n;
const FEE = 10_000_000n;

/**
 * A peg-in of main-chain output number `n`: one cross-chain BTM input signed by the federation,
 * one output to a recipient, a fee. `forgedBy` signs it with another key instead (invalid).
 */
export function pegInTx(n: number, forgedBy?: Uint8Array): SideTx {
  const input: SideCrossChainInput = {
    type: 'crossChain',
    sourceId: sha3(utf8(`bbft test peg-in ${n}`)),
    assetId: BTM_ASSET_ID,
    amount: PEG_AMOUNT,
    sourcePosition: 0n,
    controlProgram: RECIPIENT,
    issuanceVmVersion: 1n,
    assetDefinition: utf8('{}'),
    issuanceProgram: new Uint8Array(0),
    arguments: [],
  };
  const unsigned: SideTx = {
    version: 1n,
    timeRange: 0n,
    inputs: [input],
    outputs: [{ type: 'intraChain', assetId: BTM_ASSET_ID, amount: PEG_AMOUNT - FEE, controlProgram: RECIPIENT }],
  };
  const sigHash = createSideTxEntries(unsigned).sigHashes[0]!;
  const signature = xprvSign(forgedBy ?? federationXPrv, sigHash);
  return { ...unsigned, inputs: [{ ...input, arguments: [signature, federationScript] }] };
}

// ---- the chain ----------------------------------------------------------------------------------

export type StoredBlock = {
  readonly id: Uint8Array;
  readonly key: string;
  readonly block: SideBlock;
  readonly height: bigint;
  readonly parentKey: string;
  readonly utxo: UtxoOverlay;
  readonly tally: ConsensusResult;
  readonly receivedAt: number;
};

export type Disposition = 'connected' | 'side_branch' | 'orphan' | 'duplicate';

type PoolTx = { readonly bytes: Uint8Array; readonly gas: number; readonly mintId: Uint8Array };

function rejection(code: string, message: string): RpcError {
  return new RpcError(code, message, { status: statusOfCode('INVALID_ARGUMENT') });
}

export class MemorySideChain {
  readonly params: SideChainParams;
  readonly genesis: StoredBlock;
  readonly blocks = new Map<string, StoredBlock>();
  /** Every refused submission: block key and the protocol's error code. */
  readonly rejections: { key: string; code: string }[] = [];
  readonly #pool: PoolTx[] = [];
  readonly #verifier = createSignatureVerifier();
  #tip: StoredBlock;

  constructor(params: SideChainParams, genesis: SideBlock) {
    this.params = params;
    const id = sideBlockId(genesis.header);
    this.genesis = {
      id,
      key: hex(id),
      block: genesis,
      height: 0n,
      parentKey: '',
      utxo: createUtxoOverlay(),
      tally: createGenesisConsensusResult(id),
      receivedAt: 0,
    };
    this.blocks.set(this.genesis.key, this.genesis);
    this.#tip = this.genesis;
  }

  get tip(): StoredBlock {
    return this.#tip;
  }

  /** Adds transactions to the pool (checked statelessly, as a mempool would). */
  addToPool(txs: readonly SideTx[]): void {
    for (const tx of txs) {
      const entries = createSideTxEntries(tx);
      const { gasUsed } = validateSideTxStateless(tx, entries, {
        params: this.params,
        consensus: this.params.consensus,
        federationProgram: FEDERATION_PROGRAM,
        blockHeight: 1n,
      });
      this.#pool.push({ bytes: encodeSideTx(tx), gas: gasUsed, mintId: entries.mainchainOutputIds[0]! });
    }
  }

  /** Pool transactions not minted on the tip's branch, within the caps. */
  reap(maxGas: number, maxTxs: number): { txs: Uint8Array[]; gas: number } {
    const txs: Uint8Array[] = [];
    let gas = 0;
    for (const t of this.#pool) {
      if (txs.length >= maxTxs) break;
      if (this.#tip.utxo.get(t.mintId) !== undefined || gas + t.gas > maxGas) continue;
      txs.push(t.bytes);
      gas += t.gas;
    }
    return { txs, gas };
  }

  /** The main branch from genesis to the tip. */
  mainChain(): StoredBlock[] {
    const out: StoredBlock[] = [];
    for (let b: StoredBlock | undefined = this.#tip; b !== undefined; b = this.blocks.get(b.parentKey)) out.push(b);
    return out.reverse();
  }

  atHeight(height: bigint): StoredBlock | undefined {
    return this.mainChain().find((b) => b.height === height);
  }

  /** The round of the block after `parentKey`, as the protocol defines it. */
  roundAfter(parentKey: string): RoundInfo {
    const parent = this.blocks.get(parentKey);
    if (parent === undefined) throw new Error(`no block ${parentKey}`);
    const height = parent.height + 1n;
    const electionHeight = electionHeightOf(this.params.consensus, height);
    let election = parent;
    while (election.height > electionHeight) election = this.blocks.get(election.parentKey)!;
    return {
      height,
      producers: electProducers(election.tally, this.params.consensus),
      electionTimestampMs: election.block.header.timestamp,
      payouts: election === parent ? roundRewardPayouts(election.tally, this.params.consensus) : [],
    };
  }

  /** SubmitBlock: full validation; throws an RpcError with the protocol's code when invalid. */
  async submit(bytes: Uint8Array): Promise<{ disposition: Disposition; block: StoredBlock | undefined }> {
    let block: SideBlock;
    try {
      block = decodeSideBlock(bytes);
    } catch (err) {
      throw rejection((err as { code?: string }).code ?? 'MALFORMED', (err as Error).message);
    }
    const id = sideBlockId(block.header);
    const key = hex(id);
    const known = this.blocks.get(key);
    if (known !== undefined) return { disposition: 'duplicate', block: known };
    const parent = this.blocks.get(hex(block.header.previousBlockId));
    if (parent === undefined) return { disposition: 'orphan', block: undefined };
    let stored: StoredBlock;
    try {
      const payouts = this.roundAfter(parent.key).payouts;
      const result = validateSideBlockStateless(block, {
        params: this.params,
        consensus: this.params.consensus,
        parent: { id: parent.id, height: parent.height, timestamp: parent.block.header.timestamp },
        now: BigInt(Date.now()),
        coinbaseAmount: payouts.reduce((sum, p) => sum + p.amount, 0n),
        federationProgram: FEDERATION_PROGRAM,
      });
      await verifySignatureSets(this.#verifier, result.signatureSets);
      const changes = connectSideBlock(parent.utxo, block, result.entries, this.params);
      const utxo = createUtxoOverlay(parent.utxo);
      utxo.apply(changes);
      const tally = applyBlockVotes(parent.tally, consensusBlockOf(block, id), this.params.consensus);
      stored = {
        id,
        key,
        block,
        height: block.header.height,
        parentKey: parent.key,
        utxo,
        tally,
        receivedAt: Date.now(),
      };
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'INVALID';
      this.rejections.push({ key, code });
      throw rejection(code, (err as Error).message);
    }
    this.blocks.set(key, stored);
    if (stored.height > this.#tip.height) {
      this.#tip = stored;
      return { disposition: 'connected', block: stored };
    }
    return { disposition: 'side_branch', block: stored };
  }
}

// ---- the gRPC server ----------------------------------------------------------------------------

const unimplemented = (): never => {
  throw new RpcError('UNIMPLEMENTED', 'not served by the test side chain');
};

const dispositionCode = {
  connected: chainV1.BlockDisposition.BLOCK_DISPOSITION_CONNECTED,
  side_branch: chainV1.BlockDisposition.BLOCK_DISPOSITION_SIDE_BRANCH,
  orphan: chainV1.BlockDisposition.BLOCK_DISPOSITION_ORPHAN,
  duplicate: chainV1.BlockDisposition.BLOCK_DISPOSITION_DUPLICATE,
} as const;

function ref(b: StoredBlock): chainV1.BlockRef {
  return { blockId: Buffer.from(b.id), height: b.height };
}

export type SideChainServer = {
  readonly chain: MemorySideChain;
  readonly address: string;
  stop(): Promise<void>;
};

/** Serves `chain` as chainV1.ChainService and mempoolV1.MempoolService on a free loopback port. */
export async function startSideChainServer(chain: MemorySideChain): Promise<SideChainServer> {
  const chainId = chain.params.chainId;
  const checkChain = (c: { chainId: string } | undefined) => {
    if (c !== undefined && c.chainId !== chainId) throw new RpcError('UNKNOWN_CHAIN', `not ${c.chainId}`);
  };
  const chainImpl: ServiceImplementation<typeof chainV1.ChainServiceService> = {
    submitBlock: async (req) => {
      checkChain(req.chain);
      const { disposition, block } = await chain.submit(new Uint8Array(req.block?.bytes ?? []));
      return {
        ref: block === undefined ? undefined : ref(block),
        disposition: dispositionCode[disposition],
      };
    },
    getTip: (req) => {
      checkChain(req.chain);
      return { tip: ref(chain.tip), irreversible: ref(chain.genesis) };
    },
    getBlock: (req) => {
      checkChain(req.chain);
      const s = req.selector;
      const found =
        s?.$case === 'blockId'
          ? chain.blocks.get(Buffer.from(s.value).toString('hex'))
          : s?.$case === 'height'
            ? chain.atHeight(s.value)
            : undefined;
      if (found === undefined) throw new RpcError('NOT_FOUND', 'no such block', { status: statusOfCode('NOT_FOUND') });
      return { block: { bytes: Buffer.from(encodeSideBlock(found.block)) }, ref: ref(found) };
    },
    getTxStatus: unimplemented,
    listUtxos: unimplemented,
    // biome-ignore lint/correctness/useYield: a stream that is not served
    watchBlocks: async function* () {
      unimplemented();
    },
  };
  const mempoolImpl: ServiceImplementation<typeof mempoolV1.MempoolServiceService> = {
    reapTxs: (req) => {
      checkChain(req.chain);
      const { txs, gas } = chain.reap(Number(req.maxGas), req.maxTxs);
      return {
        txs: txs.map((bytes) => ({ bytes: Buffer.from(bytes) })),
        totalFee: FEE * BigInt(txs.length),
        totalGas: BigInt(gas),
        tip: ref(chain.tip),
      };
    },
    submitTx: unimplemented,
    submitTxBatch: unimplemented,
    getPoolInfo: unimplemented,
    getPendingTx: unimplemented,
  };
  const service: ServiceHandle<unknown, { grpc: GrpcServer }> = await startService({
    name: 'test-side-chain',
    configSchema: {},
    configSources: { env: { BYSTACK_SHUTDOWN_TIMEOUT: '5s', BYSTACK_LOG_LEVEL: 'warn' }, argv: [] },
    logSink: () => {},
    processMetrics: false,
    build: async (ctx) => {
      const grpc = createGrpcServer({ host: '127.0.0.1', port: 0, graceMs: 1_000 }, ctx);
      grpc.addService(chainV1.ChainServiceService, chainImpl);
      grpc.addService(mempoolV1.MempoolServiceService, mempoolImpl);
      await grpc.start();
      return { grpc };
    },
  });
  return {
    chain,
    address: `127.0.0.1:${service.modules.grpc.port}`,
    stop: async () => {
      await service.stop('test over');
    },
  };
}
