// A ChainService for the miner's tests: the real grpc-js server of the runtime, a main chain held
// in memory, and full protocol validation of every submitted block (links, bits from the retarget,
// time, Tensority proof of work under the height's seed, every transaction, coinbase, roots,
// signatures, then connect against its UTXO set). Accepted blocks are published as the node's
// JetStream `committed` events, as the validator does. Blocks the test preloads (`append`) skip
// validation: a test may give them any bits.
import { chainV1 } from '@bystack/proto';
import {
  type Block,
  blockId,
  connectBlock,
  createSignatureVerifier,
  createTxEntries,
  createUtxoOverlay,
  decodeBlock,
  encodeBlock,
  isProtocolError,
  type MainChainParams,
  nextBits,
  retargetCompareHeight,
  seedBlockHeight,
  seedForHeight,
  type UtxoOverlay,
  validateBlockStateless,
  verifySignatureSets,
} from '@bystack/protocol';
import {
  createGrpcServer,
  createNatsBus,
  type JetStreamBus,
  type NatsBus,
  RpcError,
  type ServiceHandle,
  type ServiceImplementation,
  startService,
  statusOfCode,
  subject,
} from '@bystack/runtime';
import { hex } from './fixtures.ts';

export type StoredBlock = { readonly id: Uint8Array; readonly block: Block };

export type Submission = {
  readonly block: Block;
  readonly id: Uint8Array;
  /** Disposition name, or the error code it was refused with. */
  readonly outcome: string;
};

export type ChainDoubleOptions = {
  readonly params: MainChainParams;
  readonly genesis: Block;
  /** Publish committed events here (JetStream, stream EVENTS_<node>_<chain>). */
  readonly natsUrl?: string;
  readonly nodeId?: string;
  /** Called before each SubmitBlock is handled (fault injection). */
  readonly beforeSubmit?: (block: Block) => void | Promise<void>;
  /** Valid blocks submitted at these heights are filed as a side branch (as a block that adds no work is). */
  readonly sideBranchHeights?: ReadonlySet<bigint>;
  /** Called as each block joins the chain, before its SubmitBlock answers (a mempool drops its txs). */
  readonly onConnected?: (block: Block) => void;
};

const INVALID = statusOfCode('INVALID_ARGUMENT');
const NOT_FOUND = statusOfCode('NOT_FOUND');

export class ChainDouble {
  readonly params: MainChainParams;
  readonly blocks: StoredBlock[] = [];
  readonly submissions: Submission[] = [];
  readonly utxos: UtxoOverlay = createUtxoOverlay();
  readonly #byId = new Map<string, StoredBlock>();
  readonly #sideBlocks = new Map<string, StoredBlock>();
  #service: ServiceHandle<unknown, { port: number }> | undefined;
  #bus: NatsBus | undefined;
  #js: JetStreamBus | undefined;
  readonly #opts: ChainDoubleOptions;
  readonly #verifier = createSignatureVerifier();
  readonly #waiters = new Set<() => void>();

  constructor(opts: ChainDoubleOptions) {
    this.#opts = opts;
    this.params = opts.params;
    this.#store(opts.genesis);
  }

  get address(): string {
    if (this.#service === undefined) throw new Error('not started');
    return `127.0.0.1:${this.#service.modules.port}`;
  }

  get tip(): StoredBlock {
    return this.blocks.at(-1)!;
  }

  get height(): bigint {
    return this.tip.block.header.height;
  }

  async start(): Promise<void> {
    if (this.#opts.natsUrl !== undefined) {
      this.#bus = await createNatsBus({ servers: this.#opts.natsUrl, name: 'chain-double' });
      this.#js = await this.#bus.jetstream();
      const node = this.#opts.nodeId ?? 'n0';
      await this.#js.declareStream({
        name: `EVENTS_${node}_${this.params.chainId}`,
        subjects: [subject(this.params.chainId, node, 'committed'), subject(this.params.chainId, node, 'reorged')],
        storage: 'memory',
      });
    }
    const impl = this.#impl();
    this.#service = await startService({
      name: 'chain-double',
      configSchema: {},
      configSources: { env: { BYSTACK_SHUTDOWN_TIMEOUT: '5s' }, argv: [] },
      logSink: () => {},
      processMetrics: false,
      build: async (ctx) => {
        const grpc = createGrpcServer({ host: '127.0.0.1', port: 0, graceMs: 1_000, reflection: false }, ctx);
        grpc.addService(chainV1.ChainServiceService, impl);
        return { port: await grpc.start() };
      },
    });
  }

  async stop(): Promise<void> {
    await this.#service?.stop();
    await this.#bus?.close();
    await this.#verifier.close();
  }

  /** Appends a block without validating it, and publishes its committed event. */
  async append(block: Block): Promise<StoredBlock> {
    if (hex(block.header.previousBlockId) !== hex(this.tip.id)) throw new Error('append: not on the tip');
    const stored = this.#store(block);
    await this.#publishCommitted(stored);
    return stored;
  }

  /** Resolves once `pred` holds (checked on every change, and every 20 ms). */
  async until(pred: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, 20);
        this.#waiters.add(wake);
      });
    }
  }

  /** The expected bits and seed of a block after the tip, computed here from the stored headers. */
  expectations(): { expectedBits: bigint; seed: Uint8Array; pastTimestamps: bigint[] } {
    const parent = this.tip.block.header;
    const h = Number(parent.height);
    const compare = retargetCompareHeight(h, this.params);
    const expectedBits = nextBits(
      { height: h, timestamp: parent.timestamp, bits: parent.bits },
      compare === undefined ? 0n : this.blocks[compare]!.block.header.timestamp,
      this.params,
    );
    const seedHeight = seedBlockHeight(h + 1, this.params);
    const seed = seedForHeight(h + 1, this.params, seedHeight === undefined ? undefined : this.blocks[seedHeight]!.id);
    const pastTimestamps = this.blocks
      .slice(Math.max(0, h + 1 - this.params.medianTimeBlocks))
      .map((b) => b.block.header.timestamp)
      .reverse();
    return { expectedBits, seed, pastTimestamps };
  }

  #store(block: Block): StoredBlock {
    const stored = { id: blockId(block.header), block };
    const entries = block.transactions.map(createTxEntries);
    this.utxos.apply(connectBlock(this.utxos, block, entries, this.params));
    this.blocks.push(stored);
    this.#byId.set(hex(stored.id), stored);
    this.#opts.onConnected?.(block);
    this.#wake();
    return stored;
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  async #publishCommitted(stored: StoredBlock): Promise<void> {
    if (this.#js === undefined) return;
    const node = this.#opts.nodeId ?? 'n0';
    const ref = { blockId: Buffer.from(stored.id), height: stored.block.header.height };
    await this.#js.publish(
      subject(this.params.chainId, node, 'committed'),
      chainV1.BlockCommitted,
      { ref, block: { bytes: Buffer.from(encodeBlock(stored.block)) } },
      { msgId: `${hex(stored.id)}:committed`, height: stored.block.header.height },
    );
  }

  async #submit(bytes: Uint8Array): Promise<chainV1.SubmitBlockResponse> {
    let block: Block;
    try {
      block = decodeBlock(bytes);
    } catch (err) {
      throw new RpcError(isProtocolError(err) ? err.code : 'MALFORMED', (err as Error).message, { status: INVALID });
    }
    await this.#opts.beforeSubmit?.(block);
    const id = blockId(block.header);
    const key = hex(id);
    const record = (outcome: string) => {
      this.submissions.push({ block, id, outcome });
      this.#wake();
    };
    const ref = { blockId: Buffer.from(id), height: block.header.height };
    if (this.#byId.has(key) || this.#sideBlocks.has(key)) {
      record('duplicate');
      return { ref, disposition: chainV1.BlockDisposition.BLOCK_DISPOSITION_DUPLICATE };
    }
    if (hex(block.header.previousBlockId) !== hex(this.tip.id)) {
      const known = this.#byId.has(hex(block.header.previousBlockId));
      record(known ? 'side_branch' : 'orphan');
      if (known) this.#sideBlocks.set(key, { id, block });
      return {
        ref,
        disposition: known
          ? chainV1.BlockDisposition.BLOCK_DISPOSITION_SIDE_BRANCH
          : chainV1.BlockDisposition.BLOCK_DISPOSITION_ORPHAN,
      };
    }
    const parent = this.tip.block.header;
    const { expectedBits, seed, pastTimestamps } = this.expectations();
    try {
      const result = validateBlockStateless(block, {
        params: this.params,
        parent: { id: this.tip.id, height: parent.height },
        pastTimestamps,
        expectedBits,
        now: BigInt(Math.floor(Date.now() / 1000)),
        pow: { seed },
      });
      await verifySignatureSets(this.#verifier, result.signatureSets);
      connectBlock(this.utxos, block, result.entries, this.params);
    } catch (err) {
      const code = isProtocolError(err) ? err.code : 'INTERNAL';
      record(code);
      throw new RpcError(code, (err as Error).message, { status: INVALID });
    }
    if (this.#opts.sideBranchHeights?.has(block.header.height)) {
      this.#sideBlocks.set(key, { id, block });
      record('side_branch');
      return { ref, disposition: chainV1.BlockDisposition.BLOCK_DISPOSITION_SIDE_BRANCH };
    }
    const stored = this.#store(block);
    record('connected');
    await this.#publishCommitted(stored);
    return { ref, disposition: chainV1.BlockDisposition.BLOCK_DISPOSITION_CONNECTED };
  }

  #impl(): ServiceImplementation<typeof chainV1.ChainServiceService> {
    const unimplemented = () => {
      throw new RpcError('UNIMPLEMENTED', 'not in the test double');
    };
    const refOf = (s: StoredBlock) => ({ blockId: Buffer.from(s.id), height: s.block.header.height });
    return {
      submitBlock: (req) => this.#submit(req.block?.bytes ?? new Uint8Array(0)),
      getTip: () => ({ tip: refOf(this.tip), irreversible: refOf(this.tip) }),
      getBlock: (req) => {
        const sel = req.selector;
        const found =
          sel?.$case === 'blockId'
            ? (this.#byId.get(hex(sel.value)) ?? this.#sideBlocks.get(hex(sel.value)))
            : sel?.$case === 'height'
              ? this.blocks[Number(sel.value)]
              : undefined;
        if (found === undefined) throw new RpcError('BLOCK_NOT_FOUND', 'no such block', { status: NOT_FOUND });
        return { block: { bytes: Buffer.from(encodeBlock(found.block)) }, ref: refOf(found) };
      },
      getTxStatus: unimplemented,
      listUtxos: unimplemented,
      // biome-ignore lint/correctness/useYield: not served by the double
      watchBlocks: async function* () {
        unimplemented();
      },
    };
  }
}

export async function startChainDouble(opts: ChainDoubleOptions): Promise<ChainDouble> {
  const double = new ChainDouble(opts);
  await double.start();
  return double;
}
