// Hostile-input harness for every decoder: random byte strings and mutations of valid encodings
// (truncation, bit flips, huge length prefixes, appended garbage, type-byte changes, splices).
// Each input must either decode, re-encode to exactly the same bytes and have its ids computed,
// or be refused with a DecodeError. Anything else (another exception, a wrong re-encoding) fails.
// Used by decoders.fuzz.test.ts (a few thousand inputs) and decoders.hostile.ts (a million).
import fc from 'fast-check';
import {
  blockId,
  createTxEntries,
  decodeBlock,
  decodeBlockHeader,
  decodeTx,
  decodeTxInput,
  decodeTxOutput,
  encodeBlock,
  encodeBlockHeader,
  encodeTx,
  encodeTxInput,
  encodeTxOutput,
} from '../../src/chain/index.ts';
import { MAINNET_GENESIS_BLOCK_BYTES } from '../../src/config/genesis-mainnet.ts';
import { ByteReader, ByteWriter, DecodeError } from '../../src/encoding/index.ts';
import {
  createSideTxEntries,
  decodeSideBlock,
  decodeSideBlockHeader,
  decodeSideTx,
  decodeSideTxInput,
  decodeSideTxOutput,
  encodeSideBlock,
  encodeSideBlockHeader,
  encodeSideTx,
  encodeSideTxInput,
  encodeSideTxOutput,
  sideBlockId,
} from '../../src/sidechain/index.ts';
import { blockArb, blockHeaderArb, txArb, txInputArb, txOutputArb } from '../chain/arbitraries.ts';
import { hex } from '../chain/builders.ts';
import {
  sideBlockArb,
  sideBlockHeaderArb,
  sideTxArb,
  sideTxInputArb,
  sideTxOutputArb,
} from '../sidechain/arbitraries.ts';

type Target = {
  readonly name: string;
  readonly corpus: readonly Uint8Array[];
  /** Decodes, re-encodes and computes ids; returns the re-encoding. */
  readonly roundTrip: (bytes: Uint8Array) => Uint8Array;
};

function target<T>(
  name: string,
  samples: readonly T[],
  decode: (b: Uint8Array) => T,
  encode: (v: T) => Uint8Array,
  ids: (v: T) => unknown = () => undefined,
): Target {
  return {
    name,
    corpus: samples.map(encode),
    roundTrip: (bytes) => {
      const value = decode(bytes);
      ids(value);
      return encode(value);
    },
  };
}

function readVarint63Exactly(bytes: Uint8Array): bigint {
  const r = new ByteReader(bytes);
  const v = r.readVarint63();
  r.expectEnd();
  return v;
}

function readVarstrListExactly(bytes: Uint8Array): Uint8Array[] {
  const r = new ByteReader(bytes);
  const list = r.readVarstrList();
  r.expectEnd();
  return list;
}

function writeWith(write: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter(16);
  write(w);
  return w.toBytes();
}

export function buildTargets(seed: number, corpusSize: number): Target[] {
  const sample = <T>(arb: fc.Arbitrary<T>, offset: number) =>
    fc.sample(arb, { seed: seed + offset, numRuns: corpusSize });
  return [
    target('decodeTx', sample(txArb(), 1), decodeTx, encodeTx, createTxEntries),
    target(
      'decodeBlock',
      [...sample(blockArb(), 2), decodeBlock(MAINNET_GENESIS_BLOCK_BYTES)],
      decodeBlock,
      encodeBlock,
      (b) => [blockId(b.header), b.transactions.map(createTxEntries)],
    ),
    target('decodeBlockHeader', sample(blockHeaderArb(), 3), decodeBlockHeader, encodeBlockHeader, blockId),
    target('decodeTxInput', sample(txInputArb(), 4), decodeTxInput, encodeTxInput),
    target('decodeTxOutput', sample(txOutputArb(), 5), decodeTxOutput, encodeTxOutput),
    target('decodeSideTx', sample(sideTxArb(), 6), decodeSideTx, encodeSideTx, createSideTxEntries),
    target('decodeSideBlock', sample(sideBlockArb(), 7), decodeSideBlock, encodeSideBlock, (b) => [
      sideBlockId(b.header),
      b.transactions.map(createSideTxEntries),
    ]),
    target(
      'decodeSideBlockHeader',
      sample(sideBlockHeaderArb(), 8),
      decodeSideBlockHeader,
      encodeSideBlockHeader,
      sideBlockId,
    ),
    target('decodeSideTxInput', sample(sideTxInputArb(), 9), decodeSideTxInput, encodeSideTxInput),
    target('decodeSideTxOutput', sample(sideTxOutputArb(), 10), decodeSideTxOutput, encodeSideTxOutput),
    target('readVarint63', sample(fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }), 11), readVarint63Exactly, (v) =>
      writeWith((w) => w.writeVarint63(v)),
    ),
    target(
      'readVarstrList',
      sample(fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 5 }), 12),
      readVarstrListExactly,
      (l) => writeWith((w) => w.writeVarstrList(l)),
    ),
  ];
}

/** Small, fast, seeded PRNG (mulberry32): the fuzz runs are reproducible from their seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const HUGE_PREFIXES = [
  [0xff, 0xff, 0xff, 0xff, 0x07], // 2^31-1
  [0x80, 0x80, 0x80, 0x80, 0x08], // 2^31
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], // 2^63-1
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], // 2^64-1
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], // 11 bytes
  [0x80, 0x00], // non-canonical zero
  [0xe8, 0x07], // 1000
];
const TYPE_BYTES = [0, 1, 2, 3, 4, 7, 0x80, 0xff];

function mutate(input: Uint8Array, next: () => number): Uint8Array {
  const n = input.length;
  const pos = (extra = 0) => (n + extra === 0 ? 0 : next() % (n + extra));
  switch (next() % 8) {
    case 0: // truncation
      return input.slice(0, pos());
    case 1: {
      // bit flips
      const out = input.slice();
      for (let k = 1 + (next() % 4); k > 0 && n > 0; k--) {
        const p = pos();
        out[p] = out[p]! ^ (1 << (next() % 8));
      }
      return out;
    }
    case 2: {
      // a huge (or malformed) varint written over or inserted at a random place
      const prefix = HUGE_PREFIXES[next() % HUGE_PREFIXES.length]!;
      const p = pos(1);
      const keepFrom = next() % 2 === 0 ? p : Math.min(n, p + prefix.length);
      return concat(input.subarray(0, p), Uint8Array.from(prefix), input.subarray(keepFrom));
    }
    case 3: // appended garbage
      return concat(input, randomBytes(1 + (next() % 16), next));
    case 4: {
      // type / flag / version byte changes
      const out = input.slice();
      if (n > 0) out[pos()] = TYPE_BYTES[next() % TYPE_BYTES.length]!;
      return out;
    }
    case 5: {
      // delete a range
      const p = pos();
      return concat(input.subarray(0, p), input.subarray(Math.min(n, p + 1 + (next() % 8))));
    }
    case 6: {
      // insert random bytes
      const p = pos(1);
      return concat(input.subarray(0, p), randomBytes(1 + (next() % 8), next), input.subarray(p));
    }
    default: {
      // duplicate a range
      const p = pos();
      const q = Math.min(n, p + 1 + (next() % 40));
      return concat(input.subarray(0, q), input.subarray(p, q), input.subarray(q));
    }
  }
}

function randomBytes(length: number, next: () => number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = next() & 0xff;
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export type FuzzStats = { inputs: number; decoded: number; refused: Record<string, number> };

/**
 * Runs `total` hostile inputs spread over the targets: one in ten purely random, the rest valid
 * corpus entries with one to three mutations. Throws on the first input that breaks the contract.
 */
export function fuzzDecoders(targets: readonly Target[], total: number, seed: number): FuzzStats {
  const next = prng(seed);
  const stats: FuzzStats = { inputs: 0, decoded: 0, refused: {} };
  for (let i = 0; i < total; i++) {
    const t = targets[i % targets.length]!;
    let input: Uint8Array;
    if (next() % 10 === 0) {
      input = randomBytes(next() % 160, next);
    } else {
      input = t.corpus[next() % t.corpus.length]!;
      for (let m = 1 + (next() % 3); m > 0; m--) input = mutate(input, next);
    }
    stats.inputs++;
    let reencoded: Uint8Array;
    try {
      reencoded = t.roundTrip(input);
    } catch (err) {
      if (err instanceof DecodeError) {
        stats.refused[err.code] = (stats.refused[err.code] ?? 0) + 1;
        continue;
      }
      throw new Error(`${t.name} threw a non-DecodeError on input ${hex(input)}: ${String(err)}`, { cause: err });
    }
    if (!equal(reencoded, input)) {
      throw new Error(`${t.name} re-encoded ${hex(input)} as ${hex(reencoded)}`);
    }
    stats.decoded++;
  }
  return stats;
}
