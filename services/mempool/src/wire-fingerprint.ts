// A short digest of a transaction's wire bytes, to find the pending (or a block's) tx with exactly
// those bytes without hashing its entries. Not collision resistant: whoever uses it compares the
// bytes after, so a collision (chance or crafted) only costs the fast path, never a wrong answer.
// Two 32-bit multiplicative hashes over the bytes, folded into one safe integer (a cheap Map key).
export function wireFingerprint(bytes: Uint8Array): number {
  let a = 0x811c9dc5 ^ bytes.length;
  let b = 0x9747b28c;
  for (let i = 0; i < bytes.length; i++) {
    const x = bytes[i]!;
    a = Math.imul(a ^ x, 0x01000193);
    b = Math.imul(b ^ x, 0x5bd1e995);
    b ^= b >>> 13;
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}
