// Canonical bytes of a tally snapshot, so a node can persist the tally of each round's last block (as
// Vapor stores one ConsensusResult per round) and reload it after a restart. Layout, integers little-endian:
//   version 0x01 | block height u64 | block id (32)
//   | stake count u32 | (xpub (64) | stake u64) ascending by xpub
//   | reward count u32 | (program length u32 | program | amount u64) ascending by program
// Decoding accepts only this form: sorted, distinct, non-zero amounts, no trailing bytes.
import { hexToBytes } from '@noble/hashes/utils.js';
import {
  assertAmount,
  assertConsensusResult,
  assertProducerKey,
  BLOCK_ID_LENGTH,
  keyOf,
  PRODUCER_KEY_LENGTH,
} from './checks.ts';
import type { ConsensusResult } from './consensus-result.ts';
import { ConsensusError, ConsensusErrorCode } from './errors.ts';

const VERSION = 1;

function malformed(message: string, detail?: Record<string, unknown>): ConsensusError {
  return new ConsensusError(ConsensusErrorCode.MalformedEncoding, message, detail);
}

// Lowercase hex orders like the bytes it encodes (a prefix first), so sorting the keys suffices.
function sortedEntries(map: ReadonlyMap<string, bigint>, what: string): [Uint8Array, bigint][] {
  return [...map]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([key, amount]) => {
      if (assertAmount(amount, what) === 0n) {
        throw new ConsensusError(ConsensusErrorCode.InvalidAmount, `zero ${what} in tally`, { key });
      }
      return [hexToBytes(key), amount];
    });
}

export function encodeConsensusResult(result: ConsensusResult): Uint8Array {
  assertConsensusResult(result);
  const stakes = sortedEntries(result.stakes, 'stake');
  const rewards = sortedEntries(result.rewards, 'reward');
  for (const [key] of stakes) assertProducerKey(key, 'tally key');
  const size =
    1 +
    8 +
    BLOCK_ID_LENGTH +
    4 +
    stakes.length * (PRODUCER_KEY_LENGTH + 8) +
    4 +
    rewards.reduce((n, [program]) => n + 4 + program.length + 8, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = VERSION;
  view.setBigUint64(1, result.blockHeight, true);
  out.set(result.blockId, 9);
  let at = 9 + BLOCK_ID_LENGTH;
  view.setUint32(at, stakes.length, true);
  at += 4;
  for (const [key, stake] of stakes) {
    out.set(key, at);
    view.setBigUint64(at + PRODUCER_KEY_LENGTH, stake, true);
    at += PRODUCER_KEY_LENGTH + 8;
  }
  view.setUint32(at, rewards.length, true);
  at += 4;
  for (const [program, amount] of rewards) {
    view.setUint32(at, program.length, true);
    out.set(program, at + 4);
    view.setBigUint64(at + 4 + program.length, amount, true);
    at += 4 + program.length + 8;
  }
  return out;
}

class Reader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #at = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #need(n: number): number {
    if (this.#at + n > this.#bytes.length) throw malformed('truncated tally snapshot', { at: this.#at });
    const at = this.#at;
    this.#at += n;
    return at;
  }

  bytes(n: number): Uint8Array {
    const at = this.#need(n);
    return this.#bytes.slice(at, at + n);
  }

  u32(): number {
    return this.#view.getUint32(this.#need(4), true);
  }

  u64(): bigint {
    return this.#view.getBigUint64(this.#need(8), true);
  }

  end(): void {
    if (this.#at !== this.#bytes.length) throw malformed('trailing bytes after tally snapshot');
  }
}

function readMap(r: Reader, readKey: () => Uint8Array, what: string): Map<string, bigint> {
  const map = new Map<string, bigint>();
  const count = r.u32();
  let previous: string | undefined;
  for (let i = 0; i < count; i++) {
    const key = keyOf(readKey());
    const amount = r.u64();
    if (amount === 0n) throw malformed(`zero ${what}`, { index: i });
    if (previous !== undefined && key <= previous) throw malformed(`${what} entries not ascending`, { index: i });
    map.set(key, amount);
    previous = key;
  }
  return map;
}

export function decodeConsensusResult(bytes: Uint8Array): ConsensusResult {
  if (!(bytes instanceof Uint8Array)) throw malformed('tally snapshot must be a Uint8Array');
  const r = new Reader(bytes);
  const version = r.bytes(1)[0];
  if (version !== VERSION) throw malformed('unknown tally snapshot version', { version });
  const blockHeight = r.u64();
  const blockId = r.bytes(BLOCK_ID_LENGTH);
  const stakes = readMap(r, () => r.bytes(PRODUCER_KEY_LENGTH), 'stake');
  const rewards = readMap(r, () => r.bytes(r.u32()), 'reward');
  r.end();
  return Object.freeze({ blockHeight, blockId, stakes, rewards });
}
