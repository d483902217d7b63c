// SHA3-256 (FIPS 202: Keccak-f[1600], rate 136 bytes, domain padding 0x06 ... 0x80) for short
// messages. One call into WebAssembly costs about a third of node:crypto's one-shot hash for the
// 40-300 byte inputs of entry ids and sighashes, which are most of a transaction's hashing; long
// inputs stay on node:crypto (src/hash/sha3.ts picks). The 25 lanes live in locals during the
// permutation, with theta, rho + pi and chi written out (round constants and rotation offsets from
// FIPS 202 section 3.2; lane (x, y) is at index x + 5y, little-endian).
// Memory (fixed 128 KiB): the state at 0 (200 bytes; the digest is its first 32), the message at
// INPUT, written by the host; for entry ids, the entry's prefix at OUTER.
const STATE: usize = 0;
const INPUT: usize = 256;
const OUTER: usize = 0x10000;
const RATE: i32 = 136;

const RC: StaticArray<u64> = [
  0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000,
  0x000000000000808b, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
  0x000000000000008a, 0x0000000000000088, 0x0000000080008009, 0x000000008000000a,
  0x000000008000808b, 0x800000000000008b, 0x8000000000008089, 0x8000000000008003,
  0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
  0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
];

// @ts-ignore: decorator
@inline function lane(i: i32): u64 { return load<u64>(STATE + (<usize>i << 3)); }

function permute(): void {
  let a0 = lane(0), a1 = lane(1), a2 = lane(2), a3 = lane(3), a4 = lane(4);
  let a5 = lane(5), a6 = lane(6), a7 = lane(7), a8 = lane(8), a9 = lane(9);
  let a10 = lane(10), a11 = lane(11), a12 = lane(12), a13 = lane(13), a14 = lane(14);
  let a15 = lane(15), a16 = lane(16), a17 = lane(17), a18 = lane(18), a19 = lane(19);
  let a20 = lane(20), a21 = lane(21), a22 = lane(22), a23 = lane(23), a24 = lane(24);
  for (let r = 0; r < 24; r++) {
    // theta
    const c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20;
    const c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21;
    const c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22;
    const c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23;
    const c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24;
    const d0 = c4 ^ rotl<u64>(c1, 1);
    const d1 = c0 ^ rotl<u64>(c2, 1);
    const d2 = c1 ^ rotl<u64>(c3, 1);
    const d3 = c2 ^ rotl<u64>(c4, 1);
    const d4 = c3 ^ rotl<u64>(c0, 1);
    // rho + pi: b[y][2x+3y] = rotl(a[x][y] ^ d[x], r[x][y])
    const b0 = a0 ^ d0;
    const b10 = rotl<u64>(a1 ^ d1, 1);
    const b20 = rotl<u64>(a2 ^ d2, 62);
    const b5 = rotl<u64>(a3 ^ d3, 28);
    const b15 = rotl<u64>(a4 ^ d4, 27);
    const b16 = rotl<u64>(a5 ^ d0, 36);
    const b1 = rotl<u64>(a6 ^ d1, 44);
    const b11 = rotl<u64>(a7 ^ d2, 6);
    const b21 = rotl<u64>(a8 ^ d3, 55);
    const b6 = rotl<u64>(a9 ^ d4, 20);
    const b7 = rotl<u64>(a10 ^ d0, 3);
    const b17 = rotl<u64>(a11 ^ d1, 10);
    const b2 = rotl<u64>(a12 ^ d2, 43);
    const b12 = rotl<u64>(a13 ^ d3, 25);
    const b22 = rotl<u64>(a14 ^ d4, 39);
    const b23 = rotl<u64>(a15 ^ d0, 41);
    const b8 = rotl<u64>(a16 ^ d1, 45);
    const b18 = rotl<u64>(a17 ^ d2, 15);
    const b3 = rotl<u64>(a18 ^ d3, 21);
    const b13 = rotl<u64>(a19 ^ d4, 8);
    const b14 = rotl<u64>(a20 ^ d0, 18);
    const b24 = rotl<u64>(a21 ^ d1, 2);
    const b9 = rotl<u64>(a22 ^ d2, 61);
    const b19 = rotl<u64>(a23 ^ d3, 56);
    const b4 = rotl<u64>(a24 ^ d4, 14);
    // chi
    a0 = b0 ^ (~b1 & b2); a1 = b1 ^ (~b2 & b3); a2 = b2 ^ (~b3 & b4); a3 = b3 ^ (~b4 & b0); a4 = b4 ^ (~b0 & b1);
    a5 = b5 ^ (~b6 & b7); a6 = b6 ^ (~b7 & b8); a7 = b7 ^ (~b8 & b9); a8 = b8 ^ (~b9 & b5); a9 = b9 ^ (~b5 & b6);
    a10 = b10 ^ (~b11 & b12); a11 = b11 ^ (~b12 & b13); a12 = b12 ^ (~b13 & b14); a13 = b13 ^ (~b14 & b10); a14 = b14 ^ (~b10 & b11);
    a15 = b15 ^ (~b16 & b17); a16 = b16 ^ (~b17 & b18); a17 = b17 ^ (~b18 & b19); a18 = b18 ^ (~b19 & b15); a19 = b19 ^ (~b15 & b16);
    a20 = b20 ^ (~b21 & b22); a21 = b21 ^ (~b22 & b23); a22 = b22 ^ (~b23 & b24); a23 = b23 ^ (~b24 & b20); a24 = b24 ^ (~b20 & b21);
    // iota
    a0 ^= unchecked(RC[r]);
  }
  store<u64>(STATE, a0, 0); store<u64>(STATE, a1, 8); store<u64>(STATE, a2, 16); store<u64>(STATE, a3, 24); store<u64>(STATE, a4, 32);
  store<u64>(STATE, a5, 40); store<u64>(STATE, a6, 48); store<u64>(STATE, a7, 56); store<u64>(STATE, a8, 64); store<u64>(STATE, a9, 72);
  store<u64>(STATE, a10, 80); store<u64>(STATE, a11, 88); store<u64>(STATE, a12, 96); store<u64>(STATE, a13, 104); store<u64>(STATE, a14, 112);
  store<u64>(STATE, a15, 120); store<u64>(STATE, a16, 128); store<u64>(STATE, a17, 136); store<u64>(STATE, a18, 144); store<u64>(STATE, a19, 152);
  store<u64>(STATE, a20, 160); store<u64>(STATE, a21, 168); store<u64>(STATE, a22, 176); store<u64>(STATE, a23, 184); store<u64>(STATE, a24, 192);
}

/** SHA3-256 of the `length` bytes at INPUT (at most OUTER - INPUT); the digest is the first 32 bytes of memory. */
export function sha3_256(length: i32): void {
  absorb(INPUT, length);
}

/**
 * A Bytom entry id (protocol/bc/entry.go EntryID): SHA3(prefix || SHA3(body)), with the body
 * (`bodyLength` bytes) at INPUT and the prefix "entryid:<type>:" (`prefixLength` bytes) at OUTER.
 * One call instead of two, and no copy of the inner digest through the host. The id is the first
 * 32 bytes of memory.
 */
export function entry_id(prefixLength: i32, bodyLength: i32): void {
  absorb(INPUT, bodyLength);
  memory.copy(OUTER + <usize>prefixLength, STATE, 32);
  absorb(OUTER, prefixLength + 32);
}

/** SHA3-256 of the `length` bytes at `input`, into the state. */
function absorb(input: usize, length: i32): void {
  memory.fill(STATE, 0, 200);
  let at = input;
  let left = length;
  while (left >= RATE) {
    for (let i = 0; i < RATE; i += 8) store<u64>(STATE + i, load<u64>(STATE + i) ^ load<u64>(at + i));
    permute();
    at += RATE;
    left -= RATE;
  }
  for (let i = 0; i < left; i++) store<u8>(STATE + i, load<u8>(STATE + i) ^ load<u8>(at + i));
  store<u8>(STATE + left, load<u8>(STATE + left) ^ 0x06);
  store<u8>(STATE + RATE - 1, load<u8>(STATE + RATE - 1) ^ 0x80);
  permute();
}
