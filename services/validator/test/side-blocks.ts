// Side-devnet blocks made in tests and benches the way producers make them: on a parent, in the
// slot of a timestamp, the coinbase paying the round's rewards (from a DPoS tally of the blocks
// made so far), signed in the witness by the slot's owner (or by someone else, or no one).
import {
  assembleSideBlock,
  createProducerSchedule,
  createSideCoinbase,
  createSideDevnetGenesis,
  createSideTxEntries,
  devnetControlProgram,
  devnetFederationProgram,
  devnetProducerXPrv,
  encodeSideTx,
  type ProducerReward,
  producerSlotAt,
  type SideBlock,
  type SideChainParams,
  type SideTx,
  type SignatureVerifier,
  sideBlockId,
  sideDevnetParams,
  type TxCheckPool,
  txCheckFilings,
  txChecksFingerprint,
  VoteTally,
  validateSideTxStateless,
  witnessWith,
  type XPrv,
  xprvSign,
  xprvToXPub,
} from '@bystack/protocol';
import {
  createLmdbStore,
  createLogger,
  createRedisHotTier,
  createTieredStore,
  type RedisTxCheckCache,
} from '@bystack/runtime';
import type { Redis } from 'ioredis';
import { SideChain, type SideChainOptions } from '../src/side-chain.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/**
 * A side-devnet chain (`maker`'s params and genesis) in this process on its own LMDB (`dir`) and
 * Redis prefix, opened: what the benches drive directly, without gRPC.
 */
export async function openSideDevnetChain(
  maker: SideBlockMaker,
  opts: {
    readonly dir: string;
    readonly redis: Redis;
    readonly prefix: string;
    readonly verifier: SignatureVerifier;
    readonly txChecks?: TxCheckPool | undefined;
    readonly filedTxChecks?: SideChainOptions['filedTxChecks'];
  },
): Promise<SideChain> {
  const durable = await createLmdbStore({ path: opts.dir });
  const chain = new SideChain({
    chainId: maker.params.chainId,
    params: maker.params,
    genesis: maker.genesis,
    federationProgram: devnetFederationProgram(),
    store: createTieredStore({ durable, hot: createRedisHotTier({ redis: opts.redis, prefix: opts.prefix }) }),
    verifier: opts.verifier,
    txChecks: opts.txChecks,
    filedTxChecks: opts.filedTxChecks,
    maxOrphans: 16,
    dataDir: opts.dir,
    log: createLogger({ service: 'bench', level: 'silent' }),
  });
  await chain.open();
  return chain;
}

export type MadeSideBlock = { readonly block: SideBlock; readonly id: Uint8Array; readonly owner: number };

export class SideBlockMaker {
  readonly params: SideChainParams;
  readonly genesis: SideBlock;
  readonly producers: readonly XPrv[] = [0, 1, 2, 3].map((i) => devnetProducerXPrv(i));
  /** Where each producer's rewards accrue (its coinbases' first output). */
  readonly programOf: readonly Uint8Array[] = this.producers.map((x) => devnetControlProgram(xprvToXPub(x)));
  readonly tally: VoteTally;
  private readonly blocks = new Map<string, SideBlock>();

  constructor(params: SideChainParams = sideDevnetParams) {
    this.params = params;
    this.genesis = createSideDevnetGenesis(params);
    this.blocks.set(hex(sideBlockId(this.genesis.header)), this.genesis);
    this.tally = new VoteTally({ params, genesis: this.genesis }, async (id) => this.blocks.get(hex(id)));
  }

  /** A block made here (or the genesis), by hex id; unsigned (the id does not cover the witness). */
  made(key: string): SideBlock | undefined {
    return this.blocks.get(key);
  }

  get interval(): bigint {
    return this.params.consensus.blockIntervalMs;
  }

  /**
   * A block on `parent` in the slot at `ts`, signed (witness) by `signer` (the slot's owner unless
   * told), its coinbase paying `payouts` (the round's due unless told).
   */
  async blockOn(
    parent: SideBlock,
    ts: bigint,
    txs: readonly SideTx[] = [],
    signer: 'owner' | 'none' | XPrv = 'owner',
    payouts?: readonly ProducerReward[],
  ): Promise<MadeSideBlock> {
    const parentId = sideBlockId(parent.header);
    const round = await this.tally.roundAfter(parentId);
    const owner = producerSlotAt(
      createProducerSchedule(this.params.consensus, round.producers, round.electionTimestampMs),
      ts,
    ).producer.order;
    const height = parent.header.height + 1n;
    const unsigned = assembleSideBlock({
      parentId,
      height,
      timestampMs: ts,
      coinbase: createSideCoinbase(height, this.programOf[owner]!, payouts ?? round.payouts),
      txs,
    });
    const id = sideBlockId(unsigned.header);
    this.blocks.set(hex(id), unsigned);
    if (signer === 'none') return { block: unsigned, id, owner };
    const key = signer === 'owner' ? this.producers[owner]! : signer;
    const witness = witnessWith(this.producers.length, owner, xprvSign(key, id));
    return { block: { ...unsigned, header: { ...unsigned.header, witness } }, id, owner };
  }

  /** `count` blocks after `from`, one per slot from `from`'s next slot, with the txs `txsAt` gives. */
  async chain(from: SideBlock, count: number, txsAt: (height: bigint) => readonly SideTx[] = () => []) {
    const out: MadeSideBlock[] = [];
    let parent = from;
    for (let i = 0; i < count; i++) {
      const made = await this.blockOn(
        parent,
        parent.header.timestamp + this.interval,
        txsAt(parent.header.height + 1n),
      );
      out.push(made);
      parent = made.block;
    }
    return out;
  }
}

/**
 * What the node's mempool files when it admits side-chain `txs` at `height`, under the fingerprint of
 * `params` and `federation` (default: the devnet federation the chain checks peg-ins against).
 */
export async function fileSideTxChecks(
  cache: Pick<RedisTxCheckCache, 'file'>,
  txs: readonly SideTx[],
  height: bigint,
  params: SideChainParams = sideDevnetParams,
  federation: Uint8Array = devnetFederationProgram(),
): Promise<void> {
  const passed = txs.map((t) => {
    const entries = createSideTxEntries(t);
    const result = validateSideTxStateless(t, entries, {
      params,
      consensus: params.consensus,
      federationProgram: devnetFederationProgram(),
      blockHeight: height,
    });
    return { bytes: encodeSideTx(t), entries, result };
  });
  await cache.file(txChecksFingerprint(params, federation), txCheckFilings(passed));
}
