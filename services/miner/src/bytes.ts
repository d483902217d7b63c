// The miner's names for the runtime's byte helpers (hex for map keys and logs, equality).
export { bytesEqual as sameBytes, bytesToHex as toHex } from '@bystack/runtime';
