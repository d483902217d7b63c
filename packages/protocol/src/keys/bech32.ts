// Bech32 (BIP-173, the original checksum constant 1, not bech32m), following Bytom v1.1.1
// `common/bech32/bech32.go`. Data is handled as 5-bit words; `bech32BytesToWords` and
// `bech32WordsToBytes` regroup bytes.
import { Bech32Error } from './errors.ts';

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3] as const;
const CHECKSUM_LENGTH = 6;
const MIN_LENGTH = 8;
const MAX_LENGTH = 90;

const CHARSET_INDEX: ReadonlyMap<string, number> = new Map([...CHARSET].map((c, i) => [c, i]));

export type Bech32Decoded = { hrp: string; words: Uint8Array };

function polymod(values: Iterable<number>): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ GENERATOR[i]!) >>> 0;
  }
  return chk;
}

function hrpExpand(hrp: string): number[] {
  const codes = [...hrp].map((c) => c.charCodeAt(0));
  return [...codes.map((c) => c >> 5), 0, ...codes.map((c) => c & 31)];
}

function checksum(hrp: string, words: Uint8Array): number[] {
  const mod = polymod([...hrpExpand(hrp), ...words, 0, 0, 0, 0, 0, 0]) ^ 1;
  return Array.from({ length: CHECKSUM_LENGTH }, (_, i) => (mod >>> (5 * (5 - i))) & 31);
}

function checkPrintable(text: string, what: string): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 33 || c > 126) throw new Bech32Error('BAD_CHARACTER', `${what} has a character outside ASCII 33..126`);
  }
}

/**
 * `hrp` + "1" + words + checksum. The hrp is kept as given (upstream does not lowercase it); words
 * must be 5-bit values and the result at most 90 characters.
 */
export function bech32Encode(hrp: string, words: Uint8Array): string {
  if (hrp.length === 0) throw new Bech32Error('BAD_SEPARATOR', 'empty human-readable part');
  checkPrintable(hrp, 'human-readable part');
  const length = hrp.length + 1 + words.length + CHECKSUM_LENGTH;
  if (length > MAX_LENGTH) throw new Bech32Error('BAD_LENGTH', `bech32 string would be ${length} characters`);
  let out = `${hrp}1`;
  for (const w of words) {
    if (w > 31) throw new Bech32Error('BAD_CHARACTER', `data word ${w} is not a 5-bit value`);
    out += CHARSET[w];
  }
  for (const w of checksum(hrp, words)) out += CHARSET[w];
  return out;
}

/** Parses and checks a bech32 string; the hrp comes back lowercase, the words without checksum. */
export function bech32Decode(text: string): Bech32Decoded {
  if (text.length < MIN_LENGTH || text.length > MAX_LENGTH) {
    throw new Bech32Error('BAD_LENGTH', `bech32 string of ${text.length} characters, want 8..90`);
  }
  checkPrintable(text, 'bech32 string');
  const lower = text.toLowerCase();
  if (text !== lower && text !== text.toUpperCase()) throw new Bech32Error('MIXED_CASE', 'mixed-case bech32 string');
  const separator = lower.lastIndexOf('1');
  if (separator < 1 || separator + CHECKSUM_LENGTH + 1 > lower.length) {
    throw new Bech32Error('BAD_SEPARATOR', 'no human-readable part, or checksum shorter than 6');
  }
  const hrp = lower.slice(0, separator);
  const data = lower.slice(separator + 1);
  const words = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const w = CHARSET_INDEX.get(data[i]!);
    if (w === undefined) throw new Bech32Error('BAD_CHARACTER', `'${data[i]}' is not a bech32 character`);
    words[i] = w;
  }
  if (polymod([...hrpExpand(hrp), ...words]) !== 1) throw new Bech32Error('BAD_CHECKSUM', 'bech32 checksum mismatch');
  return { hrp, words: words.slice(0, words.length - CHECKSUM_LENGTH) };
}

// Regroups `fromBits`-bit values into `toBits`-bit values, big-endian bit order (upstream
// `ConvertBits`). With `pad` a last partial group is zero-filled; without it, leftover bits must
// be at most 4 and all zero.
function convertBits(data: Uint8Array, fromBits: number, toBits: number, pad: boolean): Uint8Array {
  const out: number[] = [];
  const maxOut = (1 << toBits) - 1;
  let acc = 0;
  let bits = 0;
  for (const value of data) {
    acc = ((acc << fromBits) | (value & ((1 << fromBits) - 1))) & 0xffff;
    bits += fromBits;
    while (bits >= toBits) {
      bits -= toBits;
      out.push((acc >> bits) & maxOut);
    }
  }
  if (pad && bits > 0) out.push((acc << (toBits - bits)) & maxOut);
  else if (bits > 4 || (acc & ((1 << bits) - 1)) !== 0) {
    throw new Bech32Error('BAD_PADDING', 'more than 4 padding bits, or non-zero padding');
  }
  return Uint8Array.from(out);
}

/** Bytes as 5-bit words, the last one zero-padded. */
export function bech32BytesToWords(bytes: Uint8Array): Uint8Array {
  return convertBits(bytes, 8, 5, true);
}

/** 5-bit words back to bytes; at most 4 zero padding bits may be left over (BAD_PADDING). */
export function bech32WordsToBytes(words: Uint8Array): Uint8Array {
  return convertBits(words, 5, 8, false);
}
