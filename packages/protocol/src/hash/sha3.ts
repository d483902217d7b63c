// SHA3-256 (FIPS 202). Bytom's crypto.Sha256 is SHA3-256 despite its name.
// node:crypto is ~14x faster here than @noble/hashes; both give identical digests (see test).
import { createHash } from 'node:crypto';

export function sha3(data: Uint8Array): Uint8Array {
  const h = createHash('sha3-256').update(data).digest();
  return new Uint8Array(h.buffer, h.byteOffset, h.byteLength);
}
