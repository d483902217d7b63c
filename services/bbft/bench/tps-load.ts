// The load process of `npm run bench:tps` (services/bbft/bench/tps.ts starts it as its own `node`
// process): it funds itself from federation peg-ins, pre-signs every transfer, submits them in
// batches (MempoolService.SubmitTxBatch) with a bounded number in flight, and follows the validator
// (WatchBlocks for the blocks, GetTip for the irreversible height) to time each transfer from its
// submission to the moment a block holding it is irreversible.
//
// Its setting is one JSON argument (LoadSettings). It reports on stdout, one JSON object a line:
// {"event":"window","phase":"start"|"end"} when the measured window opens and closes (the parent
// reads the services' CPU times then) and {"event":"result",...} at the end; progress goes to stderr.
import { setTimeout as sleep } from 'node:timers/promises';
import { chainV1, mempoolV1 } from '@bystack/proto';
import {
  createDevnetPegIn,
  createDevnetSideSpend,
  createSideTxEntries,
  type DevnetSideCoin,
  decodeSideBlock,
  devnetControlProgram,
  devnetFederationProgram,
  devnetSideCoinsOf,
  devnetXPrv,
  encodeSideTx,
  type SideTx,
  sha3,
  sideDevnetParams,
  validateSideTxStateless,
  xprvToXPub,
} from '@bystack/protocol';
import { createGrpcClient } from '@bystack/runtime';

export type LoadSettings = {
  readonly chainId: string;
  /** The mempools transfers go to (round robin, one batch each). */
  readonly mempools: readonly string[];
  /** Every node's validator; the first is the one irreversibility is read from. */
  readonly validators: readonly string[];
  /** Transfers pre-signed (the most the window can submit). */
  readonly txs: number;
  /** Outputs per funding transaction (each spends one peg-in). */
  readonly fanout: number;
  readonly batch: number;
  /** SubmitTxBatch calls at once. */
  readonly parallel: number;
  /** Most transfers submitted and not yet irreversible. */
  readonly maxInFlight: number;
  /** The measured window: submissions stop after this long. */
  readonly seconds: number;
  /** The first seconds of submission, left out of the sustained rate and the latencies. */
  readonly warmupSeconds: number;
  /** How long to wait after the window for the last transfers to become irreversible. */
  readonly drainSeconds: number;
};

export type StageTimes = { readonly p50: number; readonly p99: number };

export type LoadResult = {
  readonly event: 'result';
  readonly presigned: number;
  readonly presignSeconds: number;
  readonly fundingSeconds: number;
  readonly submitted: number;
  readonly rejected: Record<string, number>;
  readonly windowSeconds: number;
  /** Irreversible in the window after the warm-up, per second. */
  readonly sustainedTps: number;
  readonly final: number;
  readonly notFinal: number;
  /** Submission -> irreversible of the transfers submitted after the warm-up, ms. */
  readonly latency: StageTimes;
  /** The stages of that latency (ms): the SubmitTxBatch call, accepted -> in a block, block -> irreversible. */
  readonly submitCall: StageTimes;
  readonly toBlock: StageTimes;
  readonly toIrreversible: StageTimes;
  readonly blocks: number;
  readonly txsPerBlockMean: number;
  readonly txsPerBlockMax: number;
  readonly blockIntervalMs: number;
  readonly load: { readonly cpuSeconds: number };
};

const settings = JSON.parse(process.argv[2] ?? '') as LoadSettings;
const progress = (line: string) => process.stderr.write(`[load] ${line}\n`);
const emit = (o: object) =>
  process.stdout.write(`${JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}\n`);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const chain = { chainId: settings.chainId };
const params = sideDevnetParams;

const owner = devnetXPrv('tps-load', 0);
const LOAD_PROGRAM = devnetControlProgram(xprvToXPub(owner));
const RECIPIENT = devnetControlProgram(xprvToXPub(devnetXPrv('tps-recipient', 0)));
const federationProgram = devnetFederationProgram();
const MIN_FEE_RATE = 300n; // the mempool's default (neu per gas)

type Coin = DevnetSideCoin;

/** `coin` paid to `outputs` (program, amount), signed by the load key. */
const spend = (coin: Coin, outputs: readonly (readonly [Uint8Array, bigint])[]): SideTx =>
  createDevnetSideSpend(owner, coin, outputs);

/** The fee that pays `tx`'s gas at the pool's minimum rate, with a margin (a fee's size changes the gas). */
function feeFor(tx: SideTx): bigint {
  const { gasUsed } = validateSideTxStateless(tx, createSideTxEntries(tx), {
    params,
    consensus: params.consensus,
    federationProgram,
    blockHeight: 1n,
    verify: () => true,
  });
  return (BigInt(gasUsed) * MIN_FEE_RATE * 5n) / 4n + 1000n;
}

const outputsOf = devnetSideCoinsOf;

// --- Funding and pre-signing (before the measured window) ---
const nonce = hex(sha3(new TextEncoder().encode(`${process.pid} ${Date.now()}`))).slice(0, 16);
const pegAmount = 10n ** 12n;
const fundings = Math.ceil(settings.txs / settings.fanout);
const pegIns = Array.from({ length: fundings }, (_, i) =>
  createDevnetPegIn({
    sourceId: sha3(new TextEncoder().encode(`tps peg-in ${nonce} ${i}`)),
    amount: pegAmount,
    fee: 10_000_000n,
    controlProgram: LOAD_PROGRAM,
  }),
);
const fanOutOf = (coin: Coin, fee: bigint) => {
  const each = (coin.amount - fee) / BigInt(settings.fanout);
  return spend(
    coin,
    Array.from({ length: settings.fanout }, () => [LOAD_PROGRAM, each] as const),
  );
};
const pegCoins = pegIns.map((p) => outputsOf(p)[0]!);
const fanOutFee = feeFor(fanOutOf(pegCoins[0]!, 0n));
const fanOuts = pegCoins.map((coin) => fanOutOf(coin, fanOutFee));
const coins = fanOuts.flatMap(outputsOf).slice(0, settings.txs);
const transferFee = feeFor(spend(coins[0]!, [[RECIPIENT, coins[0]!.amount]]));

const presignStart = performance.now();
const transfers = coins.map((coin) => Buffer.from(encodeSideTx(spend(coin, [[RECIPIENT, coin.amount - transferFee]]))));
const presignSeconds = (performance.now() - presignStart) / 1000;
/** Transfer index by the output it spends (how a block's transactions are matched, without hashing). */
const byCoin = new Map(coins.map((c, i) => [`${hex(c.sourceId)}:${c.sourcePosition}`, i]));
progress(
  `pre-signed ${transfers.length} transfers in ${presignSeconds.toFixed(1)} s (fee ${transferFee} neu each, ${fundings} peg-ins fanned out to ${settings.fanout})`,
);

const pools = settings.mempools.map((a) =>
  createGrpcClient(mempoolV1.MempoolServiceService, a, { deadlineMs: 30_000 }),
);
const chains = settings.validators.map((a) => createGrpcClient(chainV1.ChainServiceService, a, { deadlineMs: 10_000 }));
const validator = chains[0]!;

async function submitAll(txs: readonly SideTx[]): Promise<void> {
  const res = await pools[0]!.submitTxBatch({ chain, txs: txs.map((t) => ({ bytes: Buffer.from(encodeSideTx(t)) })) });
  const bad = res.results.find((r) => !r.accepted);
  if (bad) throw new Error(`funding tx rejected: ${bad.error?.code} ${bad.error?.message}`);
}

const fundingStart = performance.now();
await submitAll(pegIns);
await submitAll(fanOuts);
const fanOutIds = fanOuts.map((t) => createSideTxEntries(t).txId);
/** The height by which every funding transaction is in an irreversible block (a reorganization cannot take it back). */
async function irreversiblyFunded(): Promise<bigint | undefined> {
  const irreversible = (await validator.getTip({ chain })).irreversible!.height;
  let highest = 0n;
  for (const txId of fanOutIds) {
    const s = await validator.getTxStatus({ chain, txId: Buffer.from(txId) });
    if (s.status !== chainV1.TxStatus.TX_STATUS_CONFIRMED || s.block!.height > irreversible) return undefined;
    if (s.block!.height > highest) highest = s.block!.height;
  }
  return highest;
}
let funded = await irreversiblyFunded();
while (funded === undefined) {
  await sleep(100);
  funded = await irreversiblyFunded();
}
const fundedAt = funded;
// Every node's validator (hence its mempool's hot tier) holds the funding before a transfer goes out:
// its tip's height is not enough, a node behind can stand on a branch without the funding block.
const holdsFunding = async (c: (typeof chains)[number]) => {
  for (const txId of fanOutIds) {
    const s = await c.getTxStatus({ chain, txId: Buffer.from(txId) });
    if (s.status !== chainV1.TxStatus.TX_STATUS_CONFIRMED) return false;
  }
  return true;
};
for (const c of chains) {
  while (!(await holdsFunding(c))) await sleep(50);
}
const fundingSeconds = (performance.now() - fundingStart) / 1000;
progress(`funded: ${coins.length} outputs irreversible by height ${fundedAt} in ${fundingSeconds.toFixed(1)} s`);

// --- Following the validator ---
const n = transfers.length;
const sentAt = new Float64Array(n);
const acceptedAt = new Float64Array(n);
const includedAt = new Float64Array(n);
const finalAt = new Float64Array(n);
/** Transfers of the validator's block at each height (replaced when a reorg replaces the block). */
const atHeight = new Map<bigint, number[]>();
const blockSeen: { height: bigint; at: number; txs: number }[] = [];
let irreversibleHeight = fundedAt;
let finalCount = 0;
let following = true;

function markFinal(indices: readonly number[], now: number): void {
  for (const i of indices) {
    if (finalAt[i] === 0) {
      finalAt[i] = now;
      finalCount++;
    }
  }
}

async function watchBlocks(): Promise<void> {
  const stream = validator.watchBlocks({ chain, fromHeight: fundedAt, fromTip: false });
  for await (const { ref, block } of stream) {
    if (!following) break;
    const now = performance.now();
    const height = ref!.height;
    const indices: number[] = [];
    for (const tx of decodeSideBlock(block!.bytes).transactions) {
      const input = tx.inputs[0];
      if (input?.type !== 'spend') continue;
      const i = byCoin.get(`${hex(input.sourceId)}:${input.sourcePosition}`);
      if (i === undefined) continue;
      indices.push(i);
      if (includedAt[i] === 0) includedAt[i] = now;
    }
    atHeight.set(height, indices);
    blockSeen.push({ height, at: now, txs: indices.length });
    if (height <= irreversibleHeight) markFinal(indices, now);
  }
}

async function followIrreversible(): Promise<void> {
  while (following) {
    const { irreversible } = await validator.getTip({ chain });
    const h = irreversible!.height;
    if (h > irreversibleHeight) {
      const now = performance.now();
      for (let x = irreversibleHeight + 1n; x <= h; x++) markFinal(atHeight.get(x) ?? [], now);
      irreversibleHeight = h;
    }
    await sleep(20);
  }
}

const watching = watchBlocks().catch((err) => {
  if (following) throw err;
});
const polling = followIrreversible();

// --- The measured window ---
const rejected: Record<string, number> = {};
let next = 0;
let accepted = 0;
let rejectedCount = 0;
let rr = 0;
const t0 = performance.now();
const warmEnd = t0 + settings.warmupSeconds * 1000;
const stopAt = t0 + settings.seconds * 1000;
let finalAtWarmEnd = -1;
const cpuStart = process.cpuUsage();

async function submitter(): Promise<void> {
  while (next < n && performance.now() < stopAt) {
    if (next - rejectedCount - finalCount >= settings.maxInFlight) {
      await sleep(2);
      continue;
    }
    const from = next;
    const to = Math.min(n, from + settings.batch);
    next = to;
    const now = performance.now();
    sentAt.fill(now, from, to);
    const pool = pools[rr++ % pools.length]!;
    const res = await pool.submitTxBatch({ chain, txs: transfers.slice(from, to).map((bytes) => ({ bytes })) });
    const done = performance.now();
    res.results.forEach((r, k) => {
      if (r.accepted) {
        acceptedAt[from + k] = done;
        accepted++;
      } else {
        const code = r.error?.code ?? 'UNKNOWN';
        rejected[code] = (rejected[code] ?? 0) + 1;
        rejectedCount++;
      }
    });
  }
}

const warmup = (async () => {
  await sleep(settings.warmupSeconds * 1000);
  finalAtWarmEnd = finalCount;
  emit({ event: 'window', phase: 'start' });
})();
await Promise.all(Array.from({ length: settings.parallel }, submitter));
await warmup;
const windowEnd = performance.now();
const finalAtWindowEnd = finalCount;
emit({ event: 'window', phase: 'end' });
const cpu = process.cpuUsage(cpuStart);
progress(`submitted ${next} (${accepted} accepted) in ${((windowEnd - t0) / 1000).toFixed(1)} s; draining`);

const drainUntil = performance.now() + settings.drainSeconds * 1000;
while (finalCount < accepted && performance.now() < drainUntil) await sleep(50);
following = false;
await polling;
for (const c of [...chains, ...pools]) c.close();
await watching;

// --- Figures ---
function percentiles(values: number[]): StageTimes {
  if (values.length === 0) return { p50: Number.NaN, p99: Number.NaN };
  values.sort((a, b) => a - b);
  const at = (q: number) => values[Math.min(values.length - 1, Math.floor(q * values.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}
const measured: number[] = [];
for (let i = 0; i < n; i++) if (acceptedAt[i]! > 0 && sentAt[i]! >= warmEnd) measured.push(i);
const finalOnes = measured.filter((i) => finalAt[i]! > 0);
const windowBlocks = blockSeen.filter((b) => b.at >= warmEnd && b.at <= windowEnd);
const sustainedSeconds = (windowEnd - warmEnd) / 1000;
emit({
  event: 'result',
  presigned: n,
  presignSeconds,
  fundingSeconds,
  submitted: next,
  rejected,
  windowSeconds: sustainedSeconds,
  sustainedTps: (finalAtWindowEnd - finalAtWarmEnd) / sustainedSeconds,
  final: finalCount,
  notFinal: accepted - finalCount,
  latency: percentiles(finalOnes.map((i) => finalAt[i]! - sentAt[i]!)),
  submitCall: percentiles(measured.map((i) => acceptedAt[i]! - sentAt[i]!)),
  toBlock: percentiles(measured.filter((i) => includedAt[i]! > 0).map((i) => includedAt[i]! - acceptedAt[i]!)),
  toIrreversible: percentiles(finalOnes.map((i) => finalAt[i]! - includedAt[i]!)),
  blocks: windowBlocks.length,
  txsPerBlockMean: windowBlocks.reduce((s, b) => s + b.txs, 0) / Math.max(1, windowBlocks.length),
  txsPerBlockMax: Math.max(0, ...windowBlocks.map((b) => b.txs)),
  blockIntervalMs:
    windowBlocks.length > 1 ? (windowBlocks.at(-1)!.at - windowBlocks[0]!.at) / (windowBlocks.length - 1) : Number.NaN,
  load: { cpuSeconds: (cpu.user + cpu.system) / 1e6 },
} satisfies LoadResult);
