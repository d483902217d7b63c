// Map keys for ids: 32-byte hashes as hex strings (Uint8Arrays compare by identity in a Map).
export function bytesKey(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}
