// Tensority's heavy parts in AssemblyScript, compiled to WebAssembly with SIMD by ./build.ts:
// the per-seed cache (scrypt SMix, r = 1, N = 1024, run 128 times) and the four chains of 64
// folded matrix products. Bit-exact with Bytom v1.1.1 mining/tensority (go_algorithm/seed.go,
// matrix.go; the AVX2 variant cgo_algorithm/lib/BytomPoW.h does the same in int16 lanes).
//
// One instance holds one seed's cache. The host writes the extended seed (128 bytes) at SEED_PTR
// and calls buildCache(); then, per hash, writes the four 32-byte chain sequences at SEQUENCE_PTR,
// calls hashSequences() and reads the 256x256 byte matrix (sum of the chains mod 256) at SUM_PTR.
//
// Why int16 lanes are exact: a product element is an int32 dot product v of int8 values, folded
// to int8 as ((v & 0xff) + ((v >> 8) & 0xff)) & 0xff. That reads only bits 0..15 of v, and
// wrapping 16-bit multiplies and adds give exactly those bits.

/** 128 bytes: the extended seed on input to buildCache, then scrypt's running state. */
export const SEED_PTR: usize = 0x10000;
/** 4 x 32 bytes: the matrix indices of each chain. */
export const SEQUENCE_PTR: usize = 0x10080;
/** 65536 bytes: the result of hashSequences, row-major. */
export const SUM_PTR: usize = 0x20000;
/** 128 KiB: SMix's scratch array V (1024 blocks of 128 bytes). */
const V_PTR: usize = 0x30000;
/** Two 256x256 int16 matrices the chains ping-pong between. */
const A_PTR: usize = 0x50000;
const C_PTR: usize = 0x70000;
/** 16 MiB: the 256 cache matrices, each stored transposed (int8, row k = column k of the matrix). */
const CACHE_PTR: usize = 0x100000;
// Everything ends at 17 MiB: build.ts gives the memory 272 pages of 64 KiB.

const N: usize = 256;
const MATRIX_BYTES: usize = N * N;
const ROW16: usize = N * 2;

// ---- cache: scrypt SMix (Bytom crypto/scrypt/scrypt.go smix, r = 1, N = 1024) ----

/** b = Salsa20/8(b ^ x) + (b ^ x), over 16 words: scrypt's salsaXOR. */
// @ts-ignore: decorator
@inline function salsaXor8(b: usize, x: usize): void {
  const w0 = load<u32>(b, 0) ^ load<u32>(x, 0);
  const w1 = load<u32>(b, 4) ^ load<u32>(x, 4);
  const w2 = load<u32>(b, 8) ^ load<u32>(x, 8);
  const w3 = load<u32>(b, 12) ^ load<u32>(x, 12);
  const w4 = load<u32>(b, 16) ^ load<u32>(x, 16);
  const w5 = load<u32>(b, 20) ^ load<u32>(x, 20);
  const w6 = load<u32>(b, 24) ^ load<u32>(x, 24);
  const w7 = load<u32>(b, 28) ^ load<u32>(x, 28);
  const w8 = load<u32>(b, 32) ^ load<u32>(x, 32);
  const w9 = load<u32>(b, 36) ^ load<u32>(x, 36);
  const w10 = load<u32>(b, 40) ^ load<u32>(x, 40);
  const w11 = load<u32>(b, 44) ^ load<u32>(x, 44);
  const w12 = load<u32>(b, 48) ^ load<u32>(x, 48);
  const w13 = load<u32>(b, 52) ^ load<u32>(x, 52);
  const w14 = load<u32>(b, 56) ^ load<u32>(x, 56);
  const w15 = load<u32>(b, 60) ^ load<u32>(x, 60);
  let x0 = w0, x1 = w1, x2 = w2, x3 = w3, x4 = w4, x5 = w5, x6 = w6, x7 = w7;
  let x8 = w8, x9 = w9, x10 = w10, x11 = w11, x12 = w12, x13 = w13, x14 = w14, x15 = w15;
  for (let i = 0; i < 8; i += 2) {
    // Columns.
    x4 ^= rotl<u32>(x0 + x12, 7);
    x9 ^= rotl<u32>(x5 + x1, 7);
    x14 ^= rotl<u32>(x10 + x6, 7);
    x3 ^= rotl<u32>(x15 + x11, 7);
    x8 ^= rotl<u32>(x4 + x0, 9);
    x13 ^= rotl<u32>(x9 + x5, 9);
    x2 ^= rotl<u32>(x14 + x10, 9);
    x7 ^= rotl<u32>(x3 + x15, 9);
    x12 ^= rotl<u32>(x8 + x4, 13);
    x1 ^= rotl<u32>(x13 + x9, 13);
    x6 ^= rotl<u32>(x2 + x14, 13);
    x11 ^= rotl<u32>(x7 + x3, 13);
    x0 ^= rotl<u32>(x12 + x8, 18);
    x5 ^= rotl<u32>(x1 + x13, 18);
    x10 ^= rotl<u32>(x6 + x2, 18);
    x15 ^= rotl<u32>(x11 + x7, 18);
    // Rows.
    x1 ^= rotl<u32>(x0 + x3, 7);
    x6 ^= rotl<u32>(x5 + x4, 7);
    x11 ^= rotl<u32>(x10 + x9, 7);
    x12 ^= rotl<u32>(x15 + x14, 7);
    x2 ^= rotl<u32>(x1 + x0, 9);
    x7 ^= rotl<u32>(x6 + x5, 9);
    x8 ^= rotl<u32>(x11 + x10, 9);
    x13 ^= rotl<u32>(x12 + x15, 9);
    x3 ^= rotl<u32>(x2 + x1, 13);
    x4 ^= rotl<u32>(x7 + x6, 13);
    x9 ^= rotl<u32>(x8 + x11, 13);
    x14 ^= rotl<u32>(x13 + x12, 13);
    x0 ^= rotl<u32>(x3 + x2, 18);
    x5 ^= rotl<u32>(x4 + x7, 18);
    x10 ^= rotl<u32>(x9 + x8, 18);
    x15 ^= rotl<u32>(x14 + x13, 18);
  }
  store<u32>(b, x0 + w0, 0);
  store<u32>(b, x1 + w1, 4);
  store<u32>(b, x2 + w2, 8);
  store<u32>(b, x3 + w3, 12);
  store<u32>(b, x4 + w4, 16);
  store<u32>(b, x5 + w5, 20);
  store<u32>(b, x6 + w6, 24);
  store<u32>(b, x7 + w7, 28);
  store<u32>(b, x8 + w8, 32);
  store<u32>(b, x9 + w9, 36);
  store<u32>(b, x10 + w10, 40);
  store<u32>(b, x11 + w11, 44);
  store<u32>(b, x12 + w12, 48);
  store<u32>(b, x13 + w13, 52);
  store<u32>(b, x14 + w14, 56);
  store<u32>(b, x15 + w15, 60);
}

/** BlockMix with r = 1, in place on the 128-byte state. */
// @ts-ignore: decorator
@inline function blockMix(x: usize): void {
  salsaXor8(x, x + 64);
  salsaXor8(x + 64, x);
}

/** One SMix run on the state at SEED_PTR, leaving its scratch array at V_PTR. */
function smix(): void {
  const x = SEED_PTR;
  for (let i: usize = 0; i < 1024; i++) {
    const v = V_PTR + i * 128;
    for (let o: usize = 0; o < 128; o += 16) v128.store(v + o, v128.load(x + o));
    blockMix(x);
  }
  for (let i = 0; i < 1024; i++) {
    const v = V_PTR + (<usize>(load<u32>(x, 64) & 1023)) * 128;
    for (let o: usize = 0; o < 128; o += 16) v128.store(x + o, v128.xor(v128.load(x + o), v128.load(v + o)));
    blockMix(x);
  }
}

/**
 * Stores the two matrices of one SMix run, transposed. Matrix 2*run takes the even 128-byte
 * blocks of V and matrix 2*run+1 the odd ones (Go's reordering in mulMatrix); row r of either is
 * two blocks: 4r and 4r+2 (even) or 4r+1 and 4r+3 (odd). Element (r, k) of the even matrix is
 * thus byte 512r + k + (k & 128) of V, and of the odd one 128 bytes further.
 */
function storeTransposed(run: usize): void {
  const even = CACHE_PTR + 2 * run * MATRIX_BYTES;
  const odd = even + MATRIX_BYTES;
  for (let r: usize = 0; r < N; r++) {
    const row = V_PTR + r * 512;
    for (let k: usize = 0; k < N; k++) {
      const src = row + k + (k & 128);
      store<u8>(even + k * N + r, load<u8>(src));
      store<u8>(odd + k * N + r, load<u8>(src, 128));
    }
  }
}

/** Fills the cache from the extended seed at SEED_PTR (calcSeedCache). */
export function buildCache(): void {
  for (let run: usize = 0; run < 128; run++) {
    smix();
    storeTransposed(run);
  }
}

// ---- hash: four chains of folded products (matrix.go mulMatrix) ----

/** Folds eight int16 lanes holding dot products mod 2^16 to sign-extended int8. */
// @ts-ignore: decorator
@inline function fold(v: v128): v128 {
  return i16x8.shr_s(i16x8.add(v, i16x8.shl(v, 8)), 8);
}

/** The first product of a chain, identity x B^T, is B^T itself, folded: stored here as int16. */
function foldTransposed(bt: usize, dst: usize): void {
  for (let i: usize = 0; i < MATRIX_BYTES; i += 8) {
    v128.store(dst + i * 2, fold(v128.load8x8_s(bt + i)));
  }
}

/**
 * c = fold(a x B^T) with a an int16 matrix and bt = B^T an int8 one: c[i][j] = sum over k of
 * a[i][k] * bt[k][j]. Register-blocked over 4 rows x 16 columns, the k loop unrolled twice.
 */
function mulFold(a: usize, bt: usize, c: usize): void {
  for (let i: usize = 0; i < N; i += 4) {
    const aRows = a + i * ROW16;
    const cRows = c + i * ROW16;
    for (let j: usize = 0; j < N; j += 16) {
      let c00 = i16x8.splat(0);
      let c01 = c00;
      let c10 = c00;
      let c11 = c00;
      let c20 = c00;
      let c21 = c00;
      let c30 = c00;
      let c31 = c00;
      let pa = aRows;
      let pb = bt + j;
      const end = aRows + ROW16;
      while (pa < end) {
        let b0 = v128.load8x8_s(pb);
        let b1 = v128.load8x8_s(pb, 8);
        let s = v128.load16_splat(pa);
        c00 = i16x8.add(c00, i16x8.mul(s, b0));
        c01 = i16x8.add(c01, i16x8.mul(s, b1));
        s = v128.load16_splat(pa, ROW16);
        c10 = i16x8.add(c10, i16x8.mul(s, b0));
        c11 = i16x8.add(c11, i16x8.mul(s, b1));
        s = v128.load16_splat(pa, 2 * ROW16);
        c20 = i16x8.add(c20, i16x8.mul(s, b0));
        c21 = i16x8.add(c21, i16x8.mul(s, b1));
        s = v128.load16_splat(pa, 3 * ROW16);
        c30 = i16x8.add(c30, i16x8.mul(s, b0));
        c31 = i16x8.add(c31, i16x8.mul(s, b1));

        b0 = v128.load8x8_s(pb, N);
        b1 = v128.load8x8_s(pb, N + 8);
        s = v128.load16_splat(pa, 2);
        c00 = i16x8.add(c00, i16x8.mul(s, b0));
        c01 = i16x8.add(c01, i16x8.mul(s, b1));
        s = v128.load16_splat(pa, ROW16 + 2);
        c10 = i16x8.add(c10, i16x8.mul(s, b0));
        c11 = i16x8.add(c11, i16x8.mul(s, b1));
        s = v128.load16_splat(pa, 2 * ROW16 + 2);
        c20 = i16x8.add(c20, i16x8.mul(s, b0));
        c21 = i16x8.add(c21, i16x8.mul(s, b1));
        s = v128.load16_splat(pa, 3 * ROW16 + 2);
        c30 = i16x8.add(c30, i16x8.mul(s, b0));
        c31 = i16x8.add(c31, i16x8.mul(s, b1));

        pa += 4;
        pb += 2 * N;
      }
      const out = cRows + j * 2;
      v128.store(out, fold(c00));
      v128.store(out, fold(c01), 16);
      v128.store(out, fold(c10), ROW16);
      v128.store(out, fold(c11), ROW16 + 16);
      v128.store(out, fold(c20), 2 * ROW16);
      v128.store(out, fold(c21), 2 * ROW16 + 16);
      v128.store(out, fold(c30), 3 * ROW16);
      v128.store(out, fold(c31), 3 * ROW16 + 16);
    }
  }
}

/** SUM_PTR += m (an int16 matrix of int8 values), byte-wise mod 256. */
function addToSum(m: usize): void {
  for (let i: usize = 0; i < MATRIX_BYTES; i += 16) {
    const bytes = i8x16.narrow_i16x8_s(v128.load(m + i * 2), v128.load(m + i * 2, 16));
    v128.store(SUM_PTR + i, i8x16.add(v128.load(SUM_PTR + i), bytes));
  }
}

/** Runs the four chains named at SEQUENCE_PTR and leaves their sum at SUM_PTR. */
export function hashSequences(): void {
  memory.fill(SUM_PTR, 0, MATRIX_BYTES);
  for (let chain: usize = 0; chain < 4; chain++) {
    const sequence = SEQUENCE_PTR + chain * 32;
    let a = A_PTR;
    let c = C_PTR;
    foldTransposed(CACHE_PTR + <usize>load<u8>(sequence) * MATRIX_BYTES, a);
    // Two passes over the 32 indices; the first product is done above.
    for (let step: usize = 1; step < 64; step++) {
      mulFold(a, CACHE_PTR + <usize>load<u8>(sequence + (step & 31)) * MATRIX_BYTES, c);
      const t = a;
      a = c;
      c = t;
    }
    addToSum(a);
  }
}
