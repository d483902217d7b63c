// The pool's names for the runtime's byte helpers: hex keys for tx and output ids.
export { asBuffer, bytesToHex as hexKey, hexToBytes as bytesOfHex } from '@bystack/runtime';
