// scrypt's SMix with r = 1, N = 1024, as Bytom fixes it for Tensority's cache (Bytom v1.1.1
// crypto/scrypt/smix.go and scrypt.go; the algorithm is RFC 7914, sections 3 to 5). Written for
// reading: the reference implementation uses it, the fast one runs the same steps in WebAssembly.

/** Number of 32-word blocks SMix keeps: V holds N of them. */
export const SMIX_N = 1024;
/** Words in one scrypt block (2r x 16 words with r = 1). */
export const SMIX_BLOCK_WORDS = 32;

function rotl(v: number, c: number): number {
  return (v << c) | (v >>> (32 - c));
}

/** One Salsa20 quarter-round on words a, b, c, d of the state. */
function quarterRound(s: Uint32Array, a: number, b: number, c: number, d: number): void {
  s[b] = s[b]! ^ rotl((s[a]! + s[d]!) | 0, 7);
  s[c] = s[c]! ^ rotl((s[b]! + s[a]!) | 0, 9);
  s[d] = s[d]! ^ rotl((s[c]! + s[b]!) | 0, 13);
  s[a] = s[a]! ^ rotl((s[d]! + s[c]!) | 0, 18);
}

const input = new Uint32Array(16);
const state = new Uint32Array(16);

/** b[bo..bo+16] = Salsa20/8(b[bo..bo+16] ^ x[xo..xo+16]) (the "xor_salsa8" of scrypt). */
function salsaXor8(b: Uint32Array, bo: number, x: Uint32Array, xo: number): void {
  for (let i = 0; i < 16; i++) input[i] = b[bo + i]! ^ x[xo + i]!;
  state.set(input);
  for (let round = 0; round < 8; round += 2) {
    // Columns, then rows.
    quarterRound(state, 0, 4, 8, 12);
    quarterRound(state, 5, 9, 13, 1);
    quarterRound(state, 10, 14, 2, 6);
    quarterRound(state, 15, 3, 7, 11);
    quarterRound(state, 0, 1, 2, 3);
    quarterRound(state, 5, 6, 7, 4);
    quarterRound(state, 10, 11, 8, 9);
    quarterRound(state, 15, 12, 13, 14);
  }
  for (let i = 0; i < 16; i++) b[bo + i] = input[i]! + state[i]!;
}

/** BlockMix with r = 1, in place: X = (lo, hi) becomes (Salsa(lo ^ hi), Salsa(hi ^ lo')). */
function blockMix(x: Uint32Array): void {
  salsaXor8(x, 0, x, 16);
  salsaXor8(x, 16, x, 0);
}

/**
 * Runs SMix on the 32-word state `x` (updated in place, so successive calls chain as Bytom's do)
 * and leaves its scratch array, N blocks of 32 words, in `v`.
 */
export function smix(x: Uint32Array, v: Uint32Array): void {
  for (let i = 0; i < SMIX_N; i++) {
    v.set(x, i * SMIX_BLOCK_WORDS);
    blockMix(x);
  }
  for (let i = 0; i < SMIX_N; i++) {
    // Integerify: the first word of the last 16-word half, modulo N.
    const j = x[16]! & (SMIX_N - 1);
    for (let w = 0; w < SMIX_BLOCK_WORDS; w++) x[w] = x[w]! ^ v[j * SMIX_BLOCK_WORDS + w]!;
    blockMix(x);
  }
}
