// What a producer spends reading a peer's block from net.block, by the two ways bbft has had:
// decoded whole (decodeBlock, then consensusBlockOf for the tally) and read to its header
// (decodeSideBlockHead, then consensusBlockOfHead over its transactions' bytes). The block holds
// devnet transfers (one signed input, one output, as bench:tps submits) and a coinbase; the two are
// measured in alternation, in CPU time of this process (process.cpuUsage), so that other load on
// the machine slows both alike. PEER_BLOCK_TXS sets the transfers per block (default 2400: ~4,800
// tx/s in 500 ms blocks).
import {
  assembleSideBlock,
  BTM_ASSET_ID,
  consensusBlockOf,
  consensusBlockOfHead,
  createDevnetSideSpend,
  createSideCoinbase,
  decodeSideBlockHead,
  devnetControlProgram,
  devnetXPrv,
  encodeSideBlock,
  sha3,
  sideBlockId,
  xprvToXPub,
} from '@bystack/protocol';
import { report } from '@bystack/testing';
import { decodeBlock } from '../src/block-bytes.ts';

const TXS = Number(process.env.PEER_BLOCK_TXS ?? 2400);
const ROUNDS = 8;
const PER_ROUND = 10;

const owner = devnetXPrv('peer-block-bench', 0);
const recipient = devnetControlProgram(xprvToXPub(devnetXPrv('peer-block-bench', 1)));
const transfers = Array.from({ length: TXS }, (_, i) =>
  createDevnetSideSpend(
    owner,
    { sourceId: sha3(Uint8Array.of(i >> 8, i)), sourcePosition: 0n, assetId: BTM_ASSET_ID, amount: 1_000_000n },
    [[recipient, 990_000n]],
  ),
);
const block = assembleSideBlock({
  parentId: new Uint8Array(32).fill(1),
  height: 100n,
  timestampMs: 1_700_000_000_000n,
  coinbase: createSideCoinbase(100n, recipient, []),
  txs: transfers,
});
const bytes = encodeSideBlock({ ...block, header: { ...block.header, witness: [new Uint8Array(64).fill(2)] } });
const id = sideBlockId(block.header);

const whole = () => consensusBlockOf(decodeBlock(bytes), id);
const head = () => consensusBlockOfHead(decodeSideBlockHead(bytes), id);
if (whole().fees !== head().fees || head().fees !== BigInt(TXS) * 10_000n) throw new Error('the two views differ');

/** CPU ms of `fn` per call, over PER_ROUND calls. */
function cpuMsPerCall(fn: () => unknown): number {
  const start = process.cpuUsage();
  for (let i = 0; i < PER_ROUND; i++) fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / PER_ROUND;
}

for (let i = 0; i < 3; i++) [whole, head].forEach(cpuMsPerCall); // warm-up
const wholeMs: number[] = [];
const headMs: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  wholeMs.push(cpuMsPerCall(whole));
  headMs.push(cpuMsPerCall(head));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const [w, h] = [median(wholeMs), median(headMs)];
console.log(`block: ${TXS} transfers, ${(bytes.length / 1024).toFixed(0)} KiB; CPU ms per block, median of ${ROUNDS}`);
report('peer block decoded whole + consensusBlockOf', w, 'ms CPU/block', `${((w * 1000) / TXS).toFixed(2)} µs/tx`);
report(
  'peer block read to its header + consensusBlockOfHead',
  h,
  'ms CPU/block',
  `${((h * 1000) / TXS).toFixed(2)} µs/tx, ${(w / h).toFixed(2)}x less`,
);
